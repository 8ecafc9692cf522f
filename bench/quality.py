"""Retrieval and answer quality on PubMedQA over a library of the shared corpus.

Retrieval: for each question, where does its gold article rank? Recall@1,
Recall@10 and mean reciprocal rank for hybrid search and for each of its two
legs alone (dense-only, BM25-only), all in the same run on the same library.
Answers (extractive): how often the answer abstains on answerable questions and
on off-topic ones, how often it cites the gold article, and whether its
citations hold up (cited PMIDs are in the evidence; its numbers are in the
cited abstracts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.backend_retrieval import backend_metrics
from bench.citation_checks import check_answer
from bench.embed_speed import BACKENDS
from bench.eval_data import OFFTOPIC, PUBMEDQA, Question, load_offtopic, load_questions, require_gold_articles
from bench.metrics import K, gold_rank, retrieval_metrics
from bench.report import BenchResult, Table
from bench.stats import percentiles, progress, timed
from retrieval.library import Library
from retrieval.settings import get_settings

HELP = "Recall@1/@10 and MRR of hybrid, dense and BM25 search; abstention and citation checks of answers"
METHODS = ("hybrid", "dense", "bm25")
QUICK_QUESTIONS = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="PubMedQA split (default test)")
    parser.add_argument("--limit", type=int, help=f"first N questions only (quick: {QUICK_QUESTIONS})")
    parser.add_argument("--eval-file", type=Path, default=PUBMEDQA, help="PubMedQA-style JSONL")
    parser.add_argument("--offtopic-file", type=Path, default=OFFTOPIC, help="JSONL of questions to abstain on")
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=[],
        help="also run dense retrieval with these embedding backends (re-embeds the whole library for each)",
    )


def evaluate_retrieval(library: Library, questions: list[Question]) -> dict[str, dict]:
    from retrieval.search.hybrid import search

    search(library, questions[0].question)  # warm-up, untimed: model load, SQLite pages, index
    out = {}
    for method in METHODS:
        ranks, latencies = [], []
        for q in progress(questions, f"search ({method})"):
            hits, ms = timed(lambda q=q, method=method: search(library, q.question, k=K, method=method))
            ranks.append(gold_rank([h.pmid for h in hits], q.pmid))
            latencies.append(ms)
        out[method] = {**retrieval_metrics(ranks), "latency": percentiles(latencies), "ranks": ranks}
    return out


def evaluate_answers(library: Library, questions: list[Question]) -> dict:
    """Extractive answers to answerable questions: abstention, gold citation and citation checks."""
    from retrieval.answers.ask import ask

    answered = abstained = cites_gold = only_evidence = numbers_ok = 0
    unsupported: list[dict] = []
    outside: list[dict] = []
    latencies = []
    for q in progress(questions, "extractive answers"):
        answer, ms = timed(lambda q=q: ask(library, q.question, mode="extractive"))
        latencies.append(ms)
        if answer.abstained:
            abstained += 1
            continue
        answered += 1
        check = check_answer(answer, library.store)
        cites_gold += q.pmid in check.cited
        only_evidence += check.cites_only_evidence
        numbers_ok += check.numbers_supported
        if check.unsupported_numbers:
            unsupported.append({"pmid": q.pmid, "numbers": sorted(check.unsupported_numbers)})
        if check.outside_evidence:
            outside.append({"pmid": q.pmid, "cited": sorted(check.outside_evidence)})
    n, m = len(questions) or 1, answered or 1
    return {
        "questions": len(questions),
        "answered": answered,
        "abstention_rate": round(abstained / n, 4),
        "cites_gold_rate": round(cites_gold / n, 4),
        "cites_gold_rate_when_answered": round(cites_gold / m, 4),
        "cited_pmids_in_evidence_rate": round(only_evidence / m, 4),
        "numbers_in_cited_abstracts_rate": round(numbers_ok / m, 4),
        "unsupported_numbers": unsupported[:20],
        "citations_outside_evidence": outside[:20],
        "latency": percentiles(latencies),
    }


def evaluate_offtopic(library: Library, questions: list[str]) -> dict:
    from retrieval.answers.ask import ask

    abstained = [q for q in progress(questions, "off-topic answers") if ask(library, q, mode="extractive").abstained]
    answered = [q for q in questions if q not in abstained]
    return {
        "questions": len(questions),
        "abstention_rate": round(len(abstained) / (len(questions) or 1), 4),
        "answered_questions": answered[:20],
    }


def rule_notes(library: Library, offtopic_file: Path) -> tuple[dict, list[str]]:
    """The abstention rule's provenance, and a warning when its fitting data are the questions measured here."""
    from retrieval.answers.abstention import load_rule

    rule = load_rule(library)
    provenance = rule.provenance
    notes = []
    if offtopic_file.name in str(provenance.get("offtopic", "")):
        cross_validated = provenance.get("rates_cross_validated_5_fold", {})
        notes.append(
            f"the abstention rule was fitted on these off-topic questions ({provenance['offtopic']}), so their "
            f"abstention rate is in-sample; the rule's 5-fold cross-validated rates: {cross_validated}"
        )
    if "dev" in str(provenance.get("answerable", "")):
        notes.append(f"the abstention rule was fitted on PubMedQA dev questions ({provenance['answerable']})")
    return {"threshold": rule.threshold, "features": rule.features, "provenance": provenance}, notes


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    library = Library(settings)
    limit = args.limit or (QUICK_QUESTIONS if args.quick else None)
    questions = load_questions(args.eval_file, args.split, limit)
    require_gold_articles(library, questions)
    offtopic = load_offtopic(args.offtopic_file, limit)

    retrieval = evaluate_retrieval(library, questions)
    by_backend = backend_metrics(library, args.backends, questions, K)
    answers = evaluate_answers(library, questions)
    off = evaluate_offtopic(library, offtopic)
    n_articles = library.status()["articles"]
    rule, notes = rule_notes(library, args.offtopic_file)

    tables = [
        Table(
            f"Retrieval: PubMedQA {args.split} ({len(questions)} questions, library of {n_articles:,} articles)",
            ["method", "R@1", f"R@{K}", "MRR", "p50 ms", "p95 ms"],
            [
                [m, r["recall_at_1"], r[f"recall_at_{K}"], r["mrr"], r["latency"]["p50_ms"], r["latency"]["p95_ms"]]
                for m, r in retrieval.items()
            ]
            + [
                [
                    f"dense, {b} backend",
                    r.get("recall_at_1"),
                    r.get(f"recall_at_{K}"),
                    r.get("mrr", r.get("error")),
                    None,
                    None,
                ]
                for b, r in by_backend.items()
            ],
        ),
        Table(
            "Extractive answers",
            ["measure", "value"],
            [
                [f"abstention on answerable questions (n={answers['questions']})", answers["abstention_rate"]],
                [f"abstention on off-topic questions (n={off['questions']})", off["abstention_rate"]],
                ["answers citing the gold article (all answerable)", answers["cites_gold_rate"]],
                ["answers citing the gold article (when answered)", answers["cites_gold_rate_when_answered"]],
                ["answers whose cited PMIDs are all in the evidence", answers["cited_pmids_in_evidence_rate"]],
                ["answers whose numbers all appear in a cited abstract", answers["numbers_in_cited_abstracts_rate"]],
                ["answer latency p50 ms", answers["latency"]["p50_ms"]],
                ["answer latency p95 ms", answers["latency"]["p95_ms"]],
            ],
        ),
    ]
    return BenchResult(
        command="quality",
        params={
            "split": args.split,
            "questions": len(questions),
            "offtopic_questions": len(offtopic),
            "k": K,
            "eval_file": str(args.eval_file),
            "offtopic_file": str(args.offtopic_file),
            "library_articles": n_articles,
            "index_type": library.index.kind,
            "backends": args.backends,
        },
        figures={
            "retrieval": retrieval,
            "dense_by_backend": by_backend,
            "answers": answers,
            "offtopic": off,
            "abstention_rule": rule,
        },
        tables=tables,
        settings=settings,
        notes=notes,
    )
