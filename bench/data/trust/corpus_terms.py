"""Which articles of the shared PubMed corpus mention a word or phrase, and proof that some never do.

Why this exists: ``uncovered_questions.jsonl`` asks about drugs, vaccines, pathogens, genes and devices
that no article in the library mentions, so the right answer is to abstain. That claim is only worth
something if it is checked against the whole corpus, every time the file or the corpus changes.

    python3 bench/data/trust/corpus_terms.py dupilumab "atopic dermatitis"   # PMIDs per term
    python3 bench/data/trust/corpus_terms.py --check bench/data/trust/uncovered_questions.jsonl

Matching is case-insensitive on titles and abstracts, at word boundaries (letters and digits). To make
absence proofs strict, a hyphen or space inside a term also matches the other or nothing ("anti-TNF" finds
"anti TNF" and "antiTNF"), and plurals are allowed ("pacemaker" finds "pacemakers", "therapy" "therapies").
Standard library only, so it runs with a plain ``python3``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "corpus"
KINDS = {"drug", "therapy", "vaccine", "pathogen", "gene", "device", "procedure", "population"}


def load_corpus(corpus_dir: Path) -> dict[str, str]:
    """PMID -> title and abstract text, from every ``*.xml.gz`` file in ``corpus_dir``."""
    texts: dict[str, str] = {}
    files = sorted(corpus_dir.glob("*.xml.gz"))
    if not files:
        sys.exit(f"No *.xml.gz files in {corpus_dir}; pass --corpus DIR.")
    for path in files:
        with gzip.open(path) as handle:
            for _, elem in ET.iterparse(handle):
                if elem.tag != "PubmedArticle":
                    continue
                pmid = elem.findtext(".//MedlineCitation/PMID", "").strip()
                parts = ["".join(node.itertext()) for node in elem.iter("ArticleTitle")]
                parts += ["".join(node.itertext()) for node in elem.iter("AbstractText")]
                texts[pmid] = " ".join(parts)
                elem.clear()
    return texts


def term_pattern(term: str) -> re.Pattern[str]:
    """``term`` at word boundaries, case-insensitive: inner hyphens and spaces interchangeable, plural allowed."""
    body = r"[\s\-]?".join(re.escape(piece) for piece in re.split(r"[\s\-]+", term.strip()) if piece)
    if re.search(r"[a-z]{2}[^aeiou]y$", term, re.IGNORECASE):  # "therapy" -> "therapies"
        body, plural = body[:-1], "(?:y|ies)"
    elif re.search(r"[a-z]{3}(s|x|z|ch|sh)$", term, re.IGNORECASE):  # "bypass" -> "bypasses"; "CAS" is not "cases"
        plural = "(?:es)?"
    else:
        plural = "s?"
    return re.compile(r"(?<![a-z0-9])" + body + plural + r"(?![a-z0-9])", re.IGNORECASE)


def mentions(corpus: dict[str, str], terms: Iterable[str]) -> dict[str, list[str]]:
    """Each term -> the PMIDs whose title or abstract mention it."""
    found: dict[str, list[str]] = {}
    for term in terms:
        pattern = term_pattern(term)
        found[term] = [pmid for pmid, text in corpus.items() if pattern.search(text)]
    return found


def check_row(corpus: dict[str, str], row: dict) -> list[str]:
    """Problems with one question row: a missing term or alias the corpus mentions, no neighbour in it, bad fields."""
    problems = []
    terms = list(row.get("missing", [])) + list(row.get("aliases", []))
    if not row.get("question") or not row.get("missing") or not all(isinstance(t, str) and t.strip() for t in terms):
        problems.append("needs a question, missing terms, and non-empty strings as terms")
    if row.get("split") not in ("dev", "test") or row.get("kind") not in KINDS:
        problems.append(f"split {row.get('split')!r} or kind {row.get('kind')!r} is not one of the allowed values")
    for term, pmids in mentions(corpus, [t for t in terms if isinstance(t, str) and t.strip()]).items():
        if pmids:
            problems.append(f"{term!r} is in {len(pmids)} article(s), e.g. PMID {', '.join(pmids[:3])}")
    if not any(pmid in corpus for pmid in row.get("neighbour_pmids", [])):
        problems.append(f"no neighbour PMID in the corpus: {row.get('neighbour_pmids')}")
    return problems


def check_file(corpus: dict[str, str], question_file: Path) -> int:
    """Print one line per failing row and a summary; the exit status (1 if any row fails)."""
    failures = 0
    rows = [json.loads(line) for line in question_file.read_text().splitlines() if line.strip()]
    ids = [row.get("id") for row in rows]
    for row in rows:
        problems = check_row(corpus, row)
        if ids.count(row.get("id")) > 1:
            problems.append("id is not unique")
        if problems:
            failures += 1
            print(f"FAIL {row.get('id', '?')}: {'; '.join(problems)}")
    print(f"{len(rows) - failures}/{len(rows)} rows pass ({len(corpus)} articles searched)")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("terms", nargs="*", help="words or phrases to look up")
    parser.add_argument("--check", type=Path, metavar="FILE", help="verify an uncovered-questions JSONL file")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus)
    if args.check:
        return check_file(corpus, args.check)
    for term, pmids in mentions(corpus, args.terms).items():
        print(f"{term}\t{len(pmids)}\t{' '.join(pmids[:20])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
