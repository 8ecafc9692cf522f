"""Radionuclides and the ways abstracts write them: Tc-99m, 99mTc, (99m)Tc, technetium-99m.

A clinician types "Lu-177" or "Tl-201 scan"; the abstract writes 177Lu or thallium-201. Read as
written, the isotope is a named subject no article mentions, and an answerable question is refused.
Each spelling below names the same nuclide, so trying them all only finds the articles that name it:
Ga-68 still finds nothing in a library that only holds 67Ga.

Only nuclides used in medicine, each with its element's name: "CA-125" or "B12" are no isotopes.
"""

from __future__ import annotations

import re

from retrieval.search.spelling import respelled

# element symbol (lower case) -> (element name, mass numbers used in medicine; "m" marks a metastable state)
NUCLIDES: dict[str, tuple[str, tuple[str, ...]]] = {
    "c": ("carbon", ("11", "13", "14")),
    "n": ("nitrogen", ("13",)),
    "o": ("oxygen", ("15",)),
    "f": ("fluorine", ("18",)),
    "p": ("phosphorus", ("32",)),
    "k": ("potassium", ("40", "42")),
    "cr": ("chromium", ("51",)),
    "fe": ("iron", ("59",)),
    "co": ("cobalt", ("57", "58", "60")),
    "cu": ("copper", ("64", "67")),
    "ga": ("gallium", ("67", "68")),
    "se": ("selenium", ("75",)),
    "kr": ("krypton", ("81m",)),
    "rb": ("rubidium", ("82",)),
    "sr": ("strontium", ("89", "90")),
    "y": ("yttrium", ("90",)),
    "zr": ("zirconium", ("89",)),
    "tc": ("technetium", ("99m",)),
    "in": ("indium", ("111",)),
    "i": ("iodine", ("123", "124", "125", "131")),
    "xe": ("xenon", ("133",)),
    "cs": ("cesium", ("137",)),
    "sm": ("samarium", ("153",)),
    "ho": ("holmium", ("166",)),
    "tb": ("terbium", ("161",)),
    "lu": ("lutetium", ("177",)),
    "re": ("rhenium", ("186", "188")),
    "ir": ("iridium", ("192",)),
    "au": ("gold", ("198",)),
    "tl": ("thallium", ("201",)),
    "pb": ("lead", ("212",)),
    "bi": ("bismuth", ("213",)),
    "at": ("astatine", ("211",)),
    "ra": ("radium", ("223",)),
    "ac": ("actinium", ("225",)),
}
_NAMES = {name: symbol for symbol, (name, _) in NUCLIDES.items()}

# "tc-99m", "tc99m", "99mtc", "99m-tc", "technetium-99m", "i-131", "131i"
_SYMBOL_FIRST = re.compile(r"([a-z]{1,2}|[a-z]{4,})-?(\d{1,3}m?)")
_MASS_FIRST = re.compile(r"(\d{1,3}m?)-?([a-z]{1,2})")


def nuclide(word: str) -> tuple[str, str] | None:
    """(element symbol, mass number) when ``word`` (lower case) writes a nuclide used in medicine, else None."""
    if match := _SYMBOL_FIRST.fullmatch(word):
        element, mass = match.groups()
    elif match := _MASS_FIRST.fullmatch(word):
        mass, element = match.groups()
    else:
        return None
    symbol = _NAMES.get(element, element)
    known = NUCLIDES.get(symbol)
    return (symbol, mass) if known and mass in known[1] else None


def _forms(word: str) -> list[tuple[str, ...]]:
    """The word sequences the full-text index holds for the nuclide ``word`` writes, however it was written."""
    if (found := nuclide(word)) is None:
        return []
    symbol, mass = found
    name = NUCLIDES[symbol][0]
    return [(name, mass), (mass + symbol,), (mass, symbol), (symbol, mass), (symbol + mass,)]


def nuclide_spellings(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The words with each nuclide among them written the other ways ("tc-99m mdp": technetium 99m mdp, 99mtc
    mdp, ...), or [] when they name none."""
    return respelled(words, _forms)
