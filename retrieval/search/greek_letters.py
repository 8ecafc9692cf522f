"""Greek letters in gene and protein names, however typed: PDGFRA, PDGFRα, PDGFR-alpha; TGF-beta, TGF-β.

Abstracts write the letter ("PDGFRα", "TNF-α", "PPARγ"); a question typed on a keyboard spells it out or
uses the official symbol's Latin letter ("PDGFRA", "TNF-alpha"). Read as typed, the name is a subject no
article mentions, and an answerable question is refused. A spelling no article uses finds nothing, so
trying them all only finds the articles that name the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from retrieval.search.spelling import respelled

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "kappa": "κ"}
_LATIN = {"a": "alpha", "b": "beta", "g": "gamma", "d": "delta", "k": "kappa"}  # official symbols: PDGFRA, PPARG

# "tnf-alpha", "tgfbeta", "tnf-α": a name, then the letter spelt out or written
_SPELT = re.compile(rf"([a-z][a-z0-9]*?[a-z0-9])-?({'|'.join(GREEK)}|{'|'.join(GREEK.values())})")
# "pdgfra", "hif1a": letters (and digits) of a symbol, then the Latin letter
_SYMBOL = re.compile(r"([a-z]{2,}[a-z0-9]*[a-z0-9])([abgdk])")


def greek_spellings(words: tuple[str, ...], is_symbol: Callable[[str], bool]) -> list[tuple[str, ...]]:
    """The words with each Greek-lettered name among them written the other ways ("tnf-alpha": tnf α, tnfα,
    tnf alpha, ...). ``is_symbol(word)``: whether a word ending in a Latin letter is a gene symbol rather than an
    everyday or technical word ("pdgfra" is, "edema" is not)."""

    def forms(word: str) -> list[tuple[str, ...]]:
        if match := _SPELT.fullmatch(word):
            base, letter = match.groups()
            name = letter if letter in GREEK else next(n for n, g in GREEK.items() if g == letter)
        elif (match := _SYMBOL.fullmatch(word)) and is_symbol(word):
            base, name = match.group(1), _LATIN[match.group(2)]
        else:
            return []
        written = [(base + GREEK[name],), (base, GREEK[name]), (base, name), (base + name,)]
        return [form for form in written if form != (word,)]

    return respelled(words, forms)
