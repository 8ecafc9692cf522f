"""Speed: parsing, embedding, ingest, and the latency of search and answers.

Each of MedLit's own paths is measured beside a baseline in the same run:
``Bio.Entrez.read`` for parsing PubMed XML, a plain sentence-transformers loop
for embedding. Timed figures are medians over ``--repeats``; latencies are
p50/p95 over all timed calls. Parsing and ingest run in child processes so that
their peak memory is their own.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench import embed_speed, latency
from bench.children import run_child
from bench.eval_data import CORPUS_DIR, PUBMEDQA, SHARED_DATA, load_questions
from bench.report import BenchResult, Table
from bench.stats import median
from retrieval.library import Library
from retrieval.settings import get_settings

HELP = "parse, embedding and ingest throughput against baselines; search and answer latency"
EFETCH_259 = (
    SHARED_DATA
    / "ncbi"
    / "hawc_cassettes"
    / "extracted"
    / ("efetch_pubmed_259articles_from_TestPubmed.test_search.xml")
)
PARSERS = {"Bio.Entrez.read (baseline)": "entrez", "MedLit iter_pubmed_xml": "medlit"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parse-files",
        type=Path,
        nargs="+",
        help="PubMed XML files (default: 259-article efetch body + the corpus; quick: the efetch body)",
    )
    parser.add_argument("--embed-n", type=int, help="abstracts embedded per backend (default 256; quick 32)")
    parser.add_argument("--backends", nargs="+", choices=embed_speed.BACKENDS, default=list(embed_speed.BACKENDS))
    parser.add_argument(
        "--ingest-files",
        type=Path,
        nargs="+",
        help="files ingested into a fresh library (default: the corpus; skipped in quick unless given)",
    )
    parser.add_argument("--questions", type=int, help="questions for search/extractive latency (default 30; quick 5)")
    parser.add_argument("--llm-questions", type=int, help="questions for LLM latency (default 3; quick 1; 0 skips)")
    parser.add_argument("--eval-file", type=Path, default=PUBMEDQA, help="where the latency questions come from")


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.xml.gz"))


def parse_throughput(files: list[Path], repeats: int) -> list[dict]:
    rows = []
    for label, parser in PARSERS.items():
        runs = [
            json.loads(
                run_child(["-m", "bench.parse_probe", parser, *map(str, files)], what=f"parsing with {parser}").stdout
            )
            for _ in range(repeats)
        ]
        seconds = median([r["seconds"] for r in runs])
        rows.append(
            {
                "parser": label,
                "articles": runs[0]["articles"],
                "seconds": round(seconds, 3),
                "articles_per_s": round(runs[0]["articles"] / seconds, 1),
                "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
                "peak_rss_increase_bytes": max(r["peak_rss_increase_bytes"] for r in runs),
            }
        )
    return rows


def ingest_time(files: list[Path]) -> dict:
    """``python -m ingest files`` into a fresh library: wall time, peak memory, what it holds afterwards."""
    with tempfile.TemporaryDirectory(prefix="medlit-ingest-") as tmp:
        env = {"MEDLIT_DATA_DIR": tmp}
        child = run_child(["-m", "ingest", "files", *map(str, files)], env=env, what="the ingest")
        status = Library(get_settings().model_copy(update={"data_dir": Path(tmp)})).status()
    return {
        "files": [f.name for f in files],
        "seconds": round(child.seconds, 2),
        "peak_rss_bytes": child.peak_rss_bytes,
        "articles": status["articles"],
        "chunks": status["chunks"],
        "articles_per_s": round(status["articles"] / child.seconds, 2),
        "chunks_per_s": round(status["chunks"] / child.seconds, 2),
    }


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    parse_files = args.parse_files or ([EFETCH_259] if args.quick else [EFETCH_259, *corpus_files()])
    embed_n = args.embed_n or (32 if args.quick else 256)
    n_questions = args.questions or (5 if args.quick else 30)
    n_llm = args.llm_questions if args.llm_questions is not None else (1 if args.quick else 3)
    ingest_files = args.ingest_files or (None if args.quick else corpus_files())
    notes: list[str] = []

    parsing = parse_throughput(parse_files, args.repeats)
    texts = embed_speed.corpus_texts(corpus_files(), embed_n)
    embedding = embed_speed.measure(settings, texts, args.backends, args.repeats)
    ingest = ingest_time(ingest_files) if ingest_files else {"skipped": "quick run (pass --ingest-files to include it)"}

    library = Library(settings)
    latencies: dict = {}
    if library.status()["vectors"] == 0:
        notes.append(f"latency skipped: the library in {settings.data_dir} is empty (set MEDLIT_DATA_DIR)")
    else:
        questions = [
            q.question for q in load_questions(args.eval_file, None, max(n_questions, 1 + n_llm * args.repeats))
        ]
        latencies = latency.search_and_extractive(library, questions[:n_questions], args.repeats)
        if n_llm:
            from retrieval.answers.llm.answer import LanguageModelError

            try:
                latencies |= latency.llm_answer(library, questions[0], questions[1 : 1 + n_llm * args.repeats])
            except LanguageModelError as error:
                notes.append(f"LLM latency skipped: {error}")
    ingest_row = (
        [
            [
                f"ingest {len(ingest['files'])} file(s): {ingest['articles']:,} articles, {ingest['chunks']:,} chunks",
                ingest["seconds"],
                ingest["articles_per_s"],
                ingest["peak_rss_bytes"] / 2**20,
            ]
        ]
        if "seconds" in ingest
        else []
    )
    tables = [
        Table(
            f"Parsing PubMed XML ({len(parse_files)} file(s), median of {args.repeats})",
            ["parser", "articles", "seconds", "articles/s", "peak RSS MB", "RSS increase MB"],
            [
                [
                    r["parser"],
                    r["articles"],
                    r["seconds"],
                    r["articles_per_s"],
                    r["peak_rss_bytes"] / 2**20,
                    r["peak_rss_increase_bytes"] / 2**20,
                ]
                for r in parsing
            ],
        ),
        Table(
            f"Embedding {len(texts)} abstracts ({settings.embedding_model}, {settings.cpu_threads} threads, "
            f"median of {args.repeats})",
            ["backend", "abstracts/s", "seconds", "load s", "cosine to baseline"],
            [
                [
                    r["backend"],
                    r.get("abstracts_per_s"),
                    r.get("seconds"),
                    r.get("load_s"),
                    r.get("mean_cosine_to_baseline", r.get("error")),
                ]
                for r in embedding
            ],
        ),
        Table(
            "Ingest (python -m ingest files, fresh library)",
            ["run", "seconds", "articles/s", "peak RSS MB"],
            ingest_row or [[ingest.get("skipped", ""), None, None, None]],
        ),
        Table(
            f"Latency, warm ({library.status()['articles']:,} articles in {settings.data_dir})",
            ["path", "calls", "p50 ms", "p95 ms"],
            [[name, v["n"], v["p50_ms"], v["p95_ms"]] for name, v in latencies.items() if isinstance(v, dict)],
        ),
    ]
    return BenchResult(
        command="speed",
        params={
            "parse_files": [str(f) for f in parse_files],
            "embed_n": len(texts),
            "backends": args.backends,
            "ingest_files": [str(f) for f in ingest_files or []],
            "questions": n_questions,
            "llm_questions": n_llm,
            "repeats": args.repeats,
            "data_dir": str(settings.data_dir),
        },
        figures={"parse": parsing, "embedding": embedding, "ingest": ingest, "latency": latencies},
        tables=tables,
        settings=settings,
        notes=notes,
    )
