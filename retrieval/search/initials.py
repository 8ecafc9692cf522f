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

    No word of the run may be a stop word ("of", "the"), and for two letters both must be ``rare`` words
    (``rare(word)``: not everyday English), since two common words spell any two letters somewhere."""
    letters = initials.removesuffix("s").lower()  # a plural's lower-case "s", not the S of "ARDS"
    n = len(letters)
    for text in texts:
        words = [w.lower() for w in _WORD.findall(text)]
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            if "".join(w[0] for w in run) != letters or any(w in STOP_WORDS or len(w) < 3 for w in run):
                continue
            if n > SHORT_INITIALS or all(rare(w) for w in run):
                return tuple(run)
    return ()
