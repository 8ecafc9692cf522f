"""Whether two libraries built from the same input are the same library: articles, chunks and vectors.

Vectors are compared by the chunk they belong to (PMID and position), not by chunk id, and by
cosine: the same text embedded in another process may differ in the last bits of a float.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from retrieval.library import Library

SAME_VECTOR = 0.9999  # cosine from which two vectors of one chunk count as the same


@dataclass(frozen=True)
class LibraryDiff:
    articles: int
    chunks: int
    vectors: int
    same_articles: bool
    same_chunks: bool
    same_vector_count: bool
    min_cosine: float
    check_ok: bool

    @property
    def same(self) -> bool:
        return (
            self.same_articles
            and self.same_chunks
            and self.same_vector_count
            and self.min_cosine >= SAME_VECTOR
            and self.check_ok
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "same": self.same}


def chunk_vectors(library: Library) -> dict[tuple[str, int], tuple[str, np.ndarray]]:
    """(PMID, position) of each embedded chunk -> its text and its vector."""
    rows = library.store.chunk_rows(library.store.embedded_ids().tolist())
    found = {}
    for ids, vectors in library.store.iter_vectors():
        for chunk_id, vector in zip(ids.tolist(), vectors, strict=True):
            row = rows[chunk_id]
            found[(row.pmid, row.ord)] = (row.text, vector)
    return found


def compare(reference: Library, other: Library) -> LibraryDiff:
    """How ``other`` differs from ``reference`` (counts are ``other``'s)."""
    pmids = other.store.all_pmids()
    same_articles = pmids == reference.store.all_pmids() and (
        other.store.get_articles(pmids) == reference.store.get_articles(pmids)
    )
    ours, theirs = chunk_vectors(reference), chunk_vectors(other)
    same_chunks = ours.keys() == theirs.keys() and all(ours[k][0] == theirs[k][0] for k in ours)
    shared = ours.keys() & theirs.keys()
    cosines = [float(ours[k][1] @ theirs[k][1]) for k in shared]
    return LibraryDiff(
        articles=len(pmids),
        chunks=other.store.counts()["chunks"],
        vectors=other.index.ntotal,
        same_articles=same_articles,
        same_chunks=same_chunks,
        same_vector_count=other.index.ntotal == reference.index.ntotal,
        min_cosine=min(cosines, default=1.0),
        check_ok=other.check().ok,
    )
