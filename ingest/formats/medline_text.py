"""Reader for MEDLINE text: PubMed's "Save > PubMed format" files and citation-manager ``.nbib`` exports.

``Bio.Medline`` groups the tagged lines into records. Lines are unfolded
first: PubMed wraps every field at 80 columns, and ``Bio.Medline`` turns each
continuation line of a repeatable field (a long keyword, "Retraction in: ...")
into a separate list entry, which would split one value in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import BinaryIO

from Bio import Medline

from ingest.formats.errors import ParseError
from ingest.formats.sources import Source, open_source, source_name
from retrieval.library.records import AbstractSection, Article, CommentCorrection, MeshHeading

TAG_LINE = re.compile(r"[A-Z][A-Z0-9]{1,3} *-( |$)")
CONTINUATION = "      "
FOUR_DIGITS = re.compile(r"\d{4}")
TRAILING_PMID = re.compile(r"\s*PMID:\s*(\d+)\s*$")
# "BACKGROUND: ... METHODS: ...": MEDLINE text keeps a structured abstract's labels inline.
ABSTRACT_LABEL = re.compile(r"(?:^|(?<=[.!?] ))([A-Z][A-Z &,/-]{2,58}[A-Z]): ")
LINK_LABEL = re.compile(r"^[A-Za-z][A-Za-z ]*?\b(?:in|of|for|from|on):\s*")
# MEDLINE tags of the CommentsCorrections links and their XML RefType.
LINK_TAGS = {
    "CIN": "CommentIn",
    "CON": "CommentOn",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "ORI": "OriginalReportIn",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "SPIN": "SummaryForPatientsIn",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
}


def _decoded(stream: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """Numbered text lines; bytes that are not UTF-8 stop the file with the line that holds them."""
    for number, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ParseError(
                f"{name} line {number} is not UTF-8 text; save the file as UTF-8 (PubMed exports are) and try again. "
                "Records before that line were read."
            ) from None
        yield number, line.rstrip()


def _unfolded(lines: Iterable[tuple[int, str]], name: str) -> Iterator[str]:
    """One line per field (continuations joined with a space), a blank line between records."""
    current = ""
    for number, line in lines:
        if line.startswith(CONTINUATION) and current:
            current += " " + line.strip()
            continue
        if current:
            yield current + "\n"
            current = ""
        if not line.strip():
            yield "\n"
        elif TAG_LINE.match(line):
            if line.startswith("PMID-"):
                yield "\n"  # records glued together without a blank line still start at their PMID
            current = line
        else:
            raise ParseError(
                f'{name} line {number} is not a MEDLINE field ("TAG - value"): {line[:60]!r}; '
                "export citations from PubMed in PubMed (MEDLINE) format and try again. "
                "Records before that line were read."
            )
    if current:
        yield current + "\n"


def _values(record: dict, tag: str) -> list[str]:
    """A field's values as a list (``Bio.Medline`` gives a string for single-valued tags)."""
    value = record.get(tag)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    return [v.strip() for v in values if v.strip()]


def _first(record: dict, tag: str) -> str:
    values = _values(record, tag)
    return values[0] if values else ""


def _mesh(term: str) -> MeshHeading:
    """``*Neoplasms/genetics/*metabolism``: a star marks a major topic, slashes separate qualifiers."""
    descriptor, *qualifiers = term.split("/")
    return MeshHeading(
        descriptor=descriptor.strip().lstrip("*"),
        major="*" in term,
        qualifiers=tuple(q.strip().lstrip("*") for q in qualifiers),
    )


def _abstract(text: str) -> list[AbstractSection]:
    """The abstract, split into labelled sections when it starts with a label as structured abstracts do."""
    if not text:
        return []
    parts = ABSTRACT_LABEL.split(text)
    if parts[0].strip():  # no leading label: an unstructured abstract that may merely contain "WORD: "
        return [AbstractSection(text)]
    return [
        AbstractSection(body.strip(), label)
        for label, body in zip(parts[1::2], parts[2::2], strict=True)
        if body.strip()
    ]


def _chemical(value: str) -> str:
    """``0 (Bacterial Proteins)`` or ``EC 3.6.1.- (Adenosine Triphosphatases)``: the name in parentheses."""
    start = value.find(" (")
    return value[start + 2 : -1].strip() if start >= 0 and value.endswith(")") else value


def _links(record: dict) -> list[CommentCorrection]:
    """CommentsCorrections from lines like ``RIN - Retraction in: Nature. 2014;511:112. PMID: 24990753``."""
    links = []
    for tag, ref_type in LINK_TAGS.items():
        for value in _values(record, tag):
            found = TRAILING_PMID.search(value)
            source = LINK_LABEL.sub("", value[: found.start()] if found else value).strip()
            links.append(CommentCorrection(ref_type, found.group(1) if found else "", source))
    return links


def _tagged(values: list[str], kind: str) -> str:
    """The value marked ``[kind]`` in AID/LID lines such as ``10.1093/bib/3.3.296 [doi]``."""
    suffix = f"[{kind}]"
    return next((v[: -len(suffix)].strip() for v in values if v.endswith(suffix)), "")


def _date(compact: str) -> str:
    """``20041117`` as ``2004-11-17``."""
    return f"{compact[:4]}-{compact[4:6]}-{compact[6:8]}" if len(compact) >= 8 and compact[:8].isdigit() else ""


def record_article(record: dict) -> Article:
    """An ``Article`` from one ``Bio.Medline`` record."""
    pub_date = _first(record, "DP")
    year = FOUR_DIGITS.search(pub_date) or FOUR_DIGITS.match(_first(record, "DEP"))
    book_title = _first(record, "BTI")
    title = _first(record, "TI")
    return Article(
        pmid=_first(record, "PMID"),
        title=title or book_title,
        abstract=_abstract(_first(record, "AB")),
        authors=_values(record, "AU") + _values(record, "CN"),
        journal=_first(record, "JT") or (book_title if title else _first(record, "PB")),
        journal_abbrev=_first(record, "TA"),
        year=int(year.group()) if year else None,
        pub_date=pub_date,
        volume=_first(record, "VI"),
        issue=_first(record, "IP"),
        pages=_first(record, "PG"),
        doi=_tagged(_values(record, "AID") + _values(record, "LID"), "doi"),
        pmcid=_first(record, "PMC"),
        publication_types=_values(record, "PT"),
        mesh=[_mesh(term) for term in _values(record, "MH")],
        keywords=_values(record, "OT"),
        chemicals=[_chemical(value) for value in _values(record, "RN")],
        language=_first(record, "LA"),
        comments_corrections=_links(record),
        is_book=bool(book_title),
        date_revised=_date(_first(record, "LR")),
    )


def iter_medline_text(source: Source, name: str | None = None) -> Iterator[Article]:
    """Yield the ``Article``s of a MEDLINE text file or binary stream, in file order.

    Raises ``ParseError`` (after yielding the records before the problem) for
    lines that are not MEDLINE fields, for text that is not UTF-8, and for a
    file that holds no PubMed record at all.
    """
    label = source_name(source, name)
    found = 0
    with ExitStack() as stack:
        stream = open_source(source, label, stack)
        for record in Medline.parse(_unfolded(_decoded(stream, label), label)):
            article = record_article(record)
            if article.pmid:
                found += 1
                yield article
    if not found:
        raise ParseError(
            f"{label} holds no PubMed record (no PMID- line); "
            "export citations from PubMed in PubMed (MEDLINE) format and try again."
        )
