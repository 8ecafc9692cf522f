"""Whether an everyday word can name a thing, and the everyday words of a message that name none.

A rare everyday word that no article uses can be what a question asks about ("Do astronauts lose
bone?", "Are saunas safe?"), or only how the asker talks: "my legs are achy", "is that just a hunch?",
"could it wreck my kidneys?". Read as a subject, such a word makes MedLit refuse a question the library
answers. A word only a verb, adjective or adverb names no thing: LemmInflect's English lexicon, a
well-kept dictionary of word forms and their parts of speech, tells which words those are. Some nouns
name no thing a question is about either: the hedges of a message and the people in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from retrieval.text import STOP_WORDS

# Nouns of talk about a claim, not of its subject: "is there a downside?", "or is it rubbish?"
CONVERSATION_NOUNS = frozenset(
    {
        *("downside", "downsides", "upside", "upsides", "hunch", "rubbish", "nonsense", "combo", "combos", "myth"),
        *("myths", "rumour", "rumours", "rumor", "rumors", "hype", "scam", "fad", "gimmick", "fluke", "tale"),
        *("tales", "guesswork", "hogwash", "baloney", "claptrap", "scaremongering", "fearmongering", "hearsay"),
        # and its exclamations: "an oops pregnancy"
        *("oops", "whoops", "ugh", "yikes", "phew"),
        # where the asker read it
        *("forum", "forums", "blog", "blogs", "website", "websites", "reddit", "facebook", "tiktok", "youtube"),
        *("packet", "packets", "leaflet", "leaflets", "packaging"),  # "the normal amount on the packet"
    }
)
# The people of a patient's message: "my nan", "grandad (84)", "our prem baby"
FAMILY_NOUNS = frozenset(
    {
        *("grandad", "granddad", "grandpa", "grandma", "granny", "gran", "nan", "nana", "nanna", "nanny"),
        *("hubby", "missus", "mum", "mummy", "mom", "mommy", "dad", "daddy", "sis", "bro", "kiddo", "kiddos"),
        *("grandkids", "grandkid", "stepdad", "stepmum", "stepmom", "fiance", "fiancee", "girlfriend"),
        *("boyfriend", "bf", "gf", "hubs", "inlaws", "in-laws"),
        *("grandparent", "grandparents", "grandmother", "grandmothers", "grandfather", "grandfathers"),
        # and the people who treat them: "the GP added a new tablet", "ENT want to do a closed reduction"
        *("gp", "gps", "ent", "doc", "docs", "obgyn"),
    }
)


# Contractions typed without their apostrophe: "theyre booking me a colonoscopy"
CONTRACTIONS = frozenset(
    {
        *("theyre", "youre", "ive", "im", "hes", "shes", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "wasnt"),
        *("arent", "werent", "couldnt", "wouldnt", "shouldnt", "whats", "thats", "theres", "theyve", "weve", "youve"),
        *("havent", "hasnt", "id", "itll", "ill", "theyll", "youll", "shell", "hell"),
    }
)
# Shorthand of texting and of clinical notes for words that name nothing asked about: "gona", "tho", "sens/spec",
# "mgmt", "hx of …"
SHORTHAND = frozenset(
    {
        *("gona", "gonna", "wanna", "gotta", "dunno", "kinda", "sorta", "wierd", "tho", "thru", "coz", "cuz", "abt"),
        *("ppl", "pls", "plz", "thx", "lol", "omg", "tbh", "idk", "imo", "btw", "ur", "u", "r", "n", "b4", "yr"),
        *("nite", "tonite", "alot", "incl", "excl", "approx", "wrt"),
        *("sens", "spec", "mgmt", "mx", "dx", "ddx", "tx", "hx", "sx", "pmh", "pmhx", "pt", "pts", "w/", "w/o"),
        *("onc",),  # a specialty before a patient: "onc pt"
        # how often a dose is taken
        *("prn", "bd", "bid", "tds", "tid", "qds", "qid", "nocte", "qhs", "stat"),
        # units and sides of a measurement: "35 mmHg L/R arm difference"
        *("mmhg", "kpa", "bpm", "l/r", "r/l"),
    }
)
# The specialist treating someone in a message, named as theirs: "my dad's oncologist wants to start him on …"
_SPECIALIST = re.compile(
    r"[a-z]{3,}(?:ologists?|iatrists?)|pa?ediatricians?|obstetricians?|dieti[ct]ians?|opticians?|optometrists?|"
    r"pharmacists?|physios?|physiotherapists?|chiropodists?|podiatrists?|midwi(?:fe|ves)"
)
# A verb's past or -ing form with "up" or "down" before it, which no dictionary lists: "uptitrated", "downtitrating"
_UP_OR_DOWN = re.compile(r"(?:up|down)-?[a-z]{4,}(?:ed|ing)")
_POSSESSIVES = frozenset({"my", "his", "her", "our", "their", "your"})
# Words after which a word that can be a verb is one ("to wreck", "not overdo"; a modal opens a question, "Can
# acupuncture …?", and is no such word), and the words that open its object ("shrink the lesions", "wreck your
# liver", "booking me a colonoscopy")
_BEFORE_A_VERB = frozenset({"to", "not", "never", "cannot"})
# … and the subjects a verb follows in a patient's story: "I leak wee every time I cough", "she wheezes"
_SUBJECT_PRONOUNS = frozenset({"i", "you", "he", "she", "we", "they"})
_ADVERBS = frozenset({"really", "actually", "still", "just", "also", "even", "ever", "always", "usually"})
_OBJECT_OPENERS = frozenset(
    {
        *("a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "this", "that", "these", "those"),
        *("me", "him", "us", "them", "you", "it", "some", "any"),
    }
)
# Verbs after which an -ing form with an object is what was done, not a thing ("tried dripping local anaesthetic")
_TRYING = frozenset(
    {"try", "tried", "tries", "trying", "start", "started", "stop", "stopped", "avoid", "avoided", "consider"}
)
_PARTICLES = frozenset({"up", "down", "out", "off", "over", "back", "away", "through", "around", "about"})
# Some patient-data abbreviations of age and sex: "31M w/ RA", "68F", "72yo"
_AGE_AND_SEX = re.compile(r"\d{1,3}\s?(?:m|f|yo|y/o|yr|yrs|mo)", re.IGNORECASE)
# A contraction with its apostrophe ("who've", "they're", "it'll"), and a quantity typed as one word: a distance
# or a count ("a 10k", "5km"), a dose ("10mg", "2.5ml", "mg/m2"), a time or a span of times ("3h", "12-24h",
# "6-wk"), a number of times ("x12", "3x"), a dosing interval or days of a cycle ("q4w", "q3wk", "d2-5"), an order
# ("3rd-gen", "2nd-line", "2ndary", "1ry"), an age group or a decade ("under-6s", "in her 80s")
_CONTRACTED = re.compile(r"\w+['’](?:ve|re|ll|d|m)", re.IGNORECASE)
_QUANTITY = re.compile(
    r"x\d+|\d+x|\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?-?"
    r"(?:k|km|mi|mg|mcg|µg|ug|g|kg|ml|l|iu|units?|h|hr|hrs|d|wk|wks|mo|mos|yr|yrs|min|mins|t)|"
    r"(?:under|over)-?\d+s|\d*0s|"  # an age group or a decade: "for under-6s", "in their 90s", "the 1990s"
    r"q\d+(?:-\d+)?(?:h|hrs?|d|w|wks?|mo)|d\d+-\d+|\d+(?:st|nd|rd|th)(?:-[a-z]+)?|[1-3](?:ry|ary|ndary|rdary)",
    re.IGNORECASE,
)
# Units of a dose ("verapamil 80 mg", "axert 12.5mg"); some are also initials ("MG", "IU")
DOSE_UNITS = frozenset({"mg", "mcg", "µg", "ug", "g", "kg", "ml", "iu", "unit", "units", "mmol"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def is_quantity(word: str) -> bool:
    """Whether a word is a quantity typed as one word: a dose ("80mg"), a time, a count, an order (``_QUANTITY``)."""
    return bool(_QUANTITY.fullmatch(word))


def is_unit_of(word: str, before: str) -> bool:
    """Whether ``word`` is the unit of a dose whose number, ``before``, is written apart ("80 mg")."""
    return word.lower() in DOSE_UNITS and bool(_NUMBER.fullmatch(before))


# A count of something joined to it: "5-session", "3-day", "9-year-old"
_COUNTED = re.compile(r"\d+-([a-z]{3,})(?:-([a-z]{2,}))?")  # "a 9-year-old" too
# A level of the spine ("T6 paraplegia", "?spondylolysis at L5"): where, not what
_SPINAL_LEVEL = re.compile(r"[ctls]\d{1,2}", re.IGNORECASE)


def reads_as_talk(words: Sequence[str], i: int) -> bool:
    """Whether the ``i``-th of a question's ``words`` (lower case, in order) is how the asker talks, not a thing
    asked about: a word only a verb, adjective or adverb ("achy", "reckons", "overusing"), a noun of talk or
    of family (``CONVERSATION_NOUNS``, ``FAMILY_NOUNS``), their specialist ("my oncologist"), shorthand
    (``SHORTHAND``: "tho", "mgmt"), a verb form after "up" or "down" ("uptitrated"), a contraction ("who've",
    "theyre"), an age and sex ("31M"), a quantity ("a 10k", "10mg", "under-6s", "in their 90s"), a level of the
    spine ("T6"), or a word that can be a verb used as one ("could it wreck your liver?")."""
    word = words[i]
    if word in CONTRACTIONS or word in SHORTHAND or _CONTRACTED.fullmatch(word) or not may_name_a_thing(word):
        return True
    if _UP_OR_DOWN.fullmatch(word):  # "can most pts be uptitrated", "downtitrating"
        return True
    if _SPECIALIST.fullmatch(word) and i and (words[i - 1] in _POSSESSIVES or words[i - 1].endswith(("'s", "’s"))):
        return True  # "my dad's oncologist wants …", not "would having a cardiologist involved help?"
    if _AGE_AND_SEX.fullmatch(word) or is_quantity(word) or _SPINAL_LEVEL.fullmatch(word):
        return True
    if word == "m2" and i and words[i - 1].endswith("mg"):  # "2250mg/m2", not "M2 macrophages"
        return True
    if i and is_unit_of(word, words[i - 1]):  # "80 mg", not MG (myasthenia gravis)
        return True
    counted = _COUNTED.fullmatch(word)  # "a 5-session course", not "5-FU" or "5-HT"
    if counted and all(in_lexicon(part) for part in counted.groups() if part):
        return True
    if "-" in word and all(part in SHORTHAND for part in word.split("-")):  # "70mg bd-tds"
        return True
    if "VERB" not in _readings(word):
        return False
    j = i - 1
    while j >= 0 and words[j] in _ADVERBS:
        j -= 1
    after = words[i + 1] if i + 1 < len(words) else ""
    if word.endswith("ing") and j >= 0 and words[j] in _TRYING and after and after not in STOP_WORDS:
        return True  # "tried dripping local anaesthetic into …", not "tried cupping for back pain"
    if word.endswith("ing") and "NOUN" not in _readings(word):  # a verb's -ing form names an activity ("Does
        # dry needling help?") unless an object or a particle follows it ("Would popping ephedrine …", "from
        # overusing my voice", "the potassium creeping up")
        unknown_after = bool(after) and after.isalpha() and not _readings(after)
        return unknown_after or after in _OBJECT_OPENERS or after in _PARTICLES
    if j >= 1 and words[j] in ("or", "and") and _after_a_pronoun(words, j - 1):
        return True  # "every time I cough or sneeze"
    return (j >= 0 and words[j] in _BEFORE_A_VERB) or _after_a_pronoun(words, i) or after in _OBJECT_OPENERS


def _after_a_pronoun(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i]`` can be a verb and follows a subject pronoun ("I cough", "she wheezes")."""
    return i >= 1 and words[i - 1] in _SUBJECT_PRONOUNS and is_verb(words[i])


def is_noun(word: str) -> bool:
    """Whether LemmInflect's lexicon lists a noun reading of ``word`` ("hydrotherapy", not "pottering")."""
    return bool(_readings(word) & {"NOUN", "PROPN"})


def is_verb(word: str) -> bool:
    """Whether LemmInflect's lexicon lists a verb reading of ``word`` ("help", "work", not "op")."""
    return "VERB" in _readings(word)


def in_lexicon(word: str) -> bool:
    """Whether LemmInflect's lexicon of English word forms knows ``word`` ("pottering", not "kratom")."""
    return bool(_readings(word))


def may_name_a_thing(word: str) -> bool:
    """Whether ``word`` (lower case) can be read as a noun: LemmInflect lists a noun reading of it, or does not
    know it (a name, a new word, a brand), or it is a verb's -ing form ("Does journaling help?"); and it is no
    noun of talk (``CONVERSATION_NOUNS``, ``FAMILY_NOUNS``)."""
    if word in CONVERSATION_NOUNS or word in FAMILY_NOUNS:
        return False
    readings = _readings(word)
    return not readings or is_noun(word) or ("VERB" in readings and word.endswith("ing"))


@lru_cache(maxsize=8192)
def _readings(word: str) -> frozenset[str]:
    from lemminflect import getAllLemmas

    return frozenset(getAllLemmas(word))
