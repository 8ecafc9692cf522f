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
_WORD = re.compile(r"[^\W\d_]+")  # letters, accented ones too: "Löwenstein-Jensen" spells LJ
_APART = re.compile(r"[ \t\n-]+")
# Two letters are spelt by chance too often ("of interest"): both words must name something rare
SHORT_INITIALS = 2


def is_initials(text: str) -> bool:
    return bool(_INITIALS.fullmatch(text))


def spelled_out(initials: str, texts: Iterable[str], rare: Callable[[str], bool]) -> str:
    """The first run of words in ``texts`` whose initials spell ``initials``, as the text writes it, or "".

    A word gives its first letter, or all its letters when it is written in capitals itself ("surgical ICU"
    spells SICU); a stop word inside the run gives none ("upper limit of normal" spells ULN), and the run
    neither starts nor ends with one. Two letters must be spelt by two ``rare`` words (``rare(word)``, the word as
    written: not everyday English, or a name) and no stop word between them, since common words spell any two
    letters somewhere."""
    letters = initials.removesuffix("s").lower()  # a plural's lower-case "s", not the S of "ARDS"
    for text in texts:
        words = list(_WORD.finditer(text))
        for i in range(len(words)):
            run = _run_spelling(words, i, letters)
            if run and (len(letters) > SHORT_INITIALS or all(_content(w[0]) and rare(w[0]) for w in run)):
                return text[run[0].start() : run[-1].end()]
    return ""


def _content(word: str) -> bool:
    return word.lower() not in STOP_WORDS


def _run_spelling(words: list[re.Match[str]], start: int, letters: str) -> list[re.Match[str]]:
    """The words from ``start`` on whose initials spell ``letters`` exactly, or []: words of one phrase, apart by
    a space or a hyphen only (not "Enterobacteriaceae. Only strains of P"), one stop word inside at most."""
    spelt, skipped = "", 0
    for end in range(start, len(words)):
        word = words[end][0]
        if end > start and not _APART.fullmatch(words[end].string[words[end - 1].end() : words[end].start()]):
            return []
        if not _content(word):
            skipped += 1
            if end == start or skipped > 1:
                return []
            continue
        spelt += word.lower() if word.isupper() and len(word) > 1 else word[0].lower()
        if not letters.startswith(spelt):
            return []
        if spelt == letters:
            return words[start : end + 1] if end > start else []
    return []
