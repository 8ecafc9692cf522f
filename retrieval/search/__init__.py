"""Search: the dense and keyword legs over the library, their fusion, and the ranked hits they return."""
