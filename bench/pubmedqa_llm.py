"""PubMedQA yes/no/maybe accuracy of the local answer model.

Two settings, on the same questions in the same run:

* official: the gold abstract without its conclusion section as context (the
  PubMedQA "reasoning-required" setting, comparable with published figures);
* retrieval: the top articles MedLit's hybrid search returns for the question,
  i.e. what the model sees in the app (the gold article may or may not be there).

The model is asked for one word and may write at most ``LABEL_TOKENS`` tokens;
its first yes/no/maybe is the prediction. The majority-class baseline is
computed on the very questions evaluated; published figures on the 500-question
test split are printed beside them as points of reference, not measured here.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from bench.errors import BenchError
from bench.eval_data import PUBMEDQA, Question, load_questions, require_gold_articles
from bench.report import BenchResult, Table
from bench.stats import percentiles, progress, timed
from retrieval.library import Library
from retrieval.library.records import Article
from retrieval.settings import Settings, get_settings

if TYPE_CHECKING:
    from retrieval.answers.llm.chat_model import LoadedChatModel

HELP = "PubMedQA yes/no/maybe accuracy of the local LLM, with the gold abstract and with retrieved evidence"
LABELS = ("yes", "no", "maybe")
LABEL = re.compile(r"\b(yes|no|maybe)\b", re.IGNORECASE)
LABEL_TOKENS = 8
DEFAULT_LIMIT = 50
QUICK_LIMIT = 10
PUBLISHED_TEST_ACCURACY = {  # on the 500-question PubMedQA test split (reasoning-required)
    "majority class (published)": 0.552,
    "single human annotator (published)": 0.780,
    "GPT-4 with MedRAG (published)": 0.706,
}
SYSTEM_PROMPT = (
    "You are a biomedical researcher. Read the context and answer the research question "
    "with exactly one word: yes, no, or maybe."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", action="store_true", required=True, help="use the local LLM (the only mode)")
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="PubMedQA split (default test)")
    parser.add_argument("--limit", type=int, help=f"first N questions (default {DEFAULT_LIMIT}; quick {QUICK_LIMIT})")
    parser.add_argument("--evidence-k", type=int, default=3, help="retrieved articles given as context (default 3)")
    parser.add_argument("--eval-file", type=Path, default=PUBMEDQA, help="PubMedQA-style JSONL")
    parser.add_argument(
        "--max-minutes", type=float, help="stop asking new questions after this long; report those asked"
    )


def without_conclusions(article: Article) -> str:
    """The abstract minus its CONCLUSION(S) sections: the official PubMedQA context."""
    kept = [
        s.text
        for s in article.abstract
        if not (s.category.upper().startswith("CONCLUSION") or s.label.upper().startswith("CONCLUSION"))
    ]
    return " ".join(t for t in kept if t)


def retrieved_context(articles: list[Article]) -> str:
    return "\n\n".join(f"{a.title}\n{a.abstract_text}" for a in articles)


def parse_label(text: str) -> str | None:
    """The first yes/no/maybe the model wrote, None when it wrote none."""
    match = LABEL.search(text)
    return match.group(1).lower() if match else None


def chat_model(settings: Settings) -> LoadedChatModel:
    """The configured chat model, or a clear stop when it cannot be loaded."""
    from retrieval.answers.llm.chat_model import get_chat_model

    try:
        return get_chat_model(settings)
    except Exception as error:  # each provider raises its own types; the user needs the one sentence
        raise BenchError(f"the {settings.llm_provider} language model could not be loaded: {error}") from None


def ask_label(loaded: LoadedChatModel, provider: str, context: str, question: str) -> tuple[str, str | None, float]:
    """(raw reply, parsed label, milliseconds) for one question and context."""
    from langchain_core.messages import HumanMessage, SystemMessage

    limit = {"num_predict": LABEL_TOKENS} if provider == "ollama" else {"max_tokens": LABEL_TOKENS}
    messages = [
        SystemMessage(SYSTEM_PROMPT),
        HumanMessage(f"Context:\n{context}\n\nQuestion: {question}\nAnswer (yes, no or maybe):"),
    ]
    with loaded.lock:
        reply, ms = timed(lambda: loaded.model.invoke(messages, **limit))
    text = str(reply.content).strip()
    return text, parse_label(text), ms


def score(predictions: list[str | None], questions: list[Question]) -> dict:
    correct = sum(p == q.decision for p, q in zip(predictions, questions, strict=True))
    counts = Counter(p or "unparsed" for p in predictions)
    return {
        "accuracy": round(correct / (len(questions) or 1), 4),
        "correct": correct,
        "predicted": {label: counts.get(label, 0) for label in (*LABELS, "unparsed")},
    }


def run(args: argparse.Namespace) -> BenchResult:
    from retrieval.search.hybrid import search

    settings = get_settings()
    library = Library(settings)
    limit = args.limit or (QUICK_LIMIT if args.quick else DEFAULT_LIMIT)
    questions = load_questions(args.eval_file, args.split, limit, need_decision=True)
    require_gold_articles(library, questions)
    gold = library.store.get_articles([q.pmid for q in questions])
    loaded = chat_model(settings)

    settings_rows: dict[str, dict] = {}
    replies: dict[str, list[dict]] = {"official": [], "retrieval": []}
    latencies: dict[str, list[float]] = {"official": [], "retrieval": []}
    gold_in_context = 0
    started = time.monotonic()
    requested = asked = len(questions)
    for number, q in enumerate(progress(questions, "PubMedQA with the LLM")):
        if args.max_minutes and time.monotonic() - started > args.max_minutes * 60:
            asked = number
            break
        hits = search(library, q.question, k=args.evidence_k)
        gold_in_context += any(h.pmid == q.pmid for h in hits)
        contexts = {
            "official": without_conclusions(gold[q.pmid]),
            "retrieval": retrieved_context([h.article for h in hits if h.article is not None]),
        }
        for name, context in contexts.items():
            text, label, ms = ask_label(loaded, settings.llm_provider, context, q.question)
            replies[name].append({"pmid": q.pmid, "gold": q.decision, "reply": text, "label": label})
            latencies[name].append(ms)
    questions = questions[:asked]
    for name in replies:
        settings_rows[name] = {
            **score([r["label"] for r in replies[name]], questions),
            "latency": percentiles(latencies[name]),
        }
    gold_counts = Counter(q.decision for q in questions)
    majority_label, majority_n = gold_counts.most_common(1)[0]
    majority = {"label": majority_label, "accuracy": round(majority_n / len(questions), 4)}

    n = len(questions)
    rows = [
        [f"local LLM, gold abstract without conclusions (n={n})", settings_rows["official"]["accuracy"]],
        [f"local LLM, top-{args.evidence_k} retrieved articles (n={n})", settings_rows["retrieval"]["accuracy"]],
        [f"majority class on these questions ({majority_label!r}, n={n})", majority["accuracy"]],
        *[[name + ", n=500", value] for name, value in PUBLISHED_TEST_ACCURACY.items()],
    ]
    notes = [
        *(
            [f"stopped after {args.max_minutes:g} minutes: {asked} of {requested} questions asked"]
            if asked < requested
            else []
        ),
        f"gold article among the top-{args.evidence_k} retrieved: {gold_in_context}/{n}",
        "predictions "
        + "; ".join(
            f"{name}: " + ", ".join(f"{k} {v}" for k, v in row["predicted"].items())
            for name, row in settings_rows.items()
        ),
        "published figures are on all 500 test questions; they are references, not measured in this run",
    ]
    return BenchResult(
        command="pubmedqa-llm",
        params={
            "split": args.split,
            "questions": n,
            "questions_requested": requested,
            "max_minutes": args.max_minutes,
            "evidence_k": args.evidence_k,
            "label_tokens": LABEL_TOKENS,
            "llm_provider": settings.llm_provider,
            "eval_file": str(args.eval_file),
        },
        figures={
            "official": settings_rows["official"],
            "retrieval": {**settings_rows["retrieval"], "gold_in_context": gold_in_context},
            "majority_baseline": majority,
            "gold_labels": dict(gold_counts),
            "published_test_accuracy": PUBLISHED_TEST_ACCURACY,
            "replies": replies,
        },
        tables=[Table(f"PubMedQA {args.split}: yes/no/maybe accuracy", ["setting", "accuracy"], rows)],
        settings=settings,
        notes=notes,
    )
