"""Other names of a drug from a well-kept drug dictionary: Clinoril is sulindac, Hepsera adefovir.

MedLit's own brand table (``retrieval.search.brand_names``) holds a few hundred brands. People name
thousands, and a brand no table knows reads as a subject the library lacks: "No article in this
library mentions Zonegran", over a library holding zonisamide. The drug-named-entity-recognition
package carries a dictionary of drug names (generic names, brands, other spellings) with the
canonical name of each drug, which names the drug the way abstracts do.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=4096)
def _entry(name: str) -> dict:
    """The dictionary's one drug known by ``name`` (any case), or {} when it knows none or two."""
    from drug_named_entity_recognition import find_drugs

    found = find_drugs([name], is_ignore_case=True)
    return found[0][0] if len(found) == 1 else {}


def generic_name(word: str) -> str:
    """The name, lower case, under which abstracts name the drug ``word`` is another name of (the dictionary's
    canonical name, "adefovir" for Hepsera), or "" when the dictionary knows no drug by that name, knows two,
    or knows it by that name already.

    Only the canonical name: the dictionary's synonyms include other brands and words that are also
    everyday words elsewhere ("copal" for sulindac).
    """
    canonical = re.sub(r"\s*\(.*?\)", "", _entry(word).get("name", "")).strip().lower()
    return "" if canonical == word.lower() else canonical


def is_drug_name(word: str) -> bool:
    """Whether the dictionary knows ``word`` (any case) exactly as the name of one drug: "jublia" is a brand,
    not a slip of an everyday word."""
    return _entry(word).get("match_type") == "exact"


def written_forms(name: str) -> tuple[str, ...]:
    """Other ways abstracts write the drug ``name`` (lower case): the dictionary's synonyms written as a chemical
    name with a hyphen ("l-dopa" for levodopa, "5-fluorouracil"), which no everyday word or other brand is."""
    synonyms = _entry(name).get("synonyms", [])
    return tuple(s for s in synonyms if re.fullmatch(r"(?:[a-z]|\d{1,2})-[a-z]{4,}", s) and s != name.lower())
