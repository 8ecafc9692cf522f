"""Hybrid search: FAISS dense retrieval and SQLite FTS5 BM25, fused into one ranked list of articles.

Dense retrieval finds paraphrases ("heart attack" for "myocardial infarction");
BM25 finds exact rare terms (drug names, gene symbols, acronyms) the small
embedding model blurs. Each leg returns its best ``CANDIDATES`` articles (a
dense article scores as its best chunk); the fused score is a weighted sum of
the two legs' min-max normalised scores (an article missing from a leg gets 0 there).

Fusion choice, tuned on two dev sets over the 5,124-article corpus (mean MRR of
the two): 500 PubMedQA dev questions with their two rarest content words removed
(the questions as given are the articles' titles, on which every method scores
R@1 = 1.0), and 50 plain-language paraphrases of dev questions
(bench/data/paraphrased_questions.jsonl). Weighted score fusion with dense weight
0.7 and an unweighted title: MRR 0.976 / 0.897, against 0.969 / 0.724 for
reciprocal rank fusion (k=60), 0.945 / 0.875 for dense alone, 0.989 / 0.559 for
BM25 alone (title weight 2). Dense weights 0.5 and 0.8 were 0.905 and 0.927 on the mean; a title
weight of 2 was 0.929 at 0.7 (it helps only when the question is the title).

The same filters apply to both legs: inside the FTS query for BM25; for the
dense leg, a FAISS ID selector over the allowed chunks when the filter is
selective, otherwise an over-fetch whose results are then filtered.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import faiss
import numpy as np

from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.chunking import article_sentences, split_sentences
from retrieval.library.evidence import boost, level_for
from retrieval.library.filters import FilterClause, SearchFilters, allowed_pmids, filter_clause
from retrieval.library.records import Article
from retrieval.search.results import Hit

Method = Literal["hybrid", "dense", "bm25"]

CANDIDATES = 60  # articles each leg contributes to the fusion
DENSE_WEIGHT = 0.7  # share of the dense leg in the fused score (BM25 gets the rest)
TITLE_WEIGHT = 1.0  # bm25() column weight of the title against the abstract (2 and 5 tried)
SELECTOR_MAX_FRACTION = 0.25  # filters passing fewer articles than this use a FAISS ID selector
HIT_SENTENCES = 3

_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not of off on once only or other our out
    over own same she should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    whether there's what's vs versus among within without use used using"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


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


# ---------------------------------------------------------------------- terms
def query_terms(text: str) -> list[str]:
    """Content words of a text, lower-cased, in order, without stopwords or repeats."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in _STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def stem(word: str) -> str:
    """A crude, fast stem: a shared 6-letter prefix counts as the same word (trials/trial, treated/treatment)."""
    return word[:6]


def term_overlap(terms: list[str], text: str) -> float:
    """Fraction of ``terms`` (by stem) occurring in ``text``."""
    if not terms:
        return 0.0
    present = {stem(w) for w in _WORD.findall(text.lower())}
    return sum(stem(t) in present for t in terms) / len(terms)


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word quoted (no user syntax reaches FTS5), any word may match."""
    words = query_terms(text) or [w for w in _WORD.findall(text.lower())]
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


# ---------------------------------------------------------------------- legs
def bm25_leg(conn: sqlite3.Connection, query: str, clause: FilterClause | None, limit: int) -> list[tuple[str, float]]:
    """Best articles by BM25 (title weighted), as (pmid, score) with higher scores better."""
    match = fts_query(query)
    if not match:
        return []
    where = f" AND {clause.sql}" if clause else ""
    rows = conn.execute(
        f"SELECT a.pmid, bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS s FROM articles_fts"
        f" JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?{where} ORDER BY s LIMIT ?",
        [match, *(clause.params if clause else []), limit],
    ).fetchall()
    return [(r[0], -float(r[1])) for r in rows]


@dataclass
class DenseLeg:
    ranked: list[tuple[str, float]]
    best_chunk: dict[str, str]  # pmid -> text of its best-matching chunk


def dense_leg(
    library: Library, vector: np.ndarray, clause: FilterClause | None, allowed: set[str] | None, limit: int
) -> DenseLeg:
    """Best articles by cosine of their best chunk; chunk ids the store no longer has are ignored."""
    index = library.index.index
    if index is None or index.ntotal == 0:
        return DenseLeg([], {})
    fetch = min(index.ntotal, limit * 4)
    query = np.atleast_2d(vector).astype(np.float32)
    conn = library.store.conn
    params = None
    if allowed is not None:
        if not allowed:
            return DenseLeg([], {})
        n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if len(allowed) <= SELECTOR_MAX_FRACTION * n_articles:
            assert clause is not None
            ids = np.fromiter(
                (
                    r[0]
                    for r in conn.execute(
                        f"SELECT c.chunk_id FROM chunks c JOIN articles a ON a.pmid = c.pmid WHERE {clause.sql}",
                        clause.params,
                    )
                ),
                dtype=np.int64,
            )
            fetch, params = min(fetch, max(len(ids), 1)), _selector_params(index, ids)
        else:
            fetch = min(index.ntotal, int(fetch * n_articles / len(allowed)) + limit)
    with one_faiss_thread():
        scores, chunk_ids = index.search(query, fetch, params=params)
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


@contextmanager
def one_faiss_thread() -> Iterator[None]:
    """Search one query on one OpenMP thread (this thread only: the setting is per calling thread).

    One query is too little work to share: on a busy 2-core machine, waiting for the second
    thread made a flat search of 10,000 vectors take 24 ms instead of 0.7 ms.
    """
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _selector_params(index: faiss.Index, ids: np.ndarray) -> faiss.SearchParameters:
    selector = faiss.IDSelectorBatch(ids)
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        return faiss.SearchParameters(sel=selector)
    return faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe)


# -------------------------------------------------------------------- fusion
def weighted_fusion(dense: list[tuple[str, float]], bm25: list[tuple[str, float]]) -> dict[str, float]:
    """DENSE_WEIGHT x normalised dense score + the rest x normalised BM25 score, over both candidate lists."""
    weights = (DENSE_WEIGHT if bm25 else 1.0, 1.0 - DENSE_WEIGHT if dense else 1.0)
    fused: dict[str, float] = {}
    for weight, ranking in zip(weights, (dense, bm25), strict=True):
        for pmid, normalised in min_max(ranking).items():
            fused[pmid] = fused.get(pmid, 0.0) + weight * normalised
    return fused


def min_max(ranking: list[tuple[str, float]]) -> dict[str, float]:
    """Scores mapped onto [0, 1] within one candidate list (all 1.0 when they are equal)."""
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    low, high = min(scores), max(scores)
    return {pmid: (s - low) / (high - low) if high > low else 1.0 for pmid, s in ranking}


# -------------------------------------------------------------------- search
def check_query(query: str) -> str:
    if not query or not query.strip():
        raise UserError("The query is empty: type a question or some search words.")
    return query.strip()


def ensure_not_empty(library: Library) -> None:
    if library.store.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0]:
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
    conn = library.store.conn
    clause = filter_clause(library.store, filters)
    allowed = allowed_pmids(library.store, filters) if clause else None
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
        bm25 = bm25_leg(conn, query, clause, limit)
        timings["bm25"] = _ms(t0)

    fused = weighted_fusion(dense.ranked, bm25)
    designs = design_levels(conn, list(fused))
    if prefer_strong_designs:
        fused = {pmid: score * boost(designs[pmid]) for pmid, score in fused.items()}
    top = sorted(fused, key=lambda p: (-fused[p], p))[:k]

    terms = query_terms(query)
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


def design_levels(conn: sqlite3.Connection, pmids: list[str]) -> dict[str, str]:
    """Evidence level label of each PMID, from its stored publication types and MeSH headings."""
    types: dict[str, list[str]] = {p: [] for p in pmids}
    mesh: dict[str, list[str]] = {p: [] for p in pmids}
    for start in range(0, len(pmids), 500):
        part = pmids[start : start + 500]
        marks = ",".join("?" * len(part))
        for pmid, value in conn.execute(f"SELECT pmid, pub_type FROM article_types WHERE pmid IN ({marks})", part):
            types[pmid].append(value)
        for pmid, value in conn.execute(f"SELECT pmid, descriptor FROM article_mesh WHERE pmid IN ({marks})", part):
            mesh[pmid].append(value)
    return {p: level_for(types[p], mesh[p]).label for p in pmids}


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
