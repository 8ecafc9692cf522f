"""How well the patient-data guard finds identifiers, on hand-written clinical-style questions.

``bench/data/guard_questions.jsonl`` holds questions as clinicians type or paste them, half
carrying identifiers (names with and without titles, dates of birth and visit dates in many
formats, record, phone, ID numbers, e-mail and street addresses, ages over 89) and half clean
but close (drug names and doses, years, gene and trial names, eponymous diseases, ages up to
89 and populations "aged 90 and older"). Each row names its identifiers and their type and
belongs to the dev split (used while writing the recognisers) or the test split (measured).

Figures: identifier recall (an identifier counts as caught when a found span overlaps it), by
type; the share of questions with identifiers that are fully redacted; and the share of clean
questions flagged (false-positive rate). Targets: recall >= 95%, flagged <= 5%.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.errors import BenchError
from bench.report import REPO_ROOT, BenchResult, Table
from retrieval.guard import check
from retrieval.settings import get_settings

HELP = "identifier recall and clean-question false-positive rate of the patient-data guard"
DEFAULT_FILE = REPO_ROOT / "bench" / "data" / "guard_questions.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eval-file", type=Path, default=DEFAULT_FILE, help="JSONL of questions with identifiers")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test", help="rows measured (default test)")
    parser.add_argument("--show-misses", action="store_true", help="print every miss and false positive")


def load(path: Path, split: str) -> list[dict]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as error:
        raise BenchError(f"Cannot read the guard questions {path}: {error}") from error
    return [r for r in rows if split == "all" or r.get("split") == split]


def evaluate(rows: list[dict]) -> dict:
    """Recall per identifier and type, fully redacted questions, flagged clean questions; plus the misses."""
    caught, total = Counter(), Counter()
    flagged = clean = fully = with_ids = 0
    misses: list[str] = []
    started = time.perf_counter()
    for row in rows:
        text = row["text"]
        found = check(text).identifiers
        spans = [(i.start, i.end) for i in found]
        if not row["identifiers"]:
            clean += 1
            if found:
                flagged += 1
                misses.append(f"flagged clean: {text!r}: {[(i.type, i.text) for i in found]}")
            continue
        with_ids += 1
        all_caught = True
        for gold in row["identifiers"]:
            start = text.index(gold["text"])
            end = start + len(gold["text"])
            total[gold["type"]] += 1
            if any(a < end and start < b for a, b in spans):
                caught[gold["type"]] += 1
            else:
                all_caught = False
                misses.append(f"missed {gold['type']} {gold['text']!r} in {text!r}")
        fully += all_caught
    seconds = time.perf_counter() - started
    n_ids = sum(total.values())
    return {
        "questions": len(rows),
        "questions_with_identifiers": with_ids,
        "clean_questions": clean,
        "identifiers": n_ids,
        "identifiers_caught": sum(caught.values()),
        "recall": sum(caught.values()) / n_ids if n_ids else float("nan"),
        "questions_fully_caught": fully / with_ids if with_ids else float("nan"),
        "clean_flagged": flagged,
        "false_positive_rate": flagged / clean if clean else float("nan"),
        "by_type": {t: {"identifiers": total[t], "caught": caught[t]} for t in sorted(total)},
        "ms_per_question": seconds * 1000 / max(1, len(rows)),
        "misses": misses,
    }


def run(args: argparse.Namespace) -> BenchResult:
    rows = load(args.eval_file, args.split)
    if not rows:
        raise BenchError(f"No {args.split} rows in {args.eval_file}.")
    check("warm up")  # building the engine is not a per-question cost
    figures = evaluate(rows)
    summary = Table(
        f"Patient-data guard, {args.split} split ({figures['questions']} questions)",
        ["figure", "value", "target"],
        [
            ["identifiers caught", f"{figures['identifiers_caught']}/{figures['identifiers']}", ""],
            ["recall", f"{figures['recall']:.1%}", ">= 95%"],
            ["questions with identifiers fully caught", f"{figures['questions_fully_caught']:.1%}", ""],
            ["clean questions flagged", f"{figures['clean_flagged']}/{figures['clean_questions']}", ""],
            ["false-positive rate", f"{figures['false_positive_rate']:.1%}", "<= 5%"],
            ["time per question (ms)", figures["ms_per_question"], ""],
        ],
    )
    by_type = Table(
        "Recall by identifier type",
        ["type", "identifiers", "caught"],
        [[t, v["identifiers"], v["caught"]] for t, v in figures["by_type"].items()],
    )
    notes = figures["misses"] if args.show_misses else [f"{len(figures['misses'])} misses or false positives"]
    return BenchResult(
        "guard",
        {"eval_file": str(args.eval_file), "split": args.split},
        figures,
        [summary, by_type],
        get_settings(),
        notes,
    )
