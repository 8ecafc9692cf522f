"""MEDLINE text reader on Biopython's real PubMed exports and on wrapped, linked and damaged records."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ingest.formats.errors import ParseError
from ingest.formats.medline_text import iter_medline_text
from retrieval.library.records import AbstractSection, CommentCorrection, MeshHeading

MEDLINE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ncbi" / "biopython" / "Medline"

RETRACTED = """\
PMID- 24476826
OWN - NLM
LR  - 20240318
VI  - 505
IP  - 7485
DP  - 2014 Jan 30
TI  - Stimulus-triggered fate conversion of somatic cells into pluripotency.
PG  - 641-7
LID - 10.1038/nature12968 [doi]
AB  - Here we report a unique cellular reprogramming phenomenon, called
      stimulus-triggered acquisition of pluripotency (STAP).
FAU - Obokata, Haruko
AU  - Obokata H
CN  - RIKEN Stem Cell Group
LA  - eng
PT  - Journal Article
PT  - Retracted Publication
TA  - Nature
JT  - Nature
RN  - 0 (Octamer Transcription Factor-3)
RN  - EC 2.7.11.1 (Protein Serine-Threonine Kinases)
MH  - Animals
MH  - Cellular Reprogramming/*drug effects/genetics
MH  - *Pluripotent Stem Cells/cytology
OT  - stimulus-triggered acquisition of pluripotency in adult somatic cells under low
      pH conditions
OT  - STAP
RIN - Retraction in: Obokata H, Sasai Y, Niwa H, Kadota M, Andrabi M, Takata N,
      Tokoro M, Terashita Y, Yonemura S, Vacanti CA, Wakayama T. Nature. 2014 Jul
      3;511(7507):112. PMID: 24990753
EIN - Nature. 2014 Jul 3;511(7507):112. PMID: 24990753
CIN - Nature. 2014 Jan 30;505(7485):596-7. PMID: 24476818
PMC - PMC4156122
"""


def test_biopython_export_with_structured_abstract() -> None:
    (article,) = iter_medline_text(MEDLINE / "pubmed_result3.txt")
    assert article.pmid == "23039619"
    assert article.title == "Effects of different parameters in the fast scanning method for HIFU treatment."
    assert [s.label for s in article.abstract] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert article.abstract[0].text.startswith("High-intensity focused ultrasound is a promising method")
    assert (article.journal, article.journal_abbrev, article.year, article.pub_date) == (
        "Medical physics",
        "Med Phys",
        2012,
        "2012 Oct",
    )
    assert (article.volume, article.issue, article.pages, article.doi) == ("39", "10", "5795-813", "10.1118/1.4748329")
    assert article.authors == ["Qiao S", "Shen G", "Bai J", "Chen Y"]
    assert (
        MeshHeading(
            "High-Intensity Focused Ultrasound Ablation", True, ("adverse effects", "instrumentation", "methods")
        )
        in article.mesh
    )


def test_several_records_with_ids_dates_and_chemicals() -> None:
    articles = list(iter_medline_text(MEDLINE / "pubmed_result2.txt"))
    assert [a.pmid for a in articles] == ["16403221", "16377612", "14871861", "14630660"]
    scop = articles[0]
    assert (scop.pmcid, scop.doi, scop.year, scop.language) == ("PMC1373603", "10.1186/1471-2105-7-10", 2006, "eng")
    assert scop.publication_types == ["Evaluation Studies", "Journal Article"]
    assert "The ASTRAL compendium provides" in scop.abstract[0].text  # wrapped lines joined, no double space
    assert MeshHeading("Information Storage and Retrieval", True, ("methods",)) in scop.mesh
    assert MeshHeading("Programming Languages", False) in scop.mesh
    assert articles[1].date_revised == "2006-11-15"
    assert articles[3].chemicals == ["Macromolecular Substances"]
    assert articles[3].abstract == [AbstractSection(articles[3].abstract_text)]  # unstructured: one section


def test_single_record_file_and_revision_date() -> None:
    (article,) = iter_medline_text(MEDLINE / "pubmed_result1.txt")
    assert (article.pmid, article.title, article.date_revised) == (
        "12230038",
        "The Bio* toolkits--a brief overview.",
        "2004-11-17",
    )
    assert [m.descriptor for m in article.mesh if m.major] == [
        "Computational Biology",
        "Programming Languages",
        "Software",
    ]


def test_links_keywords_and_collective_authors_from_wrapped_lines() -> None:
    (article,) = iter_medline_text(io.BytesIO(RETRACTED.encode()), "retracted.nbib")
    assert article.is_retracted
    assert article.retractions == [
        CommentCorrection(
            "RetractionIn",
            "24990753",
            "Obokata H, Sasai Y, Niwa H, Kadota M, Andrabi M, Takata N, Tokoro M, Terashita Y, Yonemura S, "
            "Vacanti CA, Wakayama T. Nature. 2014 Jul 3;511(7507):112.",
        )
    ]
    assert article.errata == [CommentCorrection("ErratumIn", "24990753", "Nature. 2014 Jul 3;511(7507):112.")]
    assert (
        CommentCorrection("CommentIn", "24476818", "Nature. 2014 Jan 30;505(7485):596-7.")
        in article.comments_corrections
    )
    assert article.keywords == [
        "stimulus-triggered acquisition of pluripotency in adult somatic cells under low pH conditions",
        "STAP",
    ]
    assert article.authors == ["Obokata H", "RIKEN Stem Cell Group"]
    assert article.chemicals == ["Octamer Transcription Factor-3", "Protein Serine-Threonine Kinases"]
    assert MeshHeading("Cellular Reprogramming", True, ("drug effects", "genetics")) in article.mesh
    assert (article.doi, article.pmcid, article.date_revised) == ("10.1038/nature12968", "PMC4156122", "2024-03-18")
    assert article.abstract_text.endswith("stimulus-triggered acquisition of pluripotency (STAP).")


def test_windows_line_ends_bom_and_records_without_blank_line() -> None:
    text = "\ufeffPMID- 1\r\nTI  - First\r\nPMID- 2\r\nTI  - Second\r\n"
    assert [(a.pmid, a.title) for a in iter_medline_text(io.BytesIO(text.encode()), "x.txt")] == [
        ("1", "First"),
        ("2", "Second"),
    ]


def test_line_that_is_not_a_field_stops_after_the_records_before_it() -> None:
    text = "PMID- 1\nTI  - Kept\n\nPMID- 2\nthis is not medline\n"
    seen = []
    with pytest.raises(ParseError, match=r"^notes\.txt line 5 is not a MEDLINE field"):
        seen.extend(iter_medline_text(io.BytesIO(text.encode()), "notes.txt"))
    assert [a.pmid for a in seen] == ["1"]


def test_non_utf8_bytes_name_the_line() -> None:
    data = b"PMID- 1\nTI  - Kept\n\nPMID- 2\nTI  - Caf" + b"\xe9\n"
    seen = []
    with pytest.raises(ParseError, match=r"^latin\.txt line 5 is not UTF-8 text"):
        seen.extend(iter_medline_text(io.BytesIO(data), "latin.txt"))
    assert [a.pmid for a in seen] == ["1"]


def test_file_without_records_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^refs\.txt holds no PubMed record"):
        list(iter_medline_text(io.BytesIO(b"TY  - JOUR\nTI  - A RIS record\nER  - \n"), "refs.txt"))
