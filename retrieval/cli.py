"""``python -m retrieval``: search, ask, summarise and calibrate from the command line.

Output is readable text, or JSON with ``--json`` (the shapes of
``retrieval.search.results``). Problems the user can fix (an empty library, an empty
query, an unknown collection, a missing file) are one sentence on stderr and exit
code 2, never a traceback; anything else is a bug, reported as such (see
``retrieval.errors``). ``ask --batch`` loads the models once and answers one
question a line, writing one JSON object a line in input order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.answers.results import Answer
from retrieval.errors import UserError, reported
from retrieval.guard import IdentifiersFound
from retrieval.library import Library
from retrieval.library.evidence import badge
from retrieval.library.filters import SearchFilters
from retrieval.search.results import Hit
from retrieval.settings import get_settings

if TYPE_CHECKING:
    from retrieval.answers.summaries import Summary

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ANSWERABLE = [
    PROJECT_ROOT.parent / "shared" / "data" / "eval" / "pubmedqa.jsonl",
    PROJECT_ROOT / "bench" / "data" / "paraphrased_questions.jsonl",
    PROJECT_ROOT / "bench" / "data" / "trust" / "answerable_questions.jsonl",
]
DEFAULT_OFFTOPIC = [
    PROJECT_ROOT / "bench" / "data" / "offtopic_questions.jsonl",
    PROJECT_ROOT / "bench" / "data" / "trust" / "uncovered_questions.jsonl",
]
OUT_HELP = "where to save the fit (default: the library's calibration folder; retrieval/answers/defaults/ ships one)"


# ------------------------------------------------------------------------ parsing
def add_filter_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--year-from", type=int, help="only articles published in or after this year")
    group.add_argument("--year-to", type=int, help="only articles published in or before this year")
    group.add_argument("--type", action="append", default=[], help="publication type (repeat: any of them)")
    group.add_argument("--mesh", action="append", default=[], help="MeSH descriptor (repeat: all of them)")
    group.add_argument("--journal", help="part of the journal name")
    group.add_argument("--has-abstract", action="store_true", help="only articles with an abstract")
    group.add_argument("--collection", help="only articles of this collection")
    group.add_argument("--exclude-retracted", action="store_true", help="leave retracted articles out")
    group.add_argument("--prefer-strong", action="store_true", help="rank stronger study designs higher")
    group.add_argument("--drug", action="append", default=[], help="drug named in the abstract (repeat: all of them)")
    group.add_argument(
        "--disease", action="append", default=[], help="disease named in the abstract (repeat: all of them)"
    )


def filters_from(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters(
        year_from=args.year_from,
        year_to=args.year_to,
        publication_types=args.type,
        mesh=args.mesh,
        journal=args.journal,
        has_abstract=args.has_abstract,
        collection=args.collection,
        exclude_retracted=args.exclude_retracted,
        drugs=args.drug,
        diseases=args.disease,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="Search and question a MedLit library.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("search", help="rank articles for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10, help="number of articles (default 10)")
    p.add_argument("--method", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = commands.add_parser("ask", help="answer a question with cited sentences, or abstain")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", type=Path, help="file of questions: one a line, or JSONL with a 'question' field")
    p.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    p.add_argument(
        "--send-redacted",
        action="store_true",
        help="when the question holds patient identifiers, answer the redacted question (a remote model needs it)",
    )
    p.add_argument("--k", type=int, default=10, help="articles searched for evidence (default 10)")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = commands.add_parser("summarize", help="themes, findings and evidence counts of a topic or collection")
    p.add_argument("query", nargs="?")
    p.add_argument("--k", type=int, default=40, help="articles summarised (default 40)")
    p.add_argument("--narrative", action="store_true", help="add a written overview (local language model)")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = commands.add_parser("calibrate", help="refit the abstention rule on answerable and off-topic questions")
    p.add_argument(
        "--answerable", type=Path, action="append", help="JSONL of answerable questions, split=dev rows (repeat)"
    )
    p.add_argument(
        "--offtopic", type=Path, action="append", help="JSONL of questions the library cannot answer (repeat)"
    )
    p.add_argument("--out", type=Path, help=OUT_HELP)

    p = commands.add_parser(
        "calibrate-verify", help="refit the support thresholds that check written answers (PubMedQA corpus library)"
    )
    p.add_argument("--out", type=Path, help=OUT_HELP)

    p = commands.add_parser(
        "calibrate-entailment",
        help="measure the local model's check that a cited passage supports a sentence (PubMedQA corpus library)",
    )
    p.add_argument("--limit", type=int, default=60, help="PubMedQA articles per split, two pairs each (default 60)")
    p.add_argument("--out", type=Path, help=OUT_HELP)

    p = commands.add_parser(
        "calibrate-stance", help="refit the stance classifier of yes/no verdicts on PubMedQA dev (corpus library)"
    )
    p.add_argument("--eval-file", type=Path, default=DEFAULT_ANSWERABLE[0], help="PubMedQA JSONL (default shared)")
    p.add_argument("--answerable", type=Path, help="also fit on this JSONL's dev rows with a yes/no 'verdict'")
    p.add_argument("--out", type=Path, help=OUT_HELP)
    p.add_argument("--llm", action="store_true", help="also calibrate the local LLM's yes/no/maybe probabilities")
    p.add_argument("--llm-only", action="store_true", help="calibrate only the LLM, over the saved classifier")
    p.add_argument("--llm-limit", type=int, default=150, help="dev questions the LLM scores (default 150)")
    p.add_argument("--llm-test-limit", type=int, default=0, help="test questions the LLM scores (default 0)")
    p.add_argument("--llm-out", type=Path, help=OUT_HELP)
    p.add_argument("--cache", type=Path, help="folder keeping LLM scores between runs")

    commands.add_parser(
        "entities",
        help="chemicals, diseases and induced-disease relations of texts: JSON lines {id, text} on stdin",
        description='Reads JSON lines {"id", "text"} on stdin; writes one JSON line per input: '
        '{"id", "entities": [{"start", "end", "type", "text", "concept"}], '
        '"relations": [{"chemical", "disease"}]}. Offsets count characters of text.',
    )
    commands.add_parser(
        "guard",
        help='find patient identifiers: JSON lines {"id", "text"} on stdin, one JSON line per input on stdout',
    )
    return parser


# ------------------------------------------------------------------------ output
def print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("No article matches these filters.")
    for rank, hit in enumerate(hits, start=1):
        where = ", ".join(str(x) for x in (hit.journal, hit.year) if x)
        print(f"{rank:>2}. [{badge(hit.level, hit.retracted)}] {hit.title} ({where}) PMID {hit.pmid}")
        for sentence in hit.sentences[:2]:
            print(f"      > {sentence}")


def print_answer(answer: Answer) -> None:
    print(f"Q: {answer.question}")
    if answer.abstained:
        print(answer.answer)
        print_articles("Closest articles (they do not answer the question):", answer.evidence)
        return
    print(f"Bottom line: {answer.bottom_line}")
    if answer.read_as:
        print(f"Read as: {answer.read_as_text}")
    for citation in answer.citations if answer.quoted else []:
        print(f"- {citation.sentence} [{citation.pmid}]")
    if not answer.quoted:
        print(answer.answer)
    for removed in answer.removed:
        print(f"(removed by verification: {removed.get('sentence', '')!r}: {removed.get('reason', '')})")
    if answer.quoted_after_llm:
        print("(no written sentence passed verification: the answer above quotes the abstracts)")
    print_articles("Cited:", answer.cited, answer)
    print_articles("Related articles, not cited:", answer.related[:5])


def print_articles(heading: str, hits: list[Hit], answer: Answer | None = None) -> None:
    if not hits:
        return
    print(heading)
    for hit in hits:
        year = f", {hit.year}" if hit.year else ""
        stance = answer.stances.get(hit.pmid) if answer else None
        said = f" ({stance.stance}: {stance.sentence})" if stance else ""
        print(f"  [{badge(hit.level, hit.retracted)}] PMID {hit.pmid}: {hit.title}{year}{said}")


def print_summary(summary: Summary) -> None:
    subject = summary.query or f"collection {summary.collection}"
    print(f"Summary of {subject}: {summary.articles} articles")
    for number, theme in enumerate(summary.themes, start=1):
        print(f"\nTheme {number}: {theme.label} ({len(theme.pmids)} articles)")
        for citation in theme.findings:
            print(f"  - {citation.sentence} [{citation.pmid}]")
    if summary.narrative:
        print(f"\n{summary.narrative}")
    print("\nBy evidence level: " + ", ".join(f"{label} {n}" for label, n in summary.counts_by_level.items()))
    print("By year: " + ", ".join(f"{year} {n}" for year, n in summary.counts_by_year.items()))


def print_json(data: dict) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------------- commands
def batch_questions(path: Path) -> Iterator[str]:
    """Questions of a batch file in order: plain lines, or JSON objects with a ``question`` field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UserError(f"Cannot read the batch file {path}: {error.strerror or error}.") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                yield str(json.loads(line)["question"])
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise UserError(f"Line {number} of {path} is not JSON with a 'question' field.") from error
        else:
            yield line.strip()


def run_ask(library: Library, args: argparse.Namespace) -> None:
    from retrieval.answers.ask import ask

    if (args.question is None) == (args.batch is None):
        raise UserError("Give either one question or --batch FILE.")
    filters = filters_from(args)
    if args.batch is None:
        streaming = args.mode == "llm" and not args.json
        on_token = (lambda token: print(token, end="", file=sys.stderr, flush=True)) if streaming else None
        answer = ask(
            library,
            args.question,
            filters,
            args.mode,
            args.k,
            args.prefer_strong,
            on_token=on_token,
            send_redacted=args.send_redacted,
        )
        if streaming:
            print(file=sys.stderr)
        if args.json:
            print_json(answer.as_json())
        else:
            print_answer(answer)
        return
    for question in batch_questions(args.batch):
        try:
            answer = ask(
                library, question, filters, args.mode, args.k, args.prefer_strong, send_redacted=args.send_redacted
            )
        except UserError as error:  # one bad question does not stop the batch; its line says why
            if not args.json:
                raise
            shown = error.result.redacted if isinstance(error, IdentifiersFound) else question
            print_json({"question": shown, "error": str(error)})
            continue
        if args.json:
            print_json(answer.as_json())
        else:
            print_answer(answer)
            print()


def run_calibrate_entailment(library: Library, args: argparse.Namespace) -> tuple[dict, Path]:
    from retrieval.answers.calibrated import ENTAILMENT_CHECK, library_file
    from retrieval.answers.llm.llamacpp_chat import model_path
    from retrieval.answers.llm.verify import load_support_threshold
    from retrieval.answers.llm.yesno import load_llama
    from retrieval.calibration.entailment import calibrate_entailment
    from retrieval.calibration.stance import read_rows

    eval_path = DEFAULT_ANSWERABLE[0]
    if not eval_path.is_file():
        raise UserError(f"Calibration data not found: {eval_path}.")
    dev, test = read_rows(eval_path, "dev"), read_rows(eval_path, "test")
    articles = library.store.get_articles(sorted({str(r["pmid"]) for r in dev + test}))
    llama = load_llama(model_path(library.settings), library.settings.llm_threads)
    threshold = load_support_threshold(library.settings.data_dir, *library.vectors)

    def progress(done: int, total: int) -> None:
        print(f"\rscored {done}/{total} pairs", end="", file=sys.stderr, flush=True)

    result = calibrate_entailment(llama, library.embed_texts, articles, dev, test, threshold, args.limit, progress)
    print(file=sys.stderr)
    result["embedding_model"], result["embedding_backend"] = library.vectors
    result["data"] = f"{eval_path}: first {args.limit} usable articles of dev and of test"
    out = args.out or library_file(library.settings.data_dir, ENTAILMENT_CHECK)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result, out


def run_calibrate_stance(library: Library, args: argparse.Namespace) -> None:
    from retrieval.answers.calibrated import library_file
    from retrieval.answers.llm.yesno import YESNO_CALIBRATION
    from retrieval.answers.stance import STANCE_MODEL
    from retrieval.calibration.stance import calibrate_stance, calibrate_yesno, read_rows

    paths = [args.eval_file, *([args.answerable] if args.answerable else [])]
    for path in paths:
        if not path.is_file():
            raise UserError(f"Calibration data not found: {path}.")
    articles = library.store.get_articles(sorted({str(r["pmid"]) for p in paths for r in read_rows(p)}))
    held_out_path = args.cache / "stance_dev_held_out.json" if args.cache else None
    data_dir = library.settings.data_dir
    out = args.out or library_file(data_dir, STANCE_MODEL)
    llm_out = args.llm_out or library_file(data_dir, YESNO_CALIBRATION)
    if args.llm_only:
        from retrieval.answers.stance import load_stance_model

        model = load_stance_model(out)
        if held_out_path is not None and not held_out_path.is_file():
            held_out_path = None
    else:
        model, saved = calibrate_stance(articles, args.eval_file, out, args.answerable, held_out_path=held_out_path)
        print(json.dumps({k: model.provenance[k] for k in ("chosen", "dev_cross_validated", "test")}))
        print(f"Saved the stance classifier to {saved}.")
    if args.llm or args.llm_only:
        from retrieval.answers.llm.llamacpp_chat import model_path
        from retrieval.answers.llm.yesno import load_llama

        llama = load_llama(model_path(library.settings), library.settings.llm_threads)
        held_out = json.loads(held_out_path.read_text(encoding="utf-8")) if held_out_path else None
        calibration, saved = calibrate_yesno(
            llama,
            articles,
            args.eval_file,
            model,
            args.llm_limit,
            args.llm_test_limit,
            llm_out,
            args.cache,
            held_out=held_out,
        )
        print(json.dumps({k: calibration.provenance[k] for k in ("dev_cross_validated", "test")}))
        print(f"Saved the yes/no calibration of the language model to {saved}.")


def run_guard(stdin=None, stdout=None) -> None:
    """``{"id", "text"}`` lines in, ``{"id", "identifiers": [{"start", "end", "type", "text"}], "redacted"}`` out.

    One output line per non-blank input line, in order; a line that is not such JSON gets
    ``{"id": null, "error": ...}`` so the lines still pair up.
    """
    from retrieval.guard import check

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            row = None
        if isinstance(row, dict) and isinstance(row.get("text"), str):
            out = check(row["text"]).as_json(row.get("id"))
        else:
            ident = row.get("id") if isinstance(row, dict) else None
            out = {"id": ident, "error": f"line {number} is not a JSON object with a string 'text' field"}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()


def run(args: argparse.Namespace) -> int:
    if args.command == "guard":
        run_guard()
        return 0
    if args.command == "entities":
        from retrieval.library.entities.jsonl import run as run_entities

        run_entities(sys.stdin, sys.stdout)
        return 0
    library = Library(get_settings())
    if args.command == "search":
        from retrieval.search.hybrid import search

        hits = search(library, args.query, filters_from(args), args.k, args.prefer_strong, args.method)
        if args.json:
            print_json({"query": args.query, "results": [h.as_evidence() | {"sentences": h.sentences} for h in hits]})
        else:
            print_hits(hits)
    elif args.command == "ask":
        run_ask(library, args)
    elif args.command == "summarize":
        from retrieval.answers.summaries import summarize

        summary = summarize(library, args.query, k=args.k, narrative=args.narrative, filters=filters_from(args))
        if args.json:
            print_json(summary.as_json())
        else:
            print_summary(summary)
    elif args.command == "calibrate":
        from retrieval.calibration.abstention import calibrate

        answerable = args.answerable or DEFAULT_ANSWERABLE
        offtopic = args.offtopic or DEFAULT_OFFTOPIC
        for path in [*answerable, *offtopic]:
            if not path.is_file():
                raise UserError(f"Calibration data not found: {path}.")
        rule, saved = calibrate(library, answerable, offtopic, args.out)
        print(json.dumps(rule.provenance, indent=2))
        print(f"Saved the abstention rule to {saved}.")
    elif args.command == "calibrate-verify":
        from retrieval.calibration.support import calibrate_verify

        result, saved = calibrate_verify(library, out=args.out)
        print(json.dumps({k: v for k, v in result.items() if k.startswith("rates") or k in ("cosine", "coverage")}))
        print(f"Saved the support thresholds to {saved}.")
    elif args.command == "calibrate-entailment":
        result, saved = run_calibrate_entailment(library, args)
        print(json.dumps(result, indent=2))
        print(f"Saved the language-model support check to {saved}.")
    elif args.command == "calibrate-stance":
        run_calibrate_stance(library, args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return reported(lambda: run(args))
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return 130
