"""Things people name in everyday words: groups of people, therapies, substances, devices and a few conditions.

The subject check (``retrieval.search.subjects``) finds what a question is about
mostly by rare words ("dupilumab"). Some subjects are named in everyday words
that a library can hold without ever naming the subject: "truck drivers" in a
library with trucks and drivers, "tai chi" in one with "chi-square" and an
author called Tai. These tables name such subjects, so that a library that
never writes one is said to lack it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Groups of people a question may be about ("in prisoners", "for truck drivers"): everyday words, some of them
# too common for ABSENT_ZIPF, that still name the population asked about. In a library of ABSENT_MIN_ARTICLES or
# more, one no article names is missing; so is a group named with the trade or setting before it ("truck
# drivers", "shift workers") when no article names the two together.
POPULATIONS = frozenset(
    {
        *("prisoners", "prisoner", "inmates", "inmate", "drivers", "workers", "soldiers", "veterans", "sailors"),
        *("seafarers", "fishermen", "farmers", "miners", "firefighters", "police", "astronauts", "divers"),
        *("pilots", "athletes", "runners", "swimmers", "cyclists", "footballers", "dancers", "musicians"),
        *("monks", "nuns", "refugees", "migrants", "immigrants", "homeless", "vegans", "vegetarians", "teachers"),
        *("bodybuilders", "mountaineers", "climbers", "jockeys", "boxers", "gamers"),
    }
)
# Trades and settings that make a group of people another group: "truck drivers" are not all drivers.
POPULATION_SETTINGS = frozenset(
    {
        *("truck", "lorry", "taxi", "bus", "train", "racing", "shift", "night", "sex", "farm", "factory", "coal"),
        *("construction", "office", "healthcare", "health-care", "flight", "military", "marathon", "ultramarathon"),
        *("professional", "elite", "deep-sea", "scuba", "rugby", "football", "soccer", "ballet"),
    }
)

# Therapies, substances, devices and a few conditions named in everyday words (or words that are stems of everyday
# ones: "cupping" is indexed as "cup"). Asked about one, a library that never writes its name does not cover
# it, whatever it says about neighbouring therapies; one it does name is what an answer must quote. The names
# of things, not of kinds of treatment ("exercise"). A thing with a clinical name belongs in
# ``retrieval.search.lay_terms`` instead.
EVERYDAY_NAMES = frozenset(
    {
        *("tai chi", "qi gong", "yoga", "pilates", "meditation", "mindfulness", "hypnosis", "hypnotherapy"),
        *("massage", "cupping", "dry needling", "art therapy", "music therapy", "dance therapy", "drama therapy"),
        *("play therapy", "pet therapy", "animal-assisted therapy", "equine therapy", "horse riding therapy"),
        *("light therapy", "bright light therapy", "red light therapy", "cold water immersion", "ice bath"),
        *("ice baths", "cold showers", "cold plunge", "forest bathing", "breathing exercises", "talk therapy"),
        *("group therapy", "family therapy", "couples therapy", "sleep hygiene", "sleep restriction"),
        *("few foods diet", "few-foods diet", "elimination diet", "carnivore diet", "alkaline diet", "raw food diet"),
        *("time-restricted eating", "juice cleanse", "spinal manipulation", "foam rolling", "laughter therapy"),
        *("alexander technique", "bowen technique", "emotional freedom technique", "tapping therapy"),
        *("hot stone massage", "mud therapy", "wild swimming", "sound therapy", "magnet therapy"),
        *("copper bracelets", "salt therapy", "oil pulling", "nasal irrigation", "ear candling"),
        # psychotherapies by name
        *("acceptance and commitment therapy", "interpersonal therapy", "interpersonal psychotherapy"),
        *("dialectical behavior therapy", "dialectical behaviour therapy", "cognitive processing therapy"),
        *("prolonged exposure therapy", "schema therapy", "compassion-focused therapy", "solution-focused therapy"),
        *("motivational interviewing", "behavioral activation", "behavioural activation", "psychodynamic therapy"),
        *("somatic experiencing", "eye movement desensitization", "eye movement desensitisation"),
        *("exposure and response prevention", "narrative exposure therapy", "mentalization-based treatment"),
        # substances
        *("fish oil", "cod liver oil", "energy drinks", "energy drink", "bath salts", "green tea", "red wine"),
        *("dark chocolate", "coconut oil", "apple cider vinegar", "manuka honey", "tea tree oil", "royal jelly"),
        *("evening primrose oil", "milk thistle", "aloe vera", "bone broth", "black seed oil", "sports drinks"),
        *("red yeast rice", "beetroot juice", "cranberry juice", "grape seed extract", "garlic supplements"),
        *("salt substitute", "salt substitutes", "sugar substitute", "sugar substitutes", "meal replacement"),
        *("meal replacements",),
        *("st john's wort", "st. john's wort", "saint john's wort", "st johns wort", "st. johns wort"),
        # procedures
        *("hair transplant", "hair transplants", "tattoo removal", "ear piercing", "teeth whitening"),
        # devices and aids
        *("hearing aid", "hearing aids", "mouth guard", "mouth guards", "mouthguard", "ice pack", "ice packs"),
        *("stair lift", "stairlift", "blue light glasses", "blue-light glasses", "blue light blocking glasses"),
        *("air purifier", "air purifiers", "knee brace", "back brace", "wrist splint", "night splint", "shoe inserts"),
        *("compression socks", "compression stockings", "weighted vest", "foam roller", "massage gun"),
        *("fitness tracker", "fitness trackers", "step counter", "magnetic bracelets", "walking frame"),
        *("standing desk", "standing desks", "sit-stand desk", "sit-stand desks"),
        # conditions named in everyday words that abstracts name no other way
        *("jet lag", "brain fog", "long covid", "growing pains", "restless legs", "burning mouth"),
        *("motion sickness", "sea sickness", "night terrors", "writer's cramp", "sick building syndrome"),
        *("sickle cell trait",),
    }
)


@lru_cache(maxsize=1)
def _names_pattern() -> re.Pattern[str]:
    names = sorted(EVERYDAY_NAMES, key=len, reverse=True)  # "bright light therapy" before "light therapy"
    alternatives = "|".join(
        re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*").replace("'", "['’]") for name in names
    )
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def everyday_names(question: str) -> list[tuple[int, int]]:
    """Character spans of the things of ``EVERYDAY_NAMES`` the question names."""
    return [match.span() for match in _names_pattern().finditer(question)]
