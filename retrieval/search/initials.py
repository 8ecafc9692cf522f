"""What an abbreviation stands for, read from the articles themselves: "OI" in a text that writes
"osteogenesis imperfecta".

Clinicians write initials that abstracts spell out ("type IV OI", "ASCT"), and no hand-kept table holds
them all. An abbreviation the library never writes would be named as missing, and an answerable
question refused. The articles that name the rest of the question say what it stands for when one of
them holds words whose initials spell it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from retrieval.text import STOP_WORDS

# Initials as a clinician writes them: two to five capitals, perhaps a plural "s" ("OI", "ASCT", "LABAs")
_INITIALS = re.compile(r"[A-Z]{2,5}s?")
_WORD = re.compile(r"[A-Za-z]+")
# Two letters are spelt by chance too often ("of interest"): both words must name something rare
SHORT_INITIALS = 2


def is_initials(text: str) -> bool:
    return bool(_INITIALS.fullmatch(text))


def spelled_out(initials: str, texts: Iterable[str], rare: Callable[[str], bool]) -> tuple[str, ...]:
    """The words (lower case) of the first run in ``texts`` whose initials spell ``initials``, or ().

    A word gives its first letter, or all its letters when it is written in capitals itself ("surgical ICU"
    spells SICU); a stop word inside the run gives none ("upper limit of normal" spells ULN), and the run
    neither starts nor ends with one. Two letters must be spelt by two ``rare`` words (``rare(word)``: not everyday
    English) and no stop word between them, since common words spell any two letters somewhere."""
    letters = initials.removesuffix("s").lower()  # a plural's lower-case "s", not the S of "ARDS"
    for text in texts:
        words = _WORD.findall(text)
        for i in range(len(words)):
            run = _run_spelling(words, i, letters)
            if run and (len(letters) > SHORT_INITIALS or all(w not in STOP_WORDS and rare(w) for w in run)):
                return run
    return ()


def _run_spelling(words: list[str], start: int, letters: str) -> tuple[str, ...]:
    """The words from ``start`` on whose initials spell ``letters`` exactly, or ()."""
    spelt = ""
    for end in range(start, len(words)):
        word, lower = words[end], words[end].lower()
        if lower in STOP_WORDS:
            if end == start:
                return ()
            continue
        spelt += lower if word.isupper() and len(word) > 1 else lower[0]
        if not letters.startswith(spelt):
            return ()
        if spelt == letters:
            run = tuple(w.lower() for w in words[start : end + 1])
            return run if len(run) > 1 else ()
    return ()
