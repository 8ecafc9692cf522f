"""How often the design read from a title and abstract agrees with PubMed's publication types.

The shared corpus has no publication types, so its designs are inferred
(``retrieval.library.evidence.infer_from_text``). This measures that inference
on every shared record whose publication types (or design MeSH headings) decide
a level: agreement = the inferred level equals that level, over the records the
text names a design for (coverage = how many it names one for at all).

    .venv/bin/python -m bench.design_inference [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ingest.formats import iter_file
from retrieval.library.evidence import OTHER, infer_from_text, level_for
from retrieval.library.records import Article

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def articles(folder: Path) -> dict[str, Article]:
    """Every article of the PubMed XML and MEDLINE files under ``folder`` that parse, by PMID."""
    found: dict[str, Article] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in {".xml", ".gz", ".txt"}:
            continue
        try:
            for item in iter_file(path):
                if isinstance(item, Article) and item.pmid:
                    found.setdefault(item.pmid, item)
        except Exception:  # E-utilities files that are not article sets (esearch, einfo...)
            continue
    return found


def agreement(records: dict[str, Article]) -> dict:
    typed = inferred = agreed = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for article in records.values():
        truth = level_for(article.publication_types, [m.descriptor for m in article.mesh])
        if truth is OTHER:
            continue
        typed += 1
        guess = infer_from_text(article.title, " ".join(s.text for s in article.abstract))
        if guess is None:
            continue
        inferred += 1
        agreed += guess is truth
        confusion[(truth.badge, guess.badge)] += 1
    return {
        "records_with_a_typed_design": typed,
        "inferred": inferred,
        "coverage": round(inferred / typed, 3) if typed else None,
        "agreed": agreed,
        "agreement": round(agreed / inferred, 3) if inferred else None,
        "disagreements": {f"{t} read as {g}": n for (t, g), n in confusion.most_common() if t != g},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    args = parser.parse_args(argv)
    records = articles(args.data / "ncbi")
    print(f"{len(records)} shared records with PMIDs under {args.data / 'ncbi'}")
    for key, value in agreement(records).items():
        print(f"{key}: {value}")
    corpus = articles(args.data / "corpus")
    named = Counter(
        (guess.badge if (guess := infer_from_text(a.title, " ".join(s.text for s in a.abstract))) else "none")
        for a in corpus.values()
    )
    print(f"corpus: {len(corpus)} records (no publication types); designs inferred: {dict(named.most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
