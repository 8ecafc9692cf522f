"""A nuclide is one subject however it is written: Tl-201, 201Tl, (201)Tl, thallium-201."""

from __future__ import annotations

import pytest

from retrieval.library.records import AbstractSection, Article
from retrieval.search.isotopes import nuclide, nuclide_spellings
from retrieval.search.subjects import subject_coverage


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("tc-99m", ("tc", "99m")),
        ("99mtc", ("tc", "99m")),
        ("i-131", ("i", "131")),
        ("131i", ("i", "131")),
        ("thallium-201", ("tl", "201")),
        ("lu177", ("lu", "177")),
        ("99m-tc", ("tc", "99m")),
    ],
)
def test_nuclides_written_any_way_are_read(written: str, expected: tuple[str, str]) -> None:
    assert nuclide(written) == expected


@pytest.mark.parametrize("word", ["ca-125", "b12", "co2", "h3", "il-6", "cd4", "ga-99", "t3"])
def test_markers_vitamins_and_codes_are_no_nuclides(word: str) -> None:
    assert nuclide(word) is None and nuclide_spellings((word, "levels")) == []


def test_every_spelling_keeps_the_other_words() -> None:
    forms = nuclide_spellings(("ga-67", "citrate"))
    assert ("gallium", "67", "citrate") in forms and ("67ga", "citrate") in forms and ("67", "ga", "citrate") in forms


def test_a_question_finds_the_nuclide_as_the_abstract_writes_it_and_only_that_one(library_factory):
    articles = [
        Article(
            pmid="93100001",
            title="Dipyridamole-thallium-201 imaging before vascular surgery",
            year=1990,
            abstract=[AbstractSection("Redistribution predicted cardiac events.")],
        ),
        Article(
            pmid="93100002",
            title="Gadolinium contrast changes the biodistribution of 67Ga",
            year=2002,
            abstract=[AbstractSection("Hepatic uptake of (67)Ga rose after gadopentate.")],
        ),
    ]
    library = library_factory(articles)
    assert subject_coverage(library, "Is a dipyridamole Tl-201 scan reliable before surgery?").missing == []
    assert subject_coverage(library, "Does gadolinium change the Ga-67 biodistribution?").missing == []
    # the library holds gallium-67, never the PET tracer gallium-68
    assert subject_coverage(library, "Does gadolinium change Ga-68 uptake?").missing == ["Ga-68"]
