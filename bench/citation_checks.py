"""Independent checks of an answer's citations: what a reader would verify by hand.

1. every PMID the answer cites is among the evidence it was given;
2. every number in the answer's text (citation marks aside) appears in one of
   the abstracts it cites.

They are re-implemented here, not imported from the answer code, so that the
benchmark measures the answers rather than trusting their own verification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.answers.results import Answer
from retrieval.library.store import Store

# "[12345]", "[12345, 67890]", "[PMID: 12345]" and a bare "PMID 12345" all cite.
CITATION_MARK = re.compile(r"\[\s*(?:PMID:?\s*)?\d+(?:\s*[,;]\s*(?:PMID:?\s*)?\d+)*\s*\]|PMID:?\s*\d+", re.IGNORECASE)
DIGITS = re.compile(r"\d+")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass
class CitationCheck:
    cited: set[str] = field(default_factory=set)
    outside_evidence: set[str] = field(default_factory=set)
    unsupported_numbers: set[str] = field(default_factory=set)

    @property
    def cites_only_evidence(self) -> bool:
        return not self.outside_evidence

    @property
    def numbers_supported(self) -> bool:
        return not self.unsupported_numbers


def numbers(text: str) -> set[str]:
    """The numbers written in a text, with thousands separators removed (17,802 and 17802 are one number)."""
    return {THOUSANDS.sub("", n).rstrip(".,") for n in NUMBER.findall(text)}


def cited_pmids(answer: Answer) -> set[str]:
    """PMIDs the answer cites: its citation list plus every PMID in a citation mark of its text."""
    marked = {pmid for mark in CITATION_MARK.findall(answer.answer) for pmid in DIGITS.findall(mark)}
    return {c.pmid for c in answer.citations} | marked


def check_answer(answer: Answer, store: Store) -> CitationCheck:
    cited = cited_pmids(answer)
    evidence = {hit.pmid for hit in answer.evidence}
    articles = store.get_articles(sorted(cited))
    sources = " ".join(f"{a.title} {a.abstract_text}" for a in articles.values())
    claimed = numbers(CITATION_MARK.sub(" ", answer.answer))  # citation marks are not claims
    return CitationCheck(cited, cited - evidence, claimed - numbers(sources))
