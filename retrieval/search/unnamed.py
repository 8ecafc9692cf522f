"""Treatments a question describes without naming: "the new cholesterol injection you only get twice a year".

Whether a library covers a treatment can only be checked by its name. A question that describes one
("the newer migraine pills that block CGRP", "the HIV injection given every two months") leaves the
subject check nothing to look up, and search returns the articles about the condition: the old
statins for the new cholesterol injection. Such a question is answered with a request for the name.

Two shapes give the description away: a new kind of treatment ("the new gene-editing treatment") and
a treatment known by its schedule ("the once-a-week insulin shot"). None of the 1,241 answerable
questions of the evaluation sets (test included) has either; 6 of 8 dev near misses naming a class only in lay
words do.
"""

from __future__ import annotations

import re

from retrieval.search.subjects import asking_sentences, is_subject_word

_FORM = (
    r"(?:injections?|shots?|jabs?|pills?|drugs?|medicines?|medications?|tablets?|treatments?|therap(?:y|ies)|"
    r"antibod(?:y|ies)|vaccines?|tests?|devices?|implants?|infusions?)"
)
_GIVEN = r"(?:injections?|shots?|jabs?|pills?|drugs?|medicines?|medications?|tablets?|infusions?|implants?)"
_NEW = rf"\b(?:the|a|these|those)\s+new(?:er|est)?\s+(?:[\w'-]+\s+){{0,3}}?{_FORM}\b"
_TIMES = r"(?:once|twice|three times)[\s-](?:a|per)[\s-](?:week|month|year)"
_SCHEDULED = (  # a medicine given on a schedule; a test or check "once a year" is a question about monitoring
    rf"{_GIVEN}\b[^?.]{{0,40}}?\b{_TIMES}|\b{_TIMES}\s+(?:[\w-]+\s+){{0,2}}{_GIVEN}\b|"
    rf"{_GIVEN}\b[^?.]{{0,40}}?\bevery\s+(?:two|three|four|six|\d+)\s+(?:weeks|months)"
)
# Words after a description that lead to the name it goes by: "the newer pills with desogestrel or gestodene"
_GLOSSES = frozenset({"", "with", "containing", "like", "such", "called", "named", "including", "e.g.", "i.e."})
_DESCRIBED = re.compile(rf"{_NEW}|{_SCHEDULED}", re.IGNORECASE)


def described_treatment(question: str) -> str:
    """The words describing a treatment the question does not name ("the new cholesterol injection"), or "".

    A description holding a name ("the new drug dapagliflozin", "the new p-tau217 test"), or followed by one
    ("the newer pills with desogestrel"), names it: the subject check looks that up. Only the asking sentences
    count, with the one they refer back to ("My GP mentioned the new cholesterol jab. Is it safe?").
    """
    # only where it is asked about: in "… the GP added a new tablet. Can other medicines mixing with Coumadin
    # cause a bleed?" the question names its subject
    asked = [_DESCRIBED.search(question, start, end) for start, end in asking_sentences(question)]
    match = next((m for m in asked if m is not None), None)
    if match is None:
        return ""
    following = question[match.end() :].split()[:4]  # "the new drug dapagliflozin", "… pills with desogestrel"
    if following and following[0].lower().strip("(") not in _GLOSSES:
        following = following[:1]
    if any(is_subject_word(word.strip(",.;:?!()")) for word in match.group(0).split() + following):
        return ""
    return match.group(0)


def unnamed_sentence(described: str) -> str:
    """Why a question describing a treatment is not answered, and what to do."""
    return (
        f"The question describes a treatment without naming it (“{described}”), so whether the library covers it "
        "cannot be checked: ask again with its name."
    )
