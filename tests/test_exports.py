"""Citation exports read back with the parsers reference managers and Biopython use."""

from __future__ import annotations

import csv
import io

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from Bio import Medline

from retrieval.exports import FORMATS, Annotation
from retrieval.exports.fields import page_range, split_author
from retrieval.exports.pmid_list import parse_pmids
from retrieval.exports.ris import pmids_from_ris
from retrieval.library.records import AbstractSection, Article, MeshHeading

TRICKY_TITLE = "Effect of 50% {IL-6} & TNF_alpha on $cost #1 ~ ^peak \\ in Zürich: a <b>trial</b>"
LONG_RESULTS = " ".join(
    f"Outcome {i} improved by {i}% (95% CI {i - 1} to {i + 1}; p<0.05) in the cohort." for i in range(30)
)


def sample() -> list[Article]:
    rich = Article(
        pmid="31452104",
        title=TRICKY_TITLE,
        abstract=[
            AbstractSection("Why we looked at {braces} & more.", "BACKGROUND", "BACKGROUND"),
            AbstractSection(LONG_RESULTS, "RESULTS", "RESULTS"),
        ],
        authors=["Müller, Jörg", "Ødegård, Åse K", "O'Brien, Seán", "Smith JA", "COVID-19 Genomics Consortium"],
        journal="Revista española de cardiología (English ed.)",
        journal_abbrev="Rev Esp Cardiol",
        year=2019,
        pub_date="2019 Aug 23",
        volume="72",
        issue="9",
        pages="1234-45",
        doi="10.1016/j.rec_2019.05.012",
        pmcid="PMC6712345",
        publication_types=["Journal Article", "Randomized Controlled Trial"],
        mesh=[MeshHeading("Heart Failure", major=True, qualifiers=("drug therapy",)), MeshHeading("Humans")],
        keywords=["β-blockers"],
        language="spa",
    )
    bare = Article(pmid="9", title="A record with almost nothing")
    return [rich, bare]


ANNOTATIONS = {"31452104": Annotation("Key trial; check dosing", ("to read", "cardiology"))}


def test_ris_round_trips_through_rispy():
    text = FORMATS["ris"].render(sample(), ANNOTATIONS)
    rich, bare = rispy.loads(text)
    assert rich["type_of_reference"] == "JOUR"
    assert rich["title"] == TRICKY_TITLE
    assert rich["authors"] == [
        "Müller, Jörg",
        "Ødegård, Åse K",
        "O'Brien, Seán",
        "Smith, JA",
        "COVID-19 Genomics Consortium",
    ]
    assert rich["year"] == "2019"
    assert rich["secondary_title"] == "Revista española de cardiología (English ed.)"
    assert rich["journal_name"] == "Rev Esp Cardiol"
    assert (rich["volume"], rich["number"], rich["start_page"], rich["end_page"]) == ("72", "9", "1234", "1245")
    assert rich["doi"] == "10.1016/j.rec_2019.05.012"
    assert rich["accession_number"] == "31452104"
    assert rich["abstract"].startswith("BACKGROUND: Why we looked at {braces} & more. RESULTS: Outcome 0")
    assert {"Heart Failure", "β-blockers", "to read", "cardiology"} <= set(rich["keywords"])
    assert rich["notes"] == ["Key trial; check dosing"]
    assert rich["urls"] == ["https://pubmed.ncbi.nlm.nih.gov/31452104/"]
    assert bare["accession_number"] == "9" and "authors" not in bare and "start_page" not in bare


def test_bibtex_round_trips_through_bibtexparser_with_latex_decoding():
    text = FORMATS["bibtex"].render(sample(), ANNOTATIONS)
    raw = bibtexparser.parse_string(text)
    assert not raw.failed_blocks
    assert [e.key for e in raw.entries] == ["pmid31452104", "pmid9"]
    decoded = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    names = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    fields = decoded.entries[0].fields_dict
    # pylatexenc decodes \textasciicircum to the modifier letter; LaTeX itself prints "^".
    assert fields["title"].value.replace("\u02c6", "^") == TRICKY_TITLE
    authors = names.entries[0].fields_dict["author"].value
    assert [(a.last, a.first) for a in authors[:4]] == [
        (["Müller"], ["Jörg"]),
        (["Ødegård"], ["Åse", "K"]),
        (["O'Brien"], ["Seán"]),
        (["Smith"], ["J.", "A."]),
    ]
    assert authors[4].last == ["{COVID-19 Genomics Consortium}"]  # a group is one name, not split
    assert fields["journal"].value == "Revista española de cardiología (English ed.)"
    assert fields["pages"].value == "1234–1245"  # LaTeX -- decodes to an en dash
    assert raw.entries[0].fields_dict["doi"].value == "10.1016/j.rec_2019.05.012"
    assert fields["pmid"].value == "31452104"
    assert fields["note"].value == "Key trial; check dosing"
    assert "Why we looked at {braces} & more." in fields["abstract"].value


def test_csv_round_trips_through_the_csv_module():
    fmt = FORMATS["csv"]
    data = fmt.to_bytes(sample(), ANNOTATIONS)
    assert data.startswith(b"\xef\xbb\xbf")  # byte-order mark: Excel reads the UTF-8 names right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2
    row = rows[0]
    assert row["PMID"] == "31452104"
    assert row["Title"] == TRICKY_TITLE
    assert row["Authors"].split("; ")[:2] == ["Müller, Jörg", "Ødegård, Åse K"]
    assert row["MeSH terms"] == "*Heart Failure; Humans"
    assert (row["Note"], row["Tags"]) == ("Key trial; check dosing", "to read; cardiology")
    assert row["Abstract"].endswith(LONG_RESULTS)
    assert rows[1]["Title"] == "A record with almost nothing" and rows[1]["Authors"] == ""


def test_csv_defuses_spreadsheet_formulas():
    article = Article(pmid="5", title='=HYPERLINK("http://example.org","click")')
    row = next(csv.DictReader(io.StringIO(FORMATS["csv"].render([article]))))
    assert row["Title"].startswith("'=")


def test_nbib_round_trips_through_bio_medline():
    text = FORMATS["nbib"].render(sample(), ANNOTATIONS)
    lines = text.splitlines()
    assert all(len(line) <= 88 for line in lines if line.startswith(("AB  - ", "      ")))
    assert any(line.startswith("      ") for line in lines)  # the long abstract wraps onto continuation lines
    assert all(line == "" or line[4:6] == "- " or line.startswith("      ") for line in lines)
    rich, bare = Medline.parse(io.StringIO(text))
    assert rich["PMID"] == "31452104"
    assert rich["TI"] == TRICKY_TITLE
    assert rich["AB"] == f"BACKGROUND: Why we looked at {{braces}} & more. RESULTS: {LONG_RESULTS}"
    assert rich["FAU"] == ["Müller, Jörg", "Ødegård, Åse K", "O'Brien, Seán", "Smith, JA"]
    assert rich["AU"] == ["Müller J", "Ødegård ÅK", "O'Brien S", "Smith JA"]
    assert rich["CN"] == ["COVID-19 Genomics Consortium"]
    assert (rich["JT"], rich["TA"]) == ("Revista española de cardiología (English ed.)", "Rev Esp Cardiol")
    assert (rich["DP"], rich["VI"], rich["IP"], rich["PG"]) == ("2019 Aug 23", "72", "9", "1234-45")
    assert rich["LID"] == "10.1016/j.rec_2019.05.012 [doi]"
    assert rich["PT"] == ["Journal Article", "Randomized Controlled Trial"]
    assert rich["MH"] == ["*Heart Failure/drug therapy", "Humans"]
    assert rich["PMC"] == "PMC6712345"
    assert bare["PMID"] == "9" and "AU" not in bare


def test_ris_import_finds_pmids_in_every_place_reference_managers_put_them():
    text = "\ufeff" + "\n".join(
        [
            "TY  - JOUR", "TI  - From AN", "AN  - 31452104", "ER  - ",
            "TY  - JOUR", "TI  - From a link", "UR  - https://pubmed.ncbi.nlm.nih.gov/12345678/", "ER  - ",
            "TY  - JOUR", "TI  - Old link", "UR  - http://www.ncbi.nlm.nih.gov/pubmed/2222", "ER  - ",
            "TY  - JOUR", "TI  - In a note", "N1  - PMID: 777888; PMCID: PMC1", "ER  - ",
            "TY  - JOUR", "TI  - In ID", "ID  - 55555", "ER  - ",
            "TY  - BOOK", "TI  - No PMID here", "AN  - WOS:000123", "ER  - ",
            "TY  - JOUR", "TI  - Duplicate", "AN  - 31452104", "ER  - ",
            "TY  - JOUR", "TI  - Last record without ER", "AN  - 4444",
        ]
    )  # fmt: skip
    found = pmids_from_ris(text)
    assert found.pmids == ["31452104", "12345678", "2222", "777888", "55555", "4444"]
    assert found.records == 8
    assert found.without_pmid == ["No PMID here"]


def test_ris_export_reads_back_through_ris_import():
    text = FORMATS["ris"].render(sample())
    assert pmids_from_ris(text).pmids == ["31452104", "9"]


def test_pmid_list_parsing_accepts_what_people_paste():
    text = "31452104\n12345678, 2222; PMID: 777888\nhttps://pubmed.ncbi.nlm.nih.gov/55555/\n31452104\n10.1000/123 v2.5"
    assert parse_pmids(text) == ["31452104", "12345678", "2222", "777888", "55555"]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("1234-45", ("1234", "1245")), ("12-5, 20", ("12", "15")), ("e0123", ("e0123", "")), ("S1-S9", ("S1", "S9"))],
)
def test_medline_page_ranges_are_expanded(pages, expected):
    assert page_range(pages) == expected


def test_author_name_forms():
    assert split_author("Casbon, James A").initials == "JA"
    assert split_author("Saqi MA").family == "Saqi" and split_author("Saqi MA").initials == "MA"
    assert split_author("van der Berg, Jan-Willem").medline == "van der Berg JW"
    assert split_author("Writing Group for the Trial").collective
