"""A treatment described without its name is asked for by name, not answered from its neighbours."""

from __future__ import annotations

import pytest

from retrieval.answers.ask import ask
from retrieval.library import Library
from retrieval.search.unnamed import described_treatment


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("Is the new cholesterol injection you only get twice a year worth it?", "the new cholesterol injection"),
        ("Is the once-a-week insulin shot as good as daily insulin?", "once-a-week insulin shot"),
        ("Is the HIV injection given every two months as good as pills?", "injection given every two months"),
        ("Do statins lower cholesterol in the elderly?", ""),
        ("Is a new approach to asthma care cheaper?", ""),
        ("Do patients need a blood test once a year on lithium?", ""),
        ("The GP added a new tablet. Can other medicines mixing with warfarin cause a bleed?", ""),  # not asked about
        ("My GP mentioned the new cholesterol jab. Is it safe?", "the new cholesterol jab"),  # asked about as "it"
    ],
)
def test_a_treatment_described_by_novelty_or_schedule_is_found(question: str, described: str):
    assert described_treatment(question) == described


def test_a_described_treatment_is_asked_for_by_name(fixture_library: Library):
    answer = ask(fixture_library, "Is the new cholesterol injection you only get twice a year better than a statin?")
    assert answer.abstained and answer.cited_pmids == []
    assert answer.answer.startswith("The question describes a treatment without naming it (“the new cholesterol")


def test_a_description_holding_a_name_names_it():
    assert described_treatment("Is the new drug dapagliflozin safe in kidney disease?") == ""


def test_a_description_followed_by_the_names_it_goes_by_names_it():
    question = "Do the newer birth control pills with desogestrel or gestodene raise the risk of a heart attack?"
    assert described_treatment(question) == ""
    assert described_treatment("Do the newer birth control pills with fewer side effects work?") != ""
