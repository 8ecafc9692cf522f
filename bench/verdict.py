"""Verdicts of yes/no questions: the stance classifier, the local LLM's scored yes/no/maybe, and both combined.

* PubMedQA (official reasoning-required setting: the gold abstract without its
  CONCLUSION(S) sections): accuracy and recall of yes, no and maybe for the stance
  classifier (all questions of the split, or ``--limit``), and on the first
  ``--llm-limit`` of them for the raw LLM (argmax of its next-token
  probabilities), the calibrated LLM and the combination; the majority class on
  the very same questions each time. The whole abstract (what the app reads) is
  measured too, for reference.
* The hand-written answerable questions (``bench/data/trust``): whether
  ``is_yes_no`` tells yes/no questions (a verdict) from the others (none), and
  the verdict on those with one, from the gold article alone and from the top
  ``--k`` retrieved articles.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.errors import BenchError
from bench.eval_data import PUBMEDQA, load_questions, require_gold_articles
from bench.report import REPO_ROOT, BenchResult, Table
from bench.stats import percentiles, progress
from retrieval.library import Library
from retrieval.library.evidence import level_for
from retrieval.settings import get_settings

HELP = "yes/no verdicts: stance classifier, scored LLM and both, on PubMedQA and the hand-written questions"
ANSWERABLE = REPO_ROOT / "bench" / "data" / "trust" / "answerable_questions.jsonl"
ANSWERS = ("yes", "no", "maybe")
DECISION_OF = {"supports": "yes", "contradicts": "no", "neutral": "maybe"}
QUICK_LIMIT = 100
# The retrieved articles a verdict reads: those scoring at least this share of the best one (an answer's evidence).
RELATIVE_SCORE = 0.6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="PubMedQA split (default test)")
    parser.add_argument("--limit", type=int, help=f"first N PubMedQA questions (default all; quick {QUICK_LIMIT})")
    parser.add_argument("--llm-limit", type=int, default=0, help="score the first N with the local LLM (default 0)")
    parser.add_argument("--llm-cache", type=Path, help="JSONL of LLM scores to reuse and extend (pmid, probabilities)")
    parser.add_argument("--k", type=int, default=5, help="retrieved articles per hand-written question (default 5)")
    parser.add_argument("--eval-file", type=Path, default=PUBMEDQA, help="PubMedQA-style JSONL")
    parser.add_argument("--answerable-file", type=Path, default=ANSWERABLE, help="hand-written questions JSONL")


def scores(gold: list[str], predicted: list[str], labels: tuple[str, ...] = ANSWERS) -> dict:
    n = len(gold) or 1
    out: dict = {"n": len(gold), "accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / n, 4)}
    for label in labels:
        idx = [i for i, g in enumerate(gold) if g == label]
        out[f"recall_{label}"] = round(sum(predicted[i] == label for i in idx) / len(idx), 4) if idx else None
    out["predicted"] = dict(Counter(predicted))
    return out


def majority(gold: list[str]) -> dict:
    label, _ = Counter(gold).most_common(1)[0]
    return {"label": label, **scores(gold, [label] * len(gold))}


def _row(name: str, s: dict, labels: tuple[str, ...] = ANSWERS) -> list:
    return [name, s["n"], s["accuracy"], *(s.get(f"recall_{label}") for label in labels)]


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise BenchError(f"{path} does not exist; pass the right path.")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def llm_scores(library: Library, questions: list, reduced: dict, cache: Path | None) -> tuple[dict, list[float]]:
    """Raw LLM yes/no/maybe probabilities of each question (abstract without conclusions), with a cache."""
    from retrieval.answers.llm.llamacpp_chat import model_path
    from retrieval.answers.llm.yesno import load_llama, yes_no_maybe_probabilities
    from retrieval.answers.stance import deciding_sentences

    cached: dict[str, dict] = {}
    if cache is not None and cache.is_file():
        cached = {str(r["pmid"]): r["probabilities"] for r in read_jsonl(cache)}
    todo = [q for q in questions if q.pmid not in cached]
    latencies: list[float] = []
    if todo:
        try:
            llama = load_llama(model_path(library.settings), library.settings.llm_threads)
        except Exception as error:  # a missing model file or a failed load: one sentence
            raise BenchError(f"the local language model could not be loaded: {error}") from None
        for q in progress(todo, "LLM yes/no/maybe"):
            sentences, _ = deciding_sentences(q.question, reduced[q.pmid])
            started = time.perf_counter()
            cached[q.pmid] = yes_no_maybe_probabilities(llama, q.question, " ".join(sentences))
            latencies.append((time.perf_counter() - started) * 1000)
            if cache is not None:
                with cache.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"pmid": q.pmid, "probabilities": cached[q.pmid]}) + "\n")
    return {q.pmid: cached[q.pmid] for q in questions}, latencies


def evaluate_pubmedqa(library: Library, args: argparse.Namespace, limit: int | None, llm_limit: int) -> dict:
    from retrieval.answers.stance import article_stance, load_stance_model
    from retrieval.calibration.stance import without_conclusions

    model = load_stance_model()
    questions = load_questions(args.eval_file, args.split, limit, need_decision=True)
    require_gold_articles(library, questions)
    gold_articles = library.store.get_articles([q.pmid for q in questions])
    reduced = {pmid: without_conclusions(a) for pmid, a in gold_articles.items()}
    gold = [q.decision for q in questions]
    out: dict = {"questions": len(questions)}
    stances = {}
    for setting, articles in (("reasoning", reduced), ("full", gold_articles)):
        stances[setting] = [article_stance(model, q.question, articles[q.pmid]) for q in questions]
        out[f"classifier_{setting}"] = scores(gold, [DECISION_OF[s.label] for s in stances[setting]])
    out["majority"] = majority(gold)
    if llm_limit:
        from retrieval.answers.llm.yesno import load_yesno_calibration

        subset = questions[:llm_limit]
        probabilities, latencies = llm_scores(library, subset, reduced, args.llm_cache)
        calibration = load_yesno_calibration()
        sub_gold = [q.decision for q in subset]
        sub_stances = stances["reasoning"][:llm_limit]

        def argmax(p: dict) -> str:
            return max(p, key=p.__getitem__)

        raw = [argmax(probabilities[q.pmid]) for q in subset]
        calibrated = [argmax(calibration.calibrated(probabilities[q.pmid])) for q in subset]
        combined = [
            argmax(calibration.combine(s.probabilities, probabilities[q.pmid]))
            for s, q in zip(sub_stances, subset, strict=True)
        ]
        out["llm"] = {
            "questions": len(subset),
            "classifier": scores(sub_gold, [DECISION_OF[s.label] for s in sub_stances]),
            "llm_raw": scores(sub_gold, raw),
            "llm_calibrated": scores(sub_gold, calibrated),
            "combined": scores(sub_gold, combined),
            "majority": majority(sub_gold),
            "latency_new_scores": percentiles(latencies) if latencies else None,
            "calibration_fitted_on": calibration.provenance.get("fitted_on"),
            "scores": [{"pmid": q.pmid, "gold": q.decision, **probabilities[q.pmid]} for q in subset],
        }
    return out


def evaluate_answerable(library: Library, path: Path, k: int) -> dict:
    """is_yes_no on every hand-written question; verdicts of the test questions that have one."""
    from retrieval.answers.stance import article_stance, is_yes_no, load_stance_model, verdict
    from retrieval.search.hybrid import search

    rows = read_jsonl(path)
    out: dict = {"is_yes_no": {}}
    for split in ("dev", "test"):
        part = [r for r in rows if r.get("split") == split]
        right = [is_yes_no(r["question"]) == (r.get("verdict") is not None) for r in part]
        wrong = [r["question"] for r, ok in zip(part, right, strict=True) if not ok]
        out["is_yes_no"][split] = {"n": len(part), "accuracy": round(sum(right) / (len(part) or 1), 4), "wrong": wrong}
    model = load_stance_model()
    test = [r for r in rows if r.get("split") == "test" and r.get("verdict")]
    articles = library.store.get_articles(sorted({str(r["pmid"]) for r in test}))
    gold = [r["verdict"] for r in test]
    labels = ("yes", "no", "mixed")
    from_gold, from_search, details = [], [], []
    for r in progress(test, "hand-written verdicts"):
        article = articles.get(str(r["pmid"]))
        if article is None:
            raise BenchError(f"the library lacks article {r['pmid']} of {path}; build the corpus library first.")
        level = level_for(article.publication_types, [m.descriptor for m in article.mesh]).label
        stance = article_stance(model, r["question"], article)
        answer, rests = verdict([(stance, level)])
        from_gold.append(answer)
        hits = [h for h in search(library, r["question"], k=k) if h.article is not None]
        hits = [h for h in hits if h.score >= RELATIVE_SCORE * hits[0].score] if hits else []
        found = [(article_stance(model, r["question"], h.article), h.level) for h in hits]
        answer_k, rests_k = verdict(found)
        from_search.append(answer_k)
        details.append(
            {
                "id": r.get("id"),
                "gold": r["verdict"],
                "gold_article": [answer, rests, stance.label, round(stance.probability, 3), stance.sentence],
                "retrieved": [answer_k, rests_k, [(h.pmid, s.label) for h, (s, _) in zip(hits, found, strict=True)]],
            }
        )
    yes_no = [i for i, g in enumerate(gold) if g in ("yes", "no")]
    out["verdict_gold_article"] = scores(gold, from_gold, labels)
    out["verdict_gold_article_yes_no_only"] = scores([gold[i] for i in yes_no], [from_gold[i] for i in yes_no])
    out["verdict_retrieved"] = scores(gold, from_search, labels)
    out["verdict_retrieved_yes_no_only"] = scores([gold[i] for i in yes_no], [from_search[i] for i in yes_no])
    out["majority"] = majority(gold)
    out["details"] = details
    return out


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    library = Library(settings)
    limit = args.limit or (QUICK_LIMIT if args.quick else None)
    llm_limit = args.llm_limit
    pubmedqa = evaluate_pubmedqa(library, args, limit, llm_limit)
    hand = evaluate_answerable(library, args.answerable_file, args.k)

    headers = ["method", "n", "accuracy", "recall yes", "recall no", "recall maybe"]
    rows = [
        _row("stance classifier (abstract without conclusions)", pubmedqa["classifier_reasoning"]),
        _row("stance classifier (whole abstract, for reference)", pubmedqa["classifier_full"]),
        _row(f"majority class ({pubmedqa['majority']['label']!r})", pubmedqa["majority"]),
    ]
    if "llm" in pubmedqa:
        llm = pubmedqa["llm"]
        rows += [
            _row("  on the LLM's questions: stance classifier", llm["classifier"]),
            _row("  LLM, raw next-token argmax", llm["llm_raw"]),
            _row("  LLM, calibrated", llm["llm_calibrated"]),
            _row("  classifier + LLM, combined", llm["combined"]),
            _row(f"  majority class ({llm['majority']['label']!r})", llm["majority"]),
        ]
    verdict_headers = ["verdict from", "n", "accuracy", "recall yes", "recall no", "recall mixed"]
    labels = ("yes", "no", "mixed")
    tables = [
        Table(f"PubMedQA {args.split}: yes/no/maybe (reasoning-required unless said)", headers, rows),
        Table(
            "Hand-written answerable questions (test)",
            verdict_headers,
            [
                _row("gold article", hand["verdict_gold_article"], labels),
                _row("gold article, yes/no questions only", hand["verdict_gold_article_yes_no_only"], labels),
                _row(f"top-{args.k} retrieved (score >= {RELATIVE_SCORE} x best)", hand["verdict_retrieved"], labels),
                _row("  the same, yes/no questions only", hand["verdict_retrieved_yes_no_only"], labels),
                _row(f"majority class ({hand['majority']['label']!r})", hand["majority"], labels),
            ],
        ),
        Table(
            "is_yes_no on the hand-written questions (verdict set or not)",
            ["split", "n", "accuracy"],
            [[split, r["n"], r["accuracy"]] for split, r in hand["is_yes_no"].items()],
        ),
    ]
    notes = [
        "PubMedQA's published majority-class accuracy on all 500 test questions is 0.552",
        "a hand-written question counts as right only when its verdict matches (mixed must be said mixed)",
    ]
    return BenchResult(
        command="verdict",
        params={
            "split": args.split,
            "questions": pubmedqa["questions"],
            "llm_questions": llm_limit,
            "k": args.k,
            "eval_file": str(args.eval_file),
            "answerable_file": str(args.answerable_file),
        },
        figures={"pubmedqa": pubmedqa, "answerable": hand},
        tables=tables,
        settings=settings,
        notes=notes,
    )
