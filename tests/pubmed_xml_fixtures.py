"""Write small PubMed XML files for tests (the shape of NLM baseline files, built in code)."""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
    ' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
TOPICS = ["asthma", "statins", "malaria", "migraine", "sepsis", "glaucoma", "anaemia", "psoriasis"]


def article_xml(pmid: str, title: str, abstract: str, year: int = 2020) -> str:
    return (
        '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID><DateRevised><Year>{year + 1}</Year><Month>01</Month><Day>01</Day>'
        '</DateRevised><Article PubModel="Print"><Journal><Title>Journal of Tests</Title>'
        f"<JournalIssue><PubDate><Year>{year}</Year></PubDate></JournalIssue></Journal>"
        f"<ArticleTitle>{escape(title)}</ArticleTitle><Abstract><AbstractText>{escape(abstract)}</AbstractText>"
        "</Abstract><Language>eng</Language><PublicationTypeList><PublicationType>Journal Article"
        "</PublicationType></PublicationTypeList></Article></MedlineCitation>"
        f'<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        "</PubmedArticle>\n"
    )


def synthetic_articles(count: int, first_pmid: int = 30_000_000) -> list[tuple[str, str, str]]:
    """``count`` distinct short (pmid, title, abstract) records across a few topics."""
    records = []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        pmid = str(first_pmid + i)
        title = f"Study {i} of {topic} outcomes in adults"
        abstract = f"We followed {100 + i} adults with {topic}. Outcome {i} improved in the treated group."
        records.append((pmid, title, abstract))
    return records


def write_pubmed_xml(path: Path, records: list[tuple[str, str, str]], deletions: list[str] = ()) -> Path:
    """A PubmedArticleSet file (gzip when the name ends in .gz) with an optional DeleteCitation block."""
    body = HEADER + "".join(article_xml(*r) for r in records)
    if deletions:
        body += "<DeleteCitation>" + "".join(f'<PMID Version="1">{p}</PMID>' for p in deletions) + "</DeleteCitation>"
    body += "</PubmedArticleSet>\n"
    data = body.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path
