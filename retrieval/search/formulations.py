"""Products whose form matters: a long-acting brand ("Concerta", "Seroquel XR", "Risperdal Consta") or one put
on or into the body rather than swallowed ("Voltaren gel", "Sancuso patch").

A brand is read as its molecule (``retrieval.search.brand_names``), but a library of methylphenidate tablets
taken three times a day says nothing about Concerta, nor one of diclofenac tablets about a gel rubbed on the
knee; answering from them quotes a neighbour. For such a product an article must name the molecule with a word
for its form (``retrieval.search.subjects`` asks the library).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after a brand that make it a long-acting product ("Risperdal Consta", "Sandostatin LAR", "Seroquel XR")
LONG_ACTING_MARKERS = frozenset(
    {
        *("consta", "lar", "depot", "sustenna", "maintena", "trinza", "hafyera", "continus", "retard"),
        *("xr", "xl", "er", "sr", "cr", "la"),
    }
)
# Brands sold only as a long-acting form of a molecule that is also taken at once (Concerta is extended-release
# methylphenidate, Intuniv guanfacine, Vivitrol a monthly naltrexone injection); "-Contin" brands too (OxyContin)
LONG_ACTING_BRANDS = frozenset(
    {
        *("concerta", "daytrana", "jornay", "aptensio", "mydayis", "adzenys", "cotempla", "xelstrym", "intuniv"),
        *("kapvay", "eligard", "vivitrol", "sublocade", "brixadi", "probuphine", "zilretta", "ozurdex", "zohydro"),
        *("hysingla", "kadian", "avinza", "exalgo", "xtampza", "glumetza", "fortamet", "gralise", "trokendi"),
        *("qudexy",),
    }
)
# How abstracts say long-acting
RELEASE_PHRASES = (
    *("long-acting", "depot", "extended-release", "extended release", "sustained-release", "sustained release"),
    *("controlled-release", "controlled release", "slow-release", "slow release", "modified-release"),
    *("prolonged-release", "microspheres", "implant"),
)
# Words after a brand for a form put on or into the body, and how abstracts name that form or its route
_TOPICAL = ("topical", "topically")
FORM_PHRASES: dict[str, tuple[str, ...]] = {
    **{word: (word, *_TOPICAL) for word in ("gel", "cream", "ointment", "lotion", "foam")},
    "patch": ("patch", "transdermal"),
    "patches": ("patch", "transdermal"),
    "spray": ("spray", "nasal", "intranasal"),
    "nasal": ("nasal", "intranasal"),
    "inhaler": ("inhaler", "inhaled", "inhalation"),
    "drops": ("drops", "eyedrops", "ophthalmic", *_TOPICAL),
    "suppository": ("suppository", "suppositories", "rectal"),
    "suppositories": ("suppository", "suppositories", "rectal"),
    "pessary": ("pessary", "pessaries", "vaginal"),
    "pessaries": ("pessary", "pessaries", "vaginal"),
    "film": ("film", "buccal", "sublingual"),
    "wafer": ("wafer", "wafers", "implant"),
    "wafers": ("wafer", "wafers", "implant"),
}
_NEXT_WORD = re.compile(r"[ -](\w+)")


@dataclass(frozen=True)
class Formulation:
    written: str  # as the question writes the product: "Seroquel XR", "Voltaren gel", "Concerta"
    phrases: tuple[str, ...]  # how abstracts name its form: "extended-release", "topical" …


def formulation(question: str, start: int, end: int) -> Formulation | None:
    """The product whose form matters that the brand at ``start:end`` names, or None for the brand alone."""
    after = _NEXT_WORD.match(question, end)
    word = after.group(1).lower() if after else ""
    if after and word in LONG_ACTING_MARKERS:
        return Formulation(question[start : after.end()], RELEASE_PHRASES)
    if after and word in FORM_PHRASES:
        return Formulation(question[start : after.end()], FORM_PHRASES[word])
    name = question[start:end].lower()
    if name.endswith("contin") or name in LONG_ACTING_BRANDS:
        return Formulation(question[start:end], RELEASE_PHRASES)
    return None
