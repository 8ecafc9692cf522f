"""Field conversions shared by the citation formats (author names, page ranges, links).

PubMed stores names and page ranges in its own compact conventions ("Smith JA",
"123-9"); reference managers want them split ("Smith, J. A.", 123 / 129), so the
conversion lives in one place and every format agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
PMC_URL = "https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"
DOI_URL = "https://doi.org/{doi}"

_INITIALS = re.compile(r"^[A-Z]{1,4}$")


@dataclass(frozen=True)
class PersonName:
    """An author split into family name and given names; ``collective`` for group authors."""

    family: str
    given: str = ""
    initials: str = ""
    collective: bool = False

    @property
    def inverted(self) -> str:
        """``Family, Given`` (RIS AU, MEDLINE FAU): the order every reference manager parses."""
        if self.collective or not (self.given or self.initials):
            return self.family
        return f"{self.family}, {self.given or self.initials}"

    @property
    def medline(self) -> str:
        """``Family GI`` (MEDLINE AU)."""
        if self.collective or not self.initials:
            return self.family
        return f"{self.family} {self.initials}"


def split_author(author: str) -> PersonName:
    """Read one ``Article.authors`` entry: ``Family, Given``, ``Family GI`` or a collective name."""
    author = " ".join(author.split())
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
        return PersonName(family, given, initials_of(given))
    head, _, tail = author.rpartition(" ")
    if head and _INITIALS.match(tail):
        return PersonName(head, "", tail)
    return PersonName(author, collective=" " in author)


def initials_of(given: str) -> str:
    """``Mansoor A S`` -> ``MAS``; ``Jean-Luc`` -> ``JL`` (MEDLINE keeps hyphenated initials together)."""
    return "".join(part[0].upper() for part in re.split(r"[\s\-.]+", given) if part and part[0].isalpha())


def page_range(pages: str) -> tuple[str, str]:
    """Split a MEDLINE page string into first and last page, expanding ``123-9`` to ``123``/``129``.

    Only the first range counts (``12-5, 20`` -> ``12``/``15``); electronic
    locators such as ``e0123`` have no last page.
    """
    first_range = pages.split(",")[0].split(";")[0].strip()
    if "-" not in first_range:
        return first_range, ""
    start, end = (p.strip() for p in first_range.split("-", 1))
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return start, end


def one_line(text: str) -> str:
    """Collapse line breaks and runs of spaces: tagged formats end a field at the end of a line."""
    return " ".join(text.split())


def pubmed_url(pmid: str) -> str:
    return PUBMED_URL.format(pmid=pmid)


def labelled_abstract(sections: list, separator: str = " ") -> str:
    """A structured abstract as PubMed prints it on one line: ``BACKGROUND: ... METHODS: ...``."""
    parts = [f"{s.label}: {s.text}" if s.label else s.text for s in sections if s.text]
    return one_line(separator.join(parts))
