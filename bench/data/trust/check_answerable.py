"""Check answerable_questions.jsonl against the shared PubMed corpus.

The answerable-question set is written by hand, and every row makes claims about a real article: that the
gold PMID is in the corpus, and that each accepted surface form of each key fact is printed verbatim in that
article's title or abstract (a scorer counts a fact as stated when any of its forms occurs in an answer). A
typo in a PMID or a fact form would silently make a question unanswerable or unscoreable, so this script
re-reads the corpus and verifies every row. It uses only the standard library so it runs with a plain
``python3``, without the project's environment.

Usage::

    python3 bench/data/trust/check_answerable.py [--corpus DIR] [--questions FILE]

It prints one line per problem and exits with status 1 if there is any, 0 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus"
DEFAULT_QUESTIONS = HERE / "answerable_questions.jsonl"

FIELDS = ("id", "question", "split", "pmid", "key_facts", "verdict", "slot", "subject", "style")
SPLITS = {"dev", "test"}
VERDICTS = {"yes", "no", "mixed", None}
SLOTS = {"rate", "dose", "time course", "mechanism", "effect size", "cause", "gene", "comparison", "other"}
STYLES = {"plain", "lay", "formal", "typo", "long"}
ID_PATTERN = re.compile(r"a\d{3,}")  # a001 … a999, then a1000 …


def iter_articles(corpus: Path) -> Iterator[tuple[str, str]]:
    """Yield (PMID, lower-cased title and abstract text) for every article in the corpus files."""
    for path in sorted(corpus.glob("*.xml.gz")):
        with gzip.open(path) as handle:
            for _, element in ET.iterparse(handle):
                if element.tag != "PubmedArticle":
                    continue
                pmid = element.findtext(".//MedlineCitation/PMID") or ""
                parts = ["".join(node.itertext()) for node in element.iter("ArticleTitle")]
                parts += ["".join(node.itertext()) for node in element.iter("AbstractText")]
                yield pmid.strip(), "\n".join(parts).lower()
                element.clear()


def load_corpus(corpus: Path) -> dict[str, str]:
    """Map every PMID in the corpus to its lower-cased title and abstract."""
    return dict(iter_articles(corpus))


def is_text(value: Any) -> bool:
    """True for a string with something other than whitespace in it."""
    return isinstance(value, str) and bool(value.strip())


def check_row(row: Any, texts: dict[str, str]) -> list[str]:
    """Return the problems with one parsed row (empty when it is valid)."""
    if not isinstance(row, dict):
        return ["not a JSON object"]
    problems = [f"missing field {name!r}" for name in FIELDS if name not in row]
    problems += [f"unexpected field {name!r}" for name in row if name not in FIELDS]
    if problems:
        return problems

    if not (isinstance(row["id"], str) and ID_PATTERN.fullmatch(row["id"])):
        problems.append(f"id {row['id']!r} is not like 'a001'")
    if not is_text(row["question"]):
        problems.append("question is empty")
    if row["split"] not in SPLITS:
        problems.append(f"split {row['split']!r} is not one of {sorted(SPLITS)}")
    if row["verdict"] not in VERDICTS:
        problems.append(f"verdict {row['verdict']!r} is not yes, no, mixed or null")
    if row["slot"] not in SLOTS:
        problems.append(f"slot {row['slot']!r} is not one of {sorted(SLOTS)}")
    if row["style"] not in STYLES:
        problems.append(f"style {row['style']!r} is not one of {sorted(STYLES)}")

    question = row["question"].lower() if is_text(row["question"]) else ""
    subject = row["subject"]
    if not (isinstance(subject, list) and subject and all(is_text(s) for s in subject)):
        problems.append("subject must be a non-empty list of strings")
    else:
        problems += [f"subject {s!r} does not appear in the question" for s in subject if s.lower() not in question]

    text = texts.get(row["pmid"]) if isinstance(row["pmid"], str) else None
    if text is None:
        problems.append(f"gold PMID {row['pmid']!r} is not in the corpus")

    facts = row["key_facts"]
    if not (isinstance(facts, list) and 1 <= len(facts) <= 3):
        problems.append("key_facts must be a list of 1 to 3 facts")
        return problems
    for number, forms in enumerate(facts, 1):
        if not (isinstance(forms, list) and forms and all(is_text(form) for form in forms)):
            problems.append(f"key fact {number} must be a non-empty list of non-empty strings")
            continue
        if text is not None:
            problems += [
                f"key fact {number} form {form!r} is not in the gold title or abstract"
                for form in forms
                if form.lower() not in text
            ]
    if text is not None and question and question.strip(" ?.") == text.split("\n", 1)[0].strip(" ?."):
        problems.append("question is the article title")
    return problems


def check_file(questions: Path, texts: dict[str, str]) -> list[str]:
    """Return every problem in the question file, each prefixed with its line number and id."""
    problems: list[str] = []
    ids: Counter[str] = Counter()
    for number, line in enumerate(questions.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            problems.append(f"line {number}: blank line")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not valid JSON ({error})")
            continue
        label = row.get("id", "?") if isinstance(row, dict) else "?"
        if isinstance(label, str):
            ids[label] += 1
        problems += [f"line {number} ({label}): {problem}" for problem in check_row(row, texts)]
    problems += [f"id {name!r} is used {count} times" for name, count in sorted(ids.items()) if count > 1]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the file and report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of PubMed *.xml.gz files")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="the JSONL file to check")
    args = parser.parse_args(argv)

    if not sorted(args.corpus.glob("*.xml.gz")):
        print(f"No corpus files found: expected the shared PubMed *.xml.gz files in {args.corpus}.")
        return 1
    texts = load_corpus(args.corpus)
    problems = check_file(args.questions, texts)
    for problem in problems:
        print(problem)
    rows = sum(1 for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"{rows} questions checked against {len(texts)} articles: {len(problems)} problem(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
