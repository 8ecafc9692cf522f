"""The two legs of hybrid search: dense retrieval over the FAISS index and BM25 over the keyword index.

Dense retrieval finds paraphrases ("heart attack" for "myocardial infarction");
BM25 finds exact rare terms (drug names, gene symbols, acronyms) the small
embedding model blurs. Each leg returns its best articles, best first; a dense
article scores as its best chunk.

The same filters apply to both legs: for BM25, as the keyword engine takes them
(``retrieval.library.keyword``: inside the FTS5 query, or as the allowed PMIDs);
for the dense leg, a FAISS ID selector over the allowed chunks when the filter is
selective, otherwise an over-fetch whose results are then filtered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.library import Library
from retrieval.library.store import FilterClause
from retrieval.search.lay_terms import with_clinical_names

SELECTOR_MAX_FRACTION = 0.25  # filters passing fewer articles than this use a FAISS ID selector
OVERFETCH = 4  # chunks asked of FAISS per wanted article (an article has several chunks)


def bm25_leg(
    library: Library, query: str, clause: FilterClause | None, allowed: set[str] | None, limit: int
) -> list[tuple[str, float]]:
    """Best articles by BM25 on the library's keyword engine, as (pmid, score) with higher scores better.

    Lay terms bring their clinical names along ("chickenpox" searches varicella too): abstracts use those.
    """
    return library.keywords.search(with_clinical_names(query), limit, clause, allowed)


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
