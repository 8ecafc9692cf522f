"""The two legs of hybrid search: dense retrieval over the FAISS index and BM25 over SQLite FTS5.

Dense retrieval finds paraphrases ("heart attack" for "myocardial infarction");
BM25 finds exact rare terms (drug names, gene symbols, acronyms) the small
embedding model blurs. Each leg returns its best articles, best first; a dense
article scores as its best chunk.

The same filters apply to both legs: inside the FTS query for BM25; for the
dense leg, a FAISS ID selector over the allowed chunks when the filter is
selective, otherwise an over-fetch whose results are then filtered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.library import Library
from retrieval.library.store import FilterClause
from retrieval.text import content_words, words

TITLE_WEIGHT = 1.0  # bm25() column weight of the title against the abstract (2 and 5 tried)
SELECTOR_MAX_FRACTION = 0.25  # filters passing fewer articles than this use a FAISS ID selector
OVERFETCH = 4  # chunks asked of FAISS per wanted article (an article has several chunks)


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word quoted (no user syntax reaches FTS5), any word may match."""
    found = content_words(text) or words(text)
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in found)


def bm25_leg(library: Library, query: str, clause: FilterClause | None, limit: int) -> list[tuple[str, float]]:
    """Best articles by BM25 (title weighted), as (pmid, score) with higher scores better."""
    match = fts_query(query)
    if not match:
        return []
    return library.store.bm25(match, clause, limit, TITLE_WEIGHT)


@dataclass
class DenseLeg:
    ranked: list[tuple[str, float]]
    best_chunk: dict[str, str]  # pmid -> text of its best-matching chunk


def dense_leg(
    library: Library, vector: np.ndarray, clause: FilterClause | None, allowed: set[str] | None, limit: int
) -> DenseLeg:
    """Best articles by cosine of their best chunk; chunk ids the store no longer has are ignored."""
    total = library.index.ntotal
    if total == 0 or (allowed is not None and not allowed):
        return DenseLeg([], {})
    fetch, ids = limit * OVERFETCH, None
    if allowed is not None and clause is not None:
        n_articles = library.store.article_count()
        if len(allowed) <= SELECTOR_MAX_FRACTION * n_articles:
            ids = library.store.allowed_chunk_ids(clause)
        else:
            fetch = int(fetch * n_articles / len(allowed)) + limit
    scores, chunk_ids = library.index.search(vector, fetch, ids)
    pairs = [(int(c), float(s)) for c, s in zip(chunk_ids[0], scores[0], strict=True) if c >= 0]
    rows = library.store.chunk_rows([c for c, _ in pairs])
    best: dict[str, float] = {}
    best_chunk: dict[str, str] = {}
    for chunk_id, score in pairs:
        row = rows.get(chunk_id)
        if row is None or (allowed is not None and row.pmid not in allowed) or row.pmid in best:
            continue
        best[row.pmid] = score
        best_chunk[row.pmid] = row.text
        if len(best) >= limit:
            break
    return DenseLeg(sorted(best.items(), key=lambda p: -p[1]), best_chunk)
