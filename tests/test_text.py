"""What a sentence is: the unit that answers quote and chunks never cut."""

from retrieval.text import split_sentences


def test_sentences_end_at_periods_but_not_after_abbreviations_or_initials() -> None:
    text = "Smith et al. studied 40 patients, e.g. adults. Dose was 2.5 mg. J. Doe agreed."
    assert split_sentences(text) == [
        "Smith et al. studied 40 patients, e.g. adults.",
        "Dose was 2.5 mg.",
        "J. Doe agreed.",
    ]


def test_a_decimal_printed_with_a_space_inside_parentheses_does_not_end_the_sentence() -> None:
    text = "CDCA reduced serum cholestanol (67. 3%) in all patients. Pravastatin did less (30. 4%)."
    assert split_sentences(text) == [
        "CDCA reduced serum cholestanol (67. 3%) in all patients.",
        "Pravastatin did less (30. 4%).",
    ]


def test_a_parenthesis_left_open_long_before_does_not_swallow_the_rest() -> None:
    text = "Patients (n = 40 were enrolled in the trial and followed for two full years. Mortality fell. Costs rose."
    assert split_sentences(text)[1:] == ["Mortality fell.", "Costs rose."]
