"""The fake server's PubMed: every record found in the real efetch bodies recorded from NCBI.

Sources (read-only, in ../shared/data/ncbi): the 259-article efetch body
extracted from the HAWC cassettes, the efetch responses inside the recorded
YAML sessions (HAWC and biocommons/eutils: books, chapters, collective
authors, UTF-8) and Biopython's ``pubmed*.xml`` test files. Each record is
served byte for byte as NCBI sent it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from lxml import etree

NCBI_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ncbi"
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=True)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class FakeRecord:
    pmid: str
    xml: bytes  # the element as NCBI sent it, UTF-8
    pub_date: date  # what datetype=pdat filters on
    words: frozenset[str]  # lower-case words of title and abstract, for term matching


def recorded_efetch_bodies() -> list[bytes]:
    """Every recorded efetch body that is a PubmedArticleSet."""
    bodies = [p.read_bytes() for p in sorted((NCBI_DATA / "hawc_cassettes" / "extracted").glob("efetch_*.xml"))]
    bodies += [p.read_bytes() for p in sorted((NCBI_DATA / "biopython" / "Entrez").glob("pubmed*.xml"))]
    cassettes = sorted((NCBI_DATA / "hawc_cassettes").glob("*.yaml"))
    cassettes += sorted((NCBI_DATA / "biocommons_eutils" / "cassettes").glob("*.yaml"))
    for cassette in cassettes:
        session = yaml.load(cassette.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for interaction in session["interactions"]:
            body = interaction["response"]["body"].get("string")
            if (
                "efetch" in interaction["request"]["uri"]
                and isinstance(body, str)
                and "<PubmedArticleSet" in body[:800]
            ):
                bodies.append(body.encode("utf-8"))
    return bodies


def _pub_date(record: etree._Element) -> date:
    node = record.find("MedlineCitation/Article/Journal/JournalIssue/PubDate")
    if node is None:
        node = record.find("BookDocument/Book/PubDate")
    text = " ".join(node.itertext()) if node is not None else ""
    year = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", text)
    if not year:
        return date(1900, 1, 1)
    month_text = (node.findtext("Month") or "").strip().lower() or " ".join(text.split()[1:2]).lower()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text[:3], 1)
    day_text = (node.findtext("Day") or "").strip()
    day = int(day_text) if day_text.isdigit() else 1
    year_number, month = int(year.group(1)), min(max(month, 1), 12)
    return date(year_number, month, min(max(day, 1), calendar.monthrange(year_number, month)[1]))


def _words(record: etree._Element) -> frozenset[str]:
    parts = [" ".join(e.itertext()) for tag in ("ArticleTitle", "BookTitle", "AbstractText") for e in record.iter(tag)]
    return frozenset(_WORD.findall(" ".join(parts).lower()))


@cache
def fake_records() -> dict[str, FakeRecord]:
    """The record set by PMID (a PMID recorded twice keeps its first copy)."""
    records: dict[str, FakeRecord] = {}
    for body in recorded_efetch_bodies():
        for element in etree.fromstring(body, _PARSER):
            if element.tag not in RECORD_TAGS:
                continue
            pmid = (element.findtext("MedlineCitation/PMID") or element.findtext("BookDocument/PMID") or "").strip()
            if pmid and pmid not in records:
                xml = etree.tostring(element, encoding="unicode", with_tail=False).encode("utf-8")
                records[pmid] = FakeRecord(pmid, xml, _pub_date(element), _words(element))
    return records
