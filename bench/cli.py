"""``python -m bench <command>``: run one benchmark, print its tables, save its JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from bench import (
    entities,
    gpu_check,
    guard,
    keyword_scale,
    pubmedqa_llm,
    quality,
    ray_ingest,
    scale,
    speed,
    trust,
    vector_store,
    verdict,
)
from bench.errors import BenchError
from bench.report import RESULTS_DIR, write_result
from retrieval.errors import reported

COMMANDS: dict[str, ModuleType] = {
    "quality": quality,
    "answers": trust,
    "pubmedqa-llm": pubmedqa_llm,
    "speed": speed,
    "scale": scale,
    "keyword-scale": keyword_scale,
    "verdict": verdict,
    "entities": entities,
    "guard": guard,
    "gpu": gpu_check,
    "ray": ray_ingest,
    "vector-store": vector_store,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        command = sub.add_parser(name, help=module.HELP, description=module.__doc__)
        command.add_argument("--quick", action="store_true", help="a reduced run that takes a few minutes")
        command.add_argument(
            "--repeats",
            type=int,
            default=None,
            help="repeat timed measurements and report medians (default 3, quick 1)",
        )
        command.add_argument("--out", type=Path, default=RESULTS_DIR, help=f"results folder (default {RESULTS_DIR})")
        module.add_arguments(command)
    return parser


def run(args: argparse.Namespace, argv: list[str]) -> int:
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.repeats < 1:
        raise BenchError("--repeats must be at least 1.")
    result = COMMANDS[args.command].run(args)
    print(result.render())
    path = write_result(result, ["python", "-m", "bench", *argv], args.out)
    print(f"\nSaved {path} (latest copy: {path.with_name(args.command + '.json')})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return reported(lambda: run(args, argv))
