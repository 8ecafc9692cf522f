"""Hybrid search: the dense and BM25 legs, fused into one ranked list of articles with their evidence levels.

Each leg returns its best ``CANDIDATES`` articles (``legs``); their scores are
fused (``fusion``); the best ``k`` come back as hits with the sentences that
matched, so a reader sees why an article was found.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.chunking import article_sentences
from retrieval.library.evidence import OTHER, boost, design_for, level_for
from retrieval.library.filters import SearchFilters
from retrieval.library.records import Article
from retrieval.search.fusion import weighted_fusion
from retrieval.search.legs import DenseLeg, bm25_leg, dense_leg
from retrieval.search.results import Hit
from retrieval.text import content_words, split_sentences, term_overlap

Method = Literal["hybrid", "dense", "bm25"]

CANDIDATES = 60  # articles each leg contributes to the fusion
HIT_SENTENCES = 3


class EmptyLibraryError(UserError):
    """Searching a library that holds no article."""


@dataclass
class SearchResult:
    """Ranked hits plus what each leg saw (abstention and benchmarks read these)."""

    hits: list[Hit]
    dense: list[tuple[str, float]] = field(default_factory=list)  # (pmid, best chunk cosine), best first
    bm25: list[tuple[str, float]] = field(default_factory=list)  # (pmid, -bm25: higher is better), best first
    terms: list[str] = field(default_factory=list)  # the query's content words
    vector: np.ndarray | None = None  # the query's embedding (None for BM25 alone)
    timings_ms: dict[str, float] = field(default_factory=dict)


def check_query(query: str) -> str:
    if not query or not query.strip():
        raise UserError("The query is empty: type a question or some search words.")
    return query.strip()


def ensure_not_empty(library: Library) -> None:
    if library.store.is_empty():
        raise EmptyLibraryError("The library is empty: import PubMed articles first, then search again.")


def run_search(
    library: Library,
    query: str,
    filters: SearchFilters | None = None,
    k: int = 10,
    prefer_strong_designs: bool = False,
    method: Method = "hybrid",
) -> SearchResult:
    """Search with everything the legs saw; ``search`` returns just the hits."""
    query = check_query(query)
    started = time.perf_counter()
    library.refresh()
    ensure_not_empty(library)
    clause = library.store.filter_clause(filters)
    allowed = library.store.allowed_pmids(clause) if clause else None
    limit = max(CANDIDATES, 2 * k)
    timings: dict[str, float] = {}

    dense = DenseLeg([], {})
    vector = None
    if method in ("hybrid", "dense"):
        t0 = time.perf_counter()
        vector = library.embed_query(query)
        timings["embed_query"] = _ms(t0)
        t0 = time.perf_counter()
        dense = dense_leg(library, vector, clause, allowed, limit)
        timings["dense"] = _ms(t0)
    bm25: list[tuple[str, float]] = []
    if method in ("hybrid", "bm25"):
        t0 = time.perf_counter()
        bm25 = bm25_leg(library, query, clause, allowed, limit)
        timings["bm25"] = _ms(t0)

    fused = weighted_fusion(dense.ranked, bm25)
    designs = design_levels(library, list(fused))
    if prefer_strong_designs:
        fused = {pmid: score * boost(designs[pmid]) for pmid, score in fused.items()}
    top = sorted(fused, key=lambda p: (-fused[p], p))[:k]

    terms = content_words(query)
    articles = library.store.get_articles(top)
    dense_scores, bm25_scores = dict(dense.ranked), dict(bm25)
    hits = [
        make_hit(
            articles[pmid],
            fused[pmid],
            designs[pmid],
            matched_sentences(terms, articles[pmid], dense.best_chunk.get(pmid)),
            dense_scores.get(pmid),
            bm25_scores.get(pmid),
        )
        for pmid in top
        if pmid in articles
    ]
    timings["search"] = _ms(started)
    return SearchResult(hits, dense.ranked, bm25, terms, vector, timings)


def search(
    library: Library,
    query: str,
    filters: SearchFilters | None = None,
    k: int = 10,
    prefer_strong_designs: bool = False,
    method: Method = "hybrid",
) -> list[Hit]:
    """The ``k`` best articles for ``query`` (hybrid by default; ``method`` lets benchmarks compare legs).

    Raises ``UserError`` for an empty query, an empty library or an unknown collection.
    """
    return run_search(library, query, filters, k, prefer_strong_designs, method).hits


def design_levels(library: Library, pmids: list[str]) -> dict[str, str]:
    """Evidence level label of each PMID, from its stored publication types and MeSH headings, else its text."""
    types, mesh = library.store.types_and_mesh(pmids)
    levels = {p: level_for(types[p], mesh[p]) for p in pmids}
    texts = library.store.titles_and_abstracts([p for p, level in levels.items() if level is OTHER])
    for pmid, (title, abstract) in texts.items():
        levels[pmid], _ = design_for([], [], title, abstract)
    return {p: level.label for p, level in levels.items()}


def make_hit(
    article: Article,
    score: float,
    level: str,
    sentences: list[str],
    dense_score: float | None = None,
    bm25_score: float | None = None,
) -> Hit:
    return Hit(
        pmid=article.pmid,
        title=article.title,
        year=article.year,
        journal=article.journal,
        publication_types=list(article.publication_types),
        level=level,
        inferred=level != OTHER.label
        and level_for(article.publication_types, [m.descriptor for m in article.mesh]).label != level,
        retracted=article.is_retracted,
        score=score,
        sentences=sentences,
        dense_score=dense_score,
        bm25_score=bm25_score,
        article=article,
    )


def matched_sentences(terms: list[str], article: Article, best_chunk: str | None) -> list[str]:
    """The sentences that best show why an article matched: most query words, best chunk first."""
    pool = split_sentences(best_chunk) if best_chunk else [s for _, s in article_sentences(article)]
    scored = [(term_overlap(terms, s), -i, s) for i, s in enumerate(pool)]
    chosen = [s for overlap, _, s in sorted(scored, reverse=True)[:HIT_SENTENCES] if overlap > 0]
    return chosen or pool[:1]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
