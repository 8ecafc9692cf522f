"""Answers: deciding whether the library holds evidence, then answering with citations (quoted or written)."""
