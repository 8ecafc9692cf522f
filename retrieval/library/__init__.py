"""The library: the only code that speaks SQL, FAISS or torch.

Records and their schema, the SQLite store, chunking, embedding, the FAISS
index, collections, and the ``Library`` that owns one data folder. Everything
above this package reads and writes the library through these names.
"""

from retrieval.library.library import Library

__all__ = ["Library"]
