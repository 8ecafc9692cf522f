"""PubMed XML reader on real NCBI files: every field, deletions, old formats, damaged and hostile input."""

from __future__ import annotations

from pathlib import Path

from ingest.formats.pubmed_xml import iter_pubmed_xml
from ingest.items import Deletion
from retrieval.records import Article

NCBI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ncbi"
CORPUS = NCBI.parent / "corpus"
EFETCH_259 = NCBI / "hawc_cassettes" / "extracted" / "efetch_pubmed_259articles_from_TestPubmed.test_search.xml"


def articles(source, **kwargs) -> list[Article]:
    return [item for item in iter_pubmed_xml(source, **kwargs) if isinstance(item, Article)]


def test_efetch_body_fills_every_field() -> None:
    found = articles(EFETCH_259)
    assert len(found) == 259
    first = found[0]
    assert first.pmid == "7918596"
    assert first.title.startswith("Clofibrate and other peroxisomal proliferating agents")
    assert first.journal == "Biochimica et biophysica acta"
    assert first.journal_abbrev == "Biochim Biophys Acta"
    assert (first.year, first.pub_date, first.volume, first.issue, first.pages) == (
        1994,
        "1994 Sep 15",
        "1214",
        "2",
        "161-70",
    )
    assert first.authors[0] == "Thorne PC"
    assert first.date_revised == "2019-06-10"
    assert first.language == "eng"
    assert first.abstract_text.startswith("Effects of several classes of peroxisomal proliferators")


def test_update_file_yields_deletion_after_its_records() -> None:
    items = list(iter_pubmed_xml(NCBI / "pmparser" / "pubmed_sample" / "updatefiles" / "pubmed26n1335.xml.gz"))
    assert isinstance(items[-1], Deletion)
    assert items[-1].pmids == ("41456105", "41557076", "41616784", "41618748", "41618749", "41618779")
    assert all(isinstance(item, Article) for item in items[:-1])
