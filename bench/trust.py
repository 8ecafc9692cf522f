"""Answers a clinician can trust, measured on hand-written questions over the shared corpus.

Two hand-written sets (``bench/data/trust/``, see its README), each split dev
(for tuning) and test (reported):

* answerable questions in plain clinical language, each with its gold PMID, the
  key facts a correct answer must state, and for yes/no questions the expected
  verdict;
* uncovered questions: each names a drug, therapy, vaccine, pathogen, gene or
  device no article of the corpus mentions, while the corpus covers a neighbour.

For the chosen split and answer mode it reports: abstention on uncovered and on
answerable questions (and whether the answer names what is missing),
key-fact recall (a fact is stated when one of its forms occurs in the answer),
citation precision (cited PMIDs that are gold), verdict accuracy and per-class
recall, R@1 and MRR of the search, and p50/p95 latency.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.errors import BenchError
from bench.eval_data import require_gold_articles
from bench.metrics import gold_rank, retrieval_metrics
from bench.report import REPO_ROOT, BenchResult, Table
from bench.stats import percentiles, progress, timed
from retrieval.library import Library
from retrieval.settings import get_settings

HELP = "answers on hand-written questions: abstention, key facts, citation precision, verdicts, R@1, latency"
TRUST_DATA = REPO_ROOT / "bench" / "data" / "trust"
ANSWERABLE = TRUST_DATA / "answerable_questions.jsonl"
UNCOVERED = TRUST_DATA / "uncovered_questions.jsonl"
QUICK_LIMIT = 15
VERDICTS = ("yes", "no", "mixed")


@dataclass(frozen=True)
class TrustQuestion:
    id: str
    question: str
    split: str
    pmid: str = ""
    key_facts: tuple[tuple[str, ...], ...] = ()
    verdict: str | None = None
    missing: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names of a missing subject (a brand, a code): naming one names it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="split to report (default test)")
    parser.add_argument("--mode", choices=("extractive", "llm"), default="extractive", help="answer mode")
    parser.add_argument("--llm", action="store_const", const="llm", dest="mode", help="same as --mode llm")
    parser.add_argument("--limit", type=int, help=f"first N questions of each set (quick: {QUICK_LIMIT})")
    parser.add_argument("--answerable-file", type=Path, default=ANSWERABLE)
    parser.add_argument("--uncovered-file", type=Path, default=UNCOVERED)


def read_set(path: Path, split: str, limit: int | None) -> list[TrustQuestion]:
    if not path.is_file():
        raise BenchError(f"{path} does not exist; pass the right file.")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = [
        TrustQuestion(
            id=r["id"],
            question=r["question"],
            split=r["split"],
            pmid=str(r.get("pmid", "")),
            key_facts=tuple(tuple(forms) for forms in r.get("key_facts", [])),
            verdict=r.get("verdict"),
            missing=tuple(r.get("missing", [])),
            aliases=tuple(r.get("aliases", [])),
        )
        for r in rows
        if r["split"] == split
    ]
    return out[:limit] if limit else out


def facts_stated(text: str, key_facts: tuple[tuple[str, ...], ...]) -> list[bool]:
    """For each key fact, whether one of its forms occurs in the answer (case-insensitive)."""
    lower = text.lower()
    return [any(form.lower() in lower for form in forms) for forms in key_facts]


def names_missing(missing_named: list[str], expected: tuple[str, ...]) -> bool:
    named = " ".join(missing_named).lower()
    return any(term.lower() in named for term in expected)


def evaluate(library: Library, answerable: list[TrustQuestion], uncovered: list[TrustQuestion], mode: str) -> dict:
    from retrieval.answers.ask import ask
    from retrieval.search.hybrid import run_search

    latencies, ranks, facts, precision = [], [], [], []
    per_question = []
    verdict_pairs: list[tuple[str, str | None]] = []
    abstained_answerable = 0
    for q in progress(answerable, f"answerable ({mode})"):
        answer, ms = timed(lambda q=q: ask(library, q.question, mode=mode))
        latencies.append(ms)
        ranks.append(gold_rank([h.pmid for h in run_search(library, q.question, k=10).hits], q.pmid))
        cited = answer.cited_pmids
        stated = facts_stated(" ".join(c.sentence for c in answer.citations) or answer.answer, q.key_facts)
        if answer.abstained:
            abstained_answerable += 1
        else:
            precision.append(sum(p == q.pmid for p in cited) / len(cited))
        facts.extend(stated)
        if q.verdict:
            verdict_pairs.append((q.verdict, answer.verdict))
        per_question.append(
            {
                "id": q.id,
                "abstained": answer.abstained,
                "cited": cited,
                "gold": q.pmid,
                "facts": stated,
                "verdict": answer.verdict,
                "expected_verdict": q.verdict,
                "missing": answer.missing,
            }
        )
    abstained_uncovered, named = 0, 0
    for q in progress(uncovered, f"uncovered ({mode})"):
        answer, ms = timed(lambda q=q: ask(library, q.question, mode=mode))
        latencies.append(ms)
        abstained_uncovered += answer.abstained
        named += answer.abstained and names_missing(answer.missing, q.missing + q.aliases)
        per_question.append(
            {
                "id": q.id,
                "abstained": answer.abstained,
                "missing": answer.missing,
                "expected_missing": list(q.missing),
                "cited": answer.cited_pmids,
            }
        )
    correct = Counter(e for e, p in verdict_pairs if e == p)
    totals = Counter(e for e, _ in verdict_pairs)
    return {
        "answerable": len(answerable),
        "uncovered": len(uncovered),
        "abstain_on_uncovered": _rate(abstained_uncovered, len(uncovered)),
        "abstain_names_missing": _rate(named, len(uncovered)),
        "abstain_on_answerable": _rate(abstained_answerable, len(answerable)),
        "key_fact_recall": _rate(sum(facts), len(facts)),
        "citation_precision": _rate(sum(precision), len(precision)),
        "verdict_accuracy": _rate(sum(correct.values()), len(verdict_pairs)),
        "verdict_recall": {v: _rate(correct[v], totals[v]) for v in VERDICTS if totals[v]},
        "verdict_questions": len(verdict_pairs),
        "retrieval": retrieval_metrics(ranks),
        "latency": percentiles(latencies),
        "per_question": per_question,
    }


def _rate(n: float, total: int) -> float:
    return round(n / total, 4) if total else float("nan")


def run(args: argparse.Namespace) -> BenchResult:
    library = Library(get_settings())
    limit = args.limit or (QUICK_LIMIT if args.quick else None)
    answerable = read_set(args.answerable_file, args.split, limit)
    uncovered = read_set(args.uncovered_file, args.split, limit)
    require_gold_articles(library, answerable)  # type: ignore[arg-type]  (it reads .pmid only)
    figures = evaluate(library, answerable, uncovered, args.mode)
    rows = [
        ["abstains on uncovered questions", figures["abstain_on_uncovered"], ">= 0.95"],
        ["... and names what is missing", figures["abstain_names_missing"], "-"],
        ["abstains on answerable questions", figures["abstain_on_answerable"], "<= 0.02"],
        ["key-fact recall", figures["key_fact_recall"], ">= 0.80"],
        ["citation precision", figures["citation_precision"], ">= 0.90"],
        [f"verdict accuracy ({figures['verdict_questions']} yes/no)", figures["verdict_accuracy"], ">= 0.85"],
        *[[f"verdict recall: {v}", r, "-"] for v, r in figures["verdict_recall"].items()],
        ["search R@1", figures["retrieval"]["recall_at_1"], "-"],
        ["search MRR", figures["retrieval"]["mrr"], "-"],
        ["latency p50 / p95 (ms)", f"{figures['latency']['p50_ms']:.0f} / {figures['latency']['p95_ms']:.0f}", "-"],
    ]
    table = Table(
        f"Answers ({args.mode}) on hand-written {args.split} questions: {len(answerable)} answerable, "
        f"{len(uncovered)} uncovered",
        ["measure", "value", "target"],
        rows,
    )
    params = {"split": args.split, "mode": args.mode, "limit": limit}
    return BenchResult("answers", params, figures, [table], library.settings)
