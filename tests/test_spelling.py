"""British and American spellings find each other: the subject check and the answer's articles see both."""

from __future__ import annotations

from retrieval.library.records import AbstractSection, Article
from retrieval.search.spelling import other_spellings
from retrieval.search.subjects import subject_coverage


def test_british_and_american_forms_of_medical_words():
    assert other_spellings(("haemolytic", "anaemia")) == [("hemolytic", "anemia")]
    assert other_spellings(("hemolytic", "anemia")) == [("haemolytic", "anaemia")]
    assert other_spellings(("oesophageal",)) == [("esophageal",)]
    assert other_spellings(("leukemia",)) == [("leukaemia",)]
    assert other_spellings(("tumour",)) == [("tumor",)] and other_spellings(("tumor",)) == [("tumour",)]
    assert other_spellings(("doctor",)) == [] and other_spellings(("ribavirin",)) == []


def test_our_spellings_with_an_ending_find_each_other():
    assert other_spellings(("cognitive", "behavioural", "therapy")) == [("cognitive", "behavioral", "therapy")]
    assert other_spellings(("behavioral",)) == [("behavioural",)]
    assert other_spellings(("favourable",)) == [("favorable",)] and other_spellings(("colouring",)) == [("coloring",)]
    assert other_spellings(("hours",)) == [] and other_spellings(("vigorous",)) == []


def test_international_drug_name_spellings_find_each_other():
    assert other_spellings(("interferon", "alfa-2b")) == [("interferon", "alpha-2b")]
    assert other_spellings(("dornase", "alpha")) == [("dornase", "alfa")]
    assert other_spellings(("sulphasalazine",)) == [("sulfasalazine",)]
    assert other_spellings(("ferrous", "sulfate")) == [("ferrous", "sulphate")]
    assert other_spellings(("alfalfa",)) == []  # a word that only starts with the letters


def test_the_british_dependant_finds_dependent():
    assert other_spellings(("insulin", "dependant")) == [("insulin", "dependent")]
    assert other_spellings(("independance",)) == [("independence",)]
    assert other_spellings(("pendant",)) == []


def test_a_question_spelt_one_way_finds_articles_spelt_the_other(library_factory):
    british = Article(
        pmid="93000001",
        title="Haemolytic anaemia after aortic surgery",
        year=2014,
        abstract=[AbstractSection("Haemolysis resolved after stent grafting.")],
    )
    library = library_factory([british])
    coverage = subject_coverage(library, "Can a graft cause hemolytic anemia?")
    assert coverage.missing == [] and coverage.together == ["93000001"]


def test_ise_and_ize_spellings_find_each_other():
    assert other_spellings(("precurarisation",)) == [("precurarization",)]
    assert other_spellings(("randomized",)) == [("randomised",)]
    assert other_spellings(("raised",)) == []  # too short a stem to be an -ise verb
