"""Ray ingest: the corpus through ``python -m ingest files --ray`` with 1 and 2 workers, beside the plain pipeline.

Each run ingests the same files into a fresh library in a child process (wall time and peak
memory of the whole run, Ray's processes included). Each Ray library is compared with the plain
one: the same articles, chunks and vector count, every vector within cosine 0.9999, ``check``
clean. Entity extraction is left out unless ``--entities``: it runs in the writer process,
the same step in every pipeline, and would only dilute what Ray distributes.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.children import ChildRun, run_child
from bench.eval_data import CORPUS_DIR
from bench.library_diff import compare
from bench.report import BenchResult, Table
from bench.stats import median
from retrieval.library import Library
from retrieval.settings import get_settings

HELP = "the Ray ingest pipeline's speed-up from 1 to 2 workers, and whether it builds the plain pipeline's library"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--files", type=Path, nargs="+", help="files to ingest (default: the corpus; quick: its smallest file)"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Ray worker counts (default 1 2)")
    parser.add_argument("--entities", action="store_true", help="also find entities, in every run")


def default_files(quick: bool) -> list[Path]:
    files = sorted(CORPUS_DIR.glob("*.xml.gz"))
    return [min(files, key=lambda f: f.stat().st_size)] if quick else files


def timed_ingest(files: list[Path], data_dir: Path, env: dict[str, str], extra: list[str]) -> ChildRun:
    return run_child(
        ["-m", "ingest", "--quiet", "files", *map(str, files), *extra],
        env={**env, "MEDLIT_DATA_DIR": str(data_dir)},
        what=f"the ingest {' '.join(extra) or '(plain)'}",
    )


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    files = args.files or default_files(args.quick)
    env = {} if args.entities else {"MEDLIT_EXTRACT_ENTITIES": "false"}
    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="medlit-ray-bench-") as tmp:

        def library(name: str) -> Library:
            return Library(settings.model_copy(update={"data_dir": Path(tmp) / name}))

        plain_seconds = []
        for repeat in range(args.repeats):
            plain_seconds.append(timed_ingest(files, Path(tmp) / f"plain-{repeat}", env, []).seconds)
        plain = library("plain-0")
        runs["plain"] = {"seconds": median(plain_seconds), "runs_s": plain_seconds, **compare(plain, plain).as_dict()}
        for workers in args.workers:
            children = [
                timed_ingest(files, Path(tmp) / f"ray-{workers}-{r}", env, ["--ray", "--workers", str(workers)])
                for r in range(args.repeats)
            ]
            seconds = [c.seconds for c in children]
            runs[f"ray {workers}"] = {
                "workers": workers,
                "seconds": median(seconds),
                "runs_s": seconds,
                "peak_rss_bytes": max(c.peak_rss_bytes for c in children),
                **compare(plain, library(f"ray-{workers}-0")).as_dict(),
            }
    ray_runs = [r for name, r in runs.items() if name != "plain"]
    base = ray_runs[0]["seconds"]
    for row in ray_runs:
        row["speedup_vs_first"] = round(base / row["seconds"], 3)
    table = Table(
        f"Ingest of {len(files)} file(s), median of {args.repeats} run(s) each",
        ["pipeline", "seconds", "speed-up", "articles", "chunks", "vectors", "min cosine", "same library"],
        [
            [
                name,
                row["seconds"],
                row.get("speedup_vs_first"),
                row["articles"],
                row["chunks"],
                row["vectors"],
                row["min_cosine"],
                "yes" if row["same"] else "NO",
            ]
            for name, row in runs.items()
        ],
    )
    notes = [
        f"speed-up: against Ray with {args.workers[0]} worker(s); each Ray CPU worker embeds on one thread, "
        "the plain pipeline on every core",
        "entities " + ("found in every run" if args.entities else "left out (MEDLIT_EXTRACT_ENTITIES=false)"),
    ]
    return BenchResult(
        command="ray",
        params={"files": [f.name for f in files], "workers": args.workers, "entities": args.entities},
        figures={"runs": runs},
        tables=[table],
        settings=settings,
        notes=notes,
    )
