"""RIS export (Zotero, EndNote, Mendeley) and the reading of PMIDs back out of RIS files.

RIS is one ``TAG  - value`` line per field, records closed by ``ER  -``; a value
cannot span lines, so every field is collapsed to one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from retrieval.exports.fields import (
    labelled_abstract,
    one_line,
    page_range,
    pubmed_url,
    split_author,
)
from retrieval.library.collections import Annotation
from retrieval.library.records import Article

_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_PUBMED_LINK = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})\b", re.I)
_PMID_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)


def render(articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> str:
    annotations = annotations or {}
    return "".join(_record(a, annotations.get(a.pmid, Annotation())) for a in articles)


def _record(article: Article, annotation: Annotation) -> str:
    first, last = page_range(article.pages)
    fields: list[tuple[str, str]] = [("TY", "JOUR"), ("TI", article.title)]
    fields += [("AU", split_author(a).inverted) for a in article.authors]
    fields += [
        ("PY", str(article.year or "")),
        ("DA", article.pub_date),
        ("T2", article.journal),
        ("JO", article.journal_abbrev or article.journal),
        ("VL", article.volume),
        ("IS", article.issue),
        ("SP", first),
        ("EP", last),
        ("DO", article.doi),
        ("AN", article.pmid),
        ("C2", article.pmcid),
        ("LA", article.language),
        ("AB", labelled_abstract(article.abstract)),
    ]
    keywords = [m.descriptor for m in article.mesh] + list(article.keywords) + list(annotation.tags)
    fields += [("KW", k) for k in dict.fromkeys(keywords)]
    fields += [("N1", annotation.note)] if annotation.note else []
    fields += [("UR", pubmed_url(article.pmid)), ("DB", "PubMed")]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in fields if one_line(value)]
    return "\n".join([*lines, "ER  - ", "", ""])


@dataclass
class RisImport:
    """PMIDs found in a RIS file, in file order, and the titles of records that had none."""

    pmids: list[str] = field(default_factory=list)
    records: int = 0
    without_pmid: list[str] = field(default_factory=list)


def pmids_from_ris(text: str) -> RisImport:
    """Find each record's PMID: ``AN`` digits, a PubMed link in ``UR``/``L2``, ``PMID: n`` in any field, else ``ID``.

    ``ID`` comes last because reference managers also use it for their own
    record numbers; a record's first source of a PMID wins.
    """
    result = RisImport()
    record: list[tuple[str, str]] = []
    for raw in text.lstrip("\ufeff").splitlines():
        match = _LINE.match(raw.rstrip())
        if not match:
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "ER":
            _finish(record, result)
            record = []
        else:
            record.append((tag, value))
    if any(tag == "TY" for tag, _ in record):
        _finish(record, result)  # a last record without ER
    result.pmids = list(dict.fromkeys(result.pmids))
    return result


def _finish(record: list[tuple[str, str]], result: RisImport) -> None:
    if not record:
        return
    result.records += 1
    pmid = _record_pmid(record)
    if pmid:
        result.pmids.append(pmid)
    else:
        title = next((v for t, v in record if t in ("TI", "T1") and v), "(untitled record)")
        result.without_pmid.append(title)


def _record_pmid(record: list[tuple[str, str]]) -> str:
    for tag, value in record:
        if tag == "AN" and value.isdigit():
            return value.lstrip("0")
    for _, value in record:
        if match := _PUBMED_LINK.search(value) or _PMID_TEXT.search(value):
            return match.group(1).lstrip("0")
    for tag, value in record:
        if tag == "ID" and value.isdigit():
            return value.lstrip("0")
    return ""
