"""The keyword leg at scale: SQLite FTS5 build time, size and BM25 latency at 1M+ records.

Records are synthetic but made of real text: each has a real title and an
abstract of real sentences drawn at random from a library (as many sentences as
a real abstract has), so word frequencies, sentence lengths and vocabulary growth
follow PubMed's. They go in through the library's own store
(``Store.upsert_articles``, FTS5 kept by the schema's triggers, no chunks: this
measures records and the keyword index, not embedding), the FTS5 index is then
rebuilt from scratch to time a bulk build, and PubMedQA questions are searched
with the app's own BM25 leg (``retrieval.search.legs.bm25_leg``).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.eval_data import PUBMEDQA, load_questions
from bench.report import BenchResult, Table
from bench.stats import percentiles, timed
from retrieval.library import Library
from retrieval.library.records import AbstractSection, Article
from retrieval.search.hybrid import CANDIDATES
from retrieval.search.legs import bm25_leg
from retrieval.settings import Settings, get_settings
from retrieval.text import split_sentences

HELP = "SQLite FTS5 build time, size and BM25 p95 at 1M+ records recombined from real sentences"
BATCH = 10_000  # records per transaction


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, nargs="+", help="library sizes (default 1000000; quick 20000)")
    parser.add_argument("--source", type=Path, help="library whose sentences are recombined (default: the settings')")
    parser.add_argument("--queries", type=int, help="PubMedQA test questions searched (default 200; quick 50)")
    parser.add_argument("--seed", type=int, default=0)


@dataclass(frozen=True)
class Pool:
    """Real text to recombine: titles, abstract sentences, sentences per abstract, years."""

    titles: list[str]
    sentences: list[str]
    lengths: np.ndarray
    years: np.ndarray


def read_pool(db: Path) -> Pool:
    """Titles and sentences of a library's abstracts (opened read-only: the source is never changed)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute("SELECT title, abstract, year FROM articles WHERE has_abstract = 1").fetchall()
    conn.close()
    split = [split_sentences(abstract) for _, abstract, _ in rows]
    return Pool(
        titles=[title for title, _, _ in rows],
        sentences=[s for sentences in split for s in sentences],
        lengths=np.array([len(s) for s in split if s]),
        years=np.array([year or 2000 for _, _, year in rows]),
    )


def synthetic_articles(pool: Pool, first: int, count: int, rng: np.random.Generator) -> list[Article]:
    """``count`` records numbered from ``first``: a real title, a real abstract's length of random real sentences."""
    titles = rng.integers(0, len(pool.titles), count)
    lengths = pool.lengths[rng.integers(0, len(pool.lengths), count)]
    years = pool.years[rng.integers(0, len(pool.years), count)]
    picks = rng.integers(0, len(pool.sentences), int(lengths.sum()))
    out, at = [], 0
    for i in range(count):
        text = " ".join(pool.sentences[j] for j in picks[at : at + lengths[i]])
        at += lengths[i]
        out.append(
            Article(
                pmid=str(first + i), title=pool.titles[titles[i]], abstract=[AbstractSection(text)], year=int(years[i])
            )
        )
    return out


def measure(n: int, pool: Pool, questions: list[str], repeats: int, seed: int, folder: Path) -> dict:
    library = Library(Settings(data_dir=folder))
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for first in range(1, n + 1, BATCH):
        library.store.upsert_articles(
            synthetic_articles(pool, first, min(BATCH, n + 1 - first), rng), "synthetic", _none
        )
    load_s = time.perf_counter() - start
    _, rebuild_ms = timed(library.store.rebuild_keyword_index)
    library.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cold, _ = search_times(library, questions)
    warm, warm_cpu = search_times(library, questions * repeats)
    return {
        "records": n,
        "load_s": round(load_s, 1),
        "records_per_s": round(n / load_s),
        "fts_rebuild_s": round(rebuild_ms / 1000, 1),
        "fts_bytes": library.store.keyword_index_bytes(),
        "db_bytes": library.settings.db_path.stat().st_size,
        "bm25_first_pass": percentiles(cold),
        "bm25": percentiles(warm),
        "bm25_cpu": percentiles(warm_cpu),
    }


def search_times(library: Library, questions: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of the BM25 leg per question (CPU time: the cost on a machine busy with other work)."""
    wall, cpu = [], []
    for question in questions:
        start, start_cpu = time.perf_counter(), time.process_time()
        bm25_leg(library, question, None, CANDIDATES)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def _none(article: Article) -> list[str]:
    """No chunks: the keyword leg reads the articles table only."""
    return []


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    sizes = args.records or ([20_000] if args.quick else [1_000_000])
    n_queries = args.queries or (50 if args.quick else 200)
    source = args.source or settings.db_path
    pool = read_pool(source)
    questions = [q.question for q in load_questions(PUBMEDQA, "test", n_queries)]
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="medlit-fts-") as tmp:
            rows.append(measure(n, pool, questions, args.repeats, args.seed, Path(tmp)))
    table = Table(
        f"Keyword leg (SQLite FTS5, BM25 top {CANDIDATES}, {len(questions)} PubMedQA questions)",
        [
            "records",
            "load s",
            "records/s",
            "FTS rebuild s",
            "FTS MB",
            "DB MB",
            "first p95",
            "p50 ms",
            "p95 ms",
            "CPU p95",
        ],
        [
            [
                r["records"],
                r["load_s"],
                r["records_per_s"],
                r["fts_rebuild_s"],
                r["fts_bytes"] / 2**20,
                r["db_bytes"] / 2**20,
                r["bm25_first_pass"]["p95_ms"],
                r["bm25"]["p50_ms"],
                r["bm25"]["p95_ms"],
                r["bm25_cpu"]["p95_ms"],
            ]
            for r in rows
        ],
    )
    return BenchResult(
        command="keyword-scale",
        params={
            "records": sizes,
            "queries": len(questions),
            "repeats": args.repeats,
            "seed": args.seed,
            "source_articles": len(pool.titles),
            "source_sentences": len(pool.sentences),
        },
        figures={"sizes": rows},
        tables=[table],
        settings=settings,
        notes=[
            "load: records through Store.upsert_articles with FTS5 kept by the triggers (no chunks, no embedding).",
            "FTS rebuild: the whole FTS5 index rebuilt from the articles table in one statement.",
            "first pass: each question once right after the build; p50/p95: the following passes (warm page cache).",
        ],
    )
