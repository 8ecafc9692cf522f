"""One definition of words, stop words, stems and sentences for all of MedLit.

Search weighs a question's words, abstention asks how many of them the best
articles use, extractive answers prefer sentences holding them, verification
asks how many of a written sentence's words its cited abstract uses, and
summaries name themes by them. All of these must agree on what a word is, so
they all read it from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A word: letters and digits, joined by inner hyphens or apostrophes (IL-6, COVID-19, Crohn's).
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

_STOP_WORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not of off on once only or other our out
    over own same she should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    whether there's what's vs versus among within without use used using"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

# A crude, fast stem that needs no language data: a shared 5-letter prefix is the same word
# ("reduced", "reduces", "reduction" -> "reduc"; "trial", "trials" -> "trial").
STEM_CHARS = 5


def words(text: str) -> list[str]:
    """Every word of ``text``, lower-cased, in order."""
    return _WORD.findall(text.lower())


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word of ``text``, in order (the words as written, case kept)."""
    return [match.span() for match in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    """The words that carry content: no stop words, no single letters, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word not in STOP_WORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def stem(word: str) -> str:
    return word[:STEM_CHARS]


def stems(text_or_words: str | Iterable[str]) -> set[str]:
    """Stems of the content words of a text (or of already split words)."""
    found = content_words(text_or_words) if isinstance(text_or_words, str) else text_or_words
    return {stem(w) for w in found}


def coverage(part: set[str], whole: set[str] | frozenset[str], empty: float = 0.0) -> float:
    """Share of the stems in ``part`` that ``whole`` holds (``empty`` when ``part`` has none)."""
    return len(part & whole) / len(part) if part else empty


def term_overlap(terms: list[str], text: str) -> float:
    """Share of ``terms`` (content words) whose stem occurs in ``text``."""
    return coverage(stems(terms), stems(text))


# --------------------------------------------------------------------------- sentences
# Abbreviations after which a period does not end a sentence.
_ABBREVIATION_TEXT = """e.g i.e al vs fig figs approx ca dr mr mrs ms no nos vol resp ref refs cf sp spp st inc ltd co
    jr sr etc viz"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_ABBREVIATION_STOP = re.compile(
    r"\b(" + "|".join(re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\.", re.IGNORECASE
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")


PARENTHESIS_REACH = 60  # characters: a parenthesis opened this close before a period keeps the sentence going


# What a publisher appends to an abstract: "Copyright © 2013 John Wiley & Sons, Ltd.", "All rights reserved.",
# and the journal's own citation "Geriatr Gerontol Int 2016; 16: 1138-1144."
_PUBLISHER_LINE = re.compile(
    r"^(?:[A-Z][A-Za-z.]*\s){1,6}\d{4};\s?\d+(?:\(\d+\))?:\s?\d+|^(?:©|\(c\)\s|copyright\b)|all rights reserved",
    re.IGNORECASE,
)


def is_publisher_line(sentence: str) -> bool:
    """Whether an abstract's sentence is a publisher's notice or citation, not something the authors found:
    read as a finding, "Geriatr Gerontol Int 2016; 16: 1138-1144." decided a verdict."""
    return bool(_PUBLISHER_LINE.search(sentence))


def _inside_parentheses(candidate: str) -> bool:
    """Whether a period ends ``candidate`` inside a parenthesis opened shortly before it and not yet closed.

    Only a recent one counts: a parenthesis left open by a typing slip must not swallow the rest of an abstract.
    """
    opened = candidate.rfind("(")
    return opened > candidate.rfind(")") and len(candidate) - opened <= PARENTHESIS_REACH


def without_abbreviation_stops(text: str) -> str:
    """``text`` with the full stop after each known abbreviation dropped ("(e.g. CYP2D6*4)": "(e.g CYP2D6*4)"), so
    that a pattern looking for where a sentence ends finds none there."""
    return _ABBREVIATION_STOP.sub(r"\1", text)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, respecting common abbreviations, initials and decimals."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        if _inside_parentheses(candidate):  # "reduced serum cholestanol (67. 3%) …", as some records print decimals
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]
