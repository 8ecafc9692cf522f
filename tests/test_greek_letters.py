"""A Greek-lettered gene or protein is one subject however it is typed: PDGFRA, PDGFRα, PDGFR-alpha."""

from __future__ import annotations

from retrieval.library.records import AbstractSection, Article
from retrieval.search.greek_letters import greek_spellings
from retrieval.search.subjects import subject_coverage


def _symbol(word: str) -> bool:
    return word in {"pdgfra", "pparg"}


def test_a_letter_spelt_out_or_typed_as_its_latin_letter_is_written_greek() -> None:
    assert ("tnf", "α") in greek_spellings(("tnf-alpha",), _symbol)
    assert ("tgfβ",) in greek_spellings(("tgf-beta",), _symbol)
    assert ("pdgfrα", "mutation") in greek_spellings(("pdgfra", "mutation"), _symbol)
    assert ("pparγ",) in greek_spellings(("pparg",), _symbol)
    assert ("il", "6", "alpha") not in greek_spellings(("il-6",), _symbol)


def test_a_word_that_only_ends_in_the_letter_is_left_alone() -> None:
    assert greek_spellings(("edema",), _symbol) == [] and greek_spellings(("vegfa",), _symbol) == []


def test_a_question_typing_the_symbol_finds_the_abstract_writing_the_letter(library_factory):
    gist = Article(
        pmid="93200001",
        title="Transporter polymorphisms and imatinib in GIST",
        year=2012,
        abstract=[AbstractSection("Progression was independent of KIT/PDGFRα mutation status.")],
    )
    library = library_factory([gist])
    assert subject_coverage(library, "Does PDGFRA mutation status predict progression on imatinib?").missing == []
    assert subject_coverage(library, "Does PDGFRB mutation status predict progression on imatinib?").missing == [
        "PDGFRB mutation"
    ]
