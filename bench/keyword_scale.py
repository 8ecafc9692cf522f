"""The keyword leg at scale: build time, size and BM25 latency of SQLite FTS5 or tantivy at 1M+ records.

Records are synthetic but made of real text: each has a real title and an
abstract of real sentences drawn at random from a library (as many sentences as
a real abstract has), so word frequencies, sentence lengths and vocabulary growth
follow PubMed's. They go in through the library's own writes
(``Library.upsert_articles``: the store, FTS5 kept by the schema's triggers or, with
``--bulk``, built once at the end, and a tantivy index kept in step; no chunks:
this measures records and the keyword index, not embedding). The keyword index is
then built again from the store to time a bulk build, and PubMedQA questions are
searched with the app's own BM25 leg (``retrieval.search.legs.bm25_leg``).
With ``--hybrid`` the whole hybrid search is timed too (``bench.keyword_hybrid``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.eval_data import PUBMEDQA, load_questions
from bench.keyword_hybrid import HYBRID_NOTE, hybrid_times
from bench.report import BenchResult, Table
from bench.scale import KINDS
from bench.stats import percentiles, timed
from retrieval.library import Library
from retrieval.library.keyword import Engine
from retrieval.library.records import AbstractSection, Article
from retrieval.search.hybrid import CANDIDATES
from retrieval.search.legs import bm25_leg
from retrieval.settings import Settings, get_settings
from retrieval.text import split_sentences

HELP = "keyword index (FTS5 or tantivy) build time, size and BM25 p95 at 1M+ records recombined from real sentences"
BATCH = 10_000  # records per transaction


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, nargs="+", help="library sizes (default 1000000; quick 20000)")
    parser.add_argument("--source", type=Path, help="library whose sentences are recombined (default: the settings')")
    parser.add_argument("--queries", type=int, help="PubMedQA test questions searched (default 200; quick 50)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=["fts5", "tantivy"], default="fts5", help="keyword engine (default fts5)")
    parser.add_argument("--bulk", action="store_true", help="load with FTS5 built once at the end (ingest --bulk)")
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="skip timing a rebuild of the keyword index (a quarter of an hour or more at 5M)",
    )
    parser.add_argument(
        "--cold", action="store_true", help="drop the page cache before the first pass (needs root; noted if refused)"
    )
    parser.add_argument(
        "--hybrid",
        nargs="?",
        const="ivf-pq",
        choices=KINDS,
        help="time hybrid search too, over a vector index of this kind (default ivf-pq) of synthetic vectors",
    )


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


def measure(n: int, pool: Pool, questions: list[str], run: Run, folder: Path) -> dict:
    library = Library(Settings(data_dir=folder, keyword_engine=run.engine))
    row = {"records": n, "engine": run.engine, "bulk": run.bulk, **load(library, pool, n, run)}
    rebuild_ms = None if run.no_rebuild else timed(library.rebuild_keyword_index)[1]
    library.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    row["page_cache_dropped"] = drop_page_cache() if run.cold else None
    cold, _ = search_times(library, questions)
    warm, warm_cpu = search_times(library, questions * run.repeats)
    row |= {
        "keyword_rebuild_s": None if rebuild_ms is None else round(rebuild_ms / 1000, 1),
        "keyword_rebuild_per_s": None if rebuild_ms is None else round(n / (rebuild_ms / 1000)),
        "keyword_bytes": library.keywords.size_bytes(),
        "fts_bytes": library.store.keyword_index_bytes(),
        "db_bytes": library.settings.db_path.stat().st_size,
        "bm25_first_pass": percentiles(cold),
        "bm25": percentiles(warm),
        "bm25_cpu": percentiles(warm_cpu),
    }
    if run.hybrid:
        row["hybrid"] = hybrid_times(library, questions, run.hybrid, run.repeats, run.seed, folder)
    return row


@dataclass(frozen=True)
class Run:
    engine: Engine
    bulk: bool
    hybrid: str | None  # the kind of synthetic vector index hybrid search is timed over; None: not timed
    repeats: int
    seed: int
    no_rebuild: bool = False  # the rebuild is not timed (it takes as long as the load)
    cold: bool = False  # the page cache is dropped before the first pass


def drop_page_cache() -> bool:
    """Write dirty pages out and drop the page cache (root only), so that the first pass reads from disk."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def load(library: Library, pool: Pool, n: int, run: Run) -> dict:
    """Records through ``Library.upsert_articles`` in batches; seconds spent writing, apart from making them.

    CPU seconds are the process's, every thread (tantivy indexes on its own): on a machine busy
    with other work the wall time includes waiting for a core.
    """
    rng = np.random.default_rng(run.seed)
    made_s = made_cpu_s = written_s = 0.0
    start, start_cpu = time.perf_counter(), time.process_time()
    with library.bulk_load() if run.bulk else nullcontext():
        for first in range(1, n + 1, BATCH):
            t0, c0 = time.perf_counter(), time.process_time()
            articles = synthetic_articles(pool, first, min(BATCH, n + 1 - first), rng)
            t1 = time.perf_counter()
            made_s, made_cpu_s = made_s + t1 - t0, made_cpu_s + time.process_time() - c0
            library.upsert_articles(articles, "synthetic", _none)
            written_s += time.perf_counter() - t1
        t0 = time.perf_counter()
    fts_build_s = time.perf_counter() - t0 if run.bulk else 0.0
    total_s = time.perf_counter() - start - made_s
    cpu_s = time.process_time() - start_cpu - made_cpu_s
    return {
        "make_s": round(made_s, 1),
        "write_s": round(written_s, 1),
        "fts_build_at_end_s": round(fts_build_s, 1),
        "load_s": round(total_s, 1),
        "load_cpu_s": round(cpu_s, 1),
        "records_per_s": round(n / total_s),
        "records_per_cpu_s": round(n / cpu_s),
        "records_per_s_before_fts_build": round(n / written_s),
    }


def search_times(library: Library, questions: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of the BM25 leg per question (CPU time: the cost on a machine busy with other work)."""
    wall, cpu = [], []
    for question in questions:
        start, start_cpu = time.perf_counter(), time.process_time()
        bm25_leg(library, question, None, None, CANDIDATES)
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
    pool = read_pool(args.source or settings.db_path)
    questions = [q.question for q in load_questions(PUBMEDQA, "test", n_queries)]
    plan = Run(args.engine, args.bulk, args.hybrid, args.repeats, args.seed, args.no_rebuild, args.cold)
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="medlit-keywords-") as tmp:
            rows.append(measure(n, pool, questions, plan, Path(tmp)))
    columns = [
        "records",
        "load s",
        "records/s",
        "per CPU s",
        "FTS5 at end s",
        "rebuild s",
        "index MB",
        "FTS5 MB",
        "DB MB",
    ]
    columns += ["first p95", "p50 ms", "p95 ms", "CPU p95"] + (["hybrid p50", "hybrid p95"] if args.hybrid else [])
    table = Table(
        f"Keyword leg ({args.engine}{', bulk load' if args.bulk else ''}, BM25 top {CANDIDATES},"
        f" {len(questions)} PubMedQA questions)",
        columns,
        [
            [
                r["records"],
                r["load_s"],
                r["records_per_s"],
                r["records_per_cpu_s"],
                r["fts_build_at_end_s"],
                r["keyword_rebuild_s"],
                r["keyword_bytes"] / 2**20,
                r["fts_bytes"] / 2**20,
                r["db_bytes"] / 2**20,
                r["bm25_first_pass"]["p95_ms"],
                r["bm25"]["p50_ms"],
                r["bm25"]["p95_ms"],
                r["bm25_cpu"]["p95_ms"],
                *([r["hybrid"]["search"]["p50_ms"], r["hybrid"]["search"]["p95_ms"]] if args.hybrid else []),
            ]
            for r in rows
        ],
    )
    return BenchResult(
        command="keyword-scale",
        params={
            "records": sizes,
            "engine": args.engine,
            "bulk": args.bulk,
            "hybrid": args.hybrid,
            "queries": len(questions),
            "repeats": args.repeats,
            "seed": args.seed,
            "no_rebuild": args.no_rebuild,
            "cold": args.cold,
            "source_articles": len(pool.titles),
            "source_sentences": len(pool.sentences),
        },
        figures={"sizes": rows},
        tables=[table],
        settings=settings,
        notes=[
            "load: records through Library.upsert_articles (no chunks, no embedding): the store, FTS5 (by its triggers,"
            " or with --bulk built once at the end, 'FTS5 at end'), and a tantivy index kept in step; making the"
            " synthetic records is not counted. per CPU s: records per CPU second of the process (all its threads).",
            "rebuild: the library's keyword index built again from the store (FTS5: one statement; tantivy:"
            " `python -m ingest keyword-index`).",
            "first pass: each question once right after the build (with --cold, after the page cache was dropped:"
            " page_cache_dropped says whether it was); p50/p95: the following passes (warm page cache).",
            *([HYBRID_NOTE] if args.hybrid else []),
        ],
    )
