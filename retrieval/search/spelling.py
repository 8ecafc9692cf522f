"""British and American spellings of medical words: haemolytic and hemolytic, oesophageal and esophageal
(and the international drug names' "alfa" and "sulf", written alpha and sulph).

Abstracts use both, often one each in a small library. A question spelt one way must find the
articles spelt the other way, or the subject check reads "haemolytic anaemia" as missing, and the
articles that answer are passed over for ones that happen to share the question's spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# British forms to American: "ae" and "oe" inside a word ("haem", "paediatric", "oedema", "diarrhoea"), "-our"
# with or without an ending ("tumour", "behavioural", "colouring") and "-isation" ("randomisation")
_TO_AMERICAN = (
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),
    (re.compile(r"oe(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z]{2})our(?=(?:s|ed|ing|al|able|ite|ites)?$)"), "or"),  # behavioural, colouring
    (re.compile(r"sulph"), "sulf"),  # sulphate, sulphonylurea
    (re.compile(r"^alfa(?=$|-)"), "alpha"),  # the international name "interferon alfa" is also written alpha
    (re.compile(r"^(in)?dependan(?=(?:t|ts|ce|cy)$)"), r"\1dependen"),  # "insulin dependant", British usage
    (re.compile(r"(?<=[a-z]{3})is(?=ations?$|ed$)"), "iz"),  # precurarisation, randomised
)
# American forms to British, on the medical stems where the two differ
_TO_BRITISH = (
    (re.compile(r"^hem(?=[aoi])"), "haem"),
    (re.compile(r"(?<=[^aeiou])emi(?=[ac])"), "aemi"),  # anemia, leukemia, ischemic, hypoglycemia
    (re.compile(r"^(an|hyp|hyper)?esthe"), r"\1aesthe"),  # anesthesia
    (re.compile(r"^esophag"), "oesophag"),
    (re.compile(r"^edem"), "oedem"),
    (re.compile(r"^estr(?=[aeiou])"), "oestr"),
    (re.compile(r"pediatr"), "paediatr"),
    (re.compile(r"orthoped"), "orthopaed"),
    (re.compile(r"gyneco"), "gynaeco"),
    (re.compile(r"^cesar"), "caesar"),
    (re.compile(r"diarrhea"), "diarrhoea"),
    (re.compile(r"^fet(?=(al|us|uses)$)"), "foet"),
    (re.compile(r"^(tum|col|behavi|hum|lab|vap|fav|flav|od)or(?=(?:s|ed|ing|al|able|ite|ites)?$)"), r"\1our"),
    (re.compile(r"sulf"), "sulph"),  # sulfate, sulfonylurea
    (re.compile(r"^alpha(?=$|-)"), "alfa"),
    (re.compile(r"(?<=[a-z]{3})iz(?=ations?$|ed$)"), "is"),  # precurarization, randomized
)


def _rewrite(word: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, replacement in rules:
        word = pattern.sub(replacement, word)
    return word


def other_spellings(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The words spelt the American way and the British way, where either differs from the words as given.

    A form no article uses costs nothing: it only widens the search ("tumor" also tries "tumour", and
    "colour" "color"; a rule that makes a word nobody writes finds nothing).
    """
    out: list[tuple[str, ...]] = []
    for rules in (_TO_AMERICAN, _TO_BRITISH):
        other = tuple(_rewrite(word, rules) for word in words)
        if other != words and other not in out:
            out.append(other)
    return out


def respelled(words: tuple[str, ...], forms_of: Callable[[str], list[tuple[str, ...]]]) -> list[tuple[str, ...]]:
    """The words with each one written each other way ``forms_of`` knows for it (a word may become several:
    "tl-201" is thallium 201), the other words kept."""
    return [(*words[:i], *form, *words[i + 1 :]) for i, word in enumerate(words) for form in forms_of(word)]
