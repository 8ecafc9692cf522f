"""Abbreviations an abstract defines, "long form (SHORT)", and what they say about its mentions.

The annotated corpora tag a short form wherever its long form is an entity, with the long form's
type, and leave it untagged where the long form is none ("deep brain stimulation (DBS)"). The
pipeline knows neither rule: it tags "AF" as a chemical in one abstract and misses "NTG" in the
next. Long forms are found as Schwartz and Hearst do (A simple algorithm for identifying
abbreviation definitions in biomedical text, 2003): the shortest run of preceding words whose
letters hold the short form's letters in order, the first at the start of a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from retrieval.library.entities.spans import Triple, merge, occurrences

# "(SHORT)" or "(SHORT;" / "(SHORT," : one token of at most 12 characters in brackets
_BRACKETED = re.compile(r"\(\s*([^()\s;,]{1,12})\s*[);,]")
_WORD = re.compile(r"\S+")
_LOOK_BACK = 200  # characters before the bracket a long form may take


def definitions(text: str) -> Iterator[tuple[str, int, int]]:
    """(short form, start, end of its long form) of each "long form (SHORT)" in ``text``."""
    for m in _BRACKETED.finditer(text):
        short = m.group(1)
        if not short[0].isalnum() or not any(c.isalpha() for c in short):
            continue
        end = len(text[: m.start()].rstrip())
        words = [w.start() for w in _WORD.finditer(text, max(0, end - _LOOK_BACK), end)]
        for start in reversed(words[-min(len(short) + 5, 2 * len(short)) :]):
            long = text[start:end]
            if len(long) > len(short) and long[0].lower() == short[0].lower() and _letters_in_order(short, long):
                yield short, start, end
                break


def _letters_in_order(short: str, long: str) -> bool:
    """Each letter or digit of ``short`` in ``long``, in order, from the end; the first at a word's start."""
    short, long = short.lower(), long.lower()
    j = len(long) - 1
    for i in range(len(short) - 1, -1, -1):
        c = short[i]
        if not c.isalnum():
            continue
        while j >= 0 and (long[j] != c or (i == 0 and j > 0 and long[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return True


def apply(doc: Doc, spans: list[Triple]) -> list[Triple]:
    """``spans`` of ``doc`` with its abbreviations resolved: a short form whose long form ends an
    entity span takes that entity's type wherever it occurs (and is added where it was missed); a
    short form defined by a long form that is no entity is dropped."""
    text = doc.text  # spaCy joins the tokens again at each ``doc.text``
    ending = {}
    for start, end, kind in spans:
        ending.setdefault(end, []).append((start, kind))
    typed: dict[str, str] = {}
    untyped: set[str] = set()
    short_spans = {}
    for short, start, end in definitions(text):
        entities = [(s, k) for s, k in ending.get(end, []) if s >= start]
        if entities:
            typed[short] = min(entities)[1]  # the longest entity ending there
            bracket = text.find(short, end)
            span = doc.char_span(bracket, bracket + len(short), label=typed[short])
            if span is not None:
                short_spans[short] = span
        else:
            untyped.add(short)
    if not typed and not untyped:
        return spans
    kept = [(s, e, typed.get(text[s:e], k)) for s, e, k in spans if text[s:e] in typed or text[s:e] not in untyped]
    return merge(kept, occurrences(doc, short_spans.values(), attr="ORTH"), longest=True)
