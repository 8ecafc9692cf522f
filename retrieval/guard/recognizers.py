"""The pattern recognisers of the patient-data guard: Presidio ``PatternRecognizer``s, one per identifier type.

Every pattern needs no trained model, so the guard runs offline. Most carry their
context inside the pattern (``MRN 00482913``, ``Mr. Okafor``, ``aged 97``): a
variable-width look-behind (the ``regex`` module Presidio matches with) keeps the
label out of the span, so redaction leaves ``MRN <MEDICAL_RECORD_NUMBER>``. Weaker
patterns (a month and year) count only near a context word (``born``, ``admitted``),
through Presidio's context enhancer over a blank spaCy tokenizer.

What is covered and what is not is said in README ("Patient-data guard").
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from retrieval.guard.kinds import ADDRESS, AGE, DATE, EMAIL, ID, MRN, PERSON, PHONE
from retrieval.guard.names import AMBIGUOUS, GIVEN, GIVEN_ALONE

CASE_SENSITIVE = regex.MULTILINE  # non-zero: Presidio falls back to its IGNORECASE default on 0
IGNORE_CASE = regex.MULTILINE | regex.IGNORECASE

STRONG = 0.85  # the pattern alone is enough
WEAK = 0.3  # counts only with a context word nearby (the enhancer adds 0.35; the threshold is 0.5)

# ------------------------------------------------------------------------- dates
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON_NUM = r"(?:0?[1-9]|1[0-2])"
_YEAR4 = r"(?:18|19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
# A PubMed date filter ("2020/01/01"[dp], 2019/01/01:2020/12/31[pdat]) is search syntax, not a person's date.
_NOT_QUERY_SYNTAX = r"(?![^\s\]]*\[)"
_DATES = [
    # 03/14/1952, 14.03.1952, 1-9-1985, 7/4/48
    rf"\b{_DAY}[/.\-]{_DAY}[/.\-](?:{_YEAR4}|\d{{2}})\b",
    # 1931-07-22, 2024/02/29
    rf"\b{_YEAR4}[/.\-]{_MON_NUM}[/.\-]{_DAY}\b",
    # March 3, 1944; Jan 5 2023; Feb. 2nd, 2020
    rf"\b{_MONTH}\.?\s+{_DAY}{_ORD},?\s+{_YEAR4}\b",
    # 12 March 2024; 14th February 2025; 3rd of May, 2021; 12-Mar-1948; 12Mar1948
    rf"\b{_DAY}{_ORD}\s+(?:of\s+)?{_MONTH}\.?,?\s+{_YEAR4}\b",
    rf"\b{_DAY}[\-\s]?{_MONTH}[\-\s]?(?:{_YEAR4}|\d{{2}})\b",
    # a day without a year: "on March 3", "admitted 3rd June"
    rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}\b(?!\s*(?:mg|mcg|µg|ml|mL|g|kg|%|mmol|units?|IU|years?|patients?|days?|weeks?|months?|hours?|times|doses?))",
    rf"\b{_DAY}{_ORD}\s+(?:of\s+)?{_MONTH}\b",
]
_DATE_CONTEXT = [
    "born", "birth", "dob", "birthday", "admitted", "admission", "discharged", "discharge", "diagnosed", "seen",
    "visit", "died", "death", "deceased", "surgery", "operated", "delivered", "deliver", "presented", "clinic",
]  # fmt: skip


def date_recognizer() -> PatternRecognizer:
    patterns = [Pattern(f"date {n}", p + _NOT_QUERY_SYNTAX, STRONG) for n, p in enumerate(_DATES)]
    # A month and a year are a person's date only near a word that ties them to one (born, admitted...).
    patterns.append(Pattern("month year", rf"\b{_MONTH}\.?\s+{_YEAR4}\b" + _NOT_QUERY_SYNTAX, WEAK))
    labelled = r"(?<=\b(?i:dob|d\.o\.b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*)\d[\d/.\- ]{4,9}\d\b"
    patterns.append(Pattern("labelled birth date", labelled, STRONG))
    return PatternRecognizer(
        supported_entity=DATE,
        name="medlit dates",
        patterns=patterns,
        context=_DATE_CONTEXT,
        global_regex_flags=CASE_SENSITIVE,
    )


# -------------------------------------------------------------------------- ages
_OVER_89 = r"(?:9\d|1[01]\d)"
_TENS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_POPULATION = (
    r"(?!\s*(?:years?\s*)?(?:and|or)\s+(?:older|over|above|more)|\s*\+|\s*(?:-|–|to)\s*\d|\s*years?\s+and\s+over"
    r"|\s*years?\s+or\s+(?:older|more))"
)
_AGES = [
    # 94-year-old, 91 years old, 101 yr old (not "90-year-olds": a population)
    rf"\b{_OVER_89}[\s\-]?(?:years?|yrs?)[\s\-]?old\b(?!s)",
    # 92 yo, 99 y/o, 93 y.o., 95yo
    rf"\b{_OVER_89}\s?(?:yo|y/o|y\.o\.?|yoa)(?=\W|$)",
    # aged 97, age 93, age: 95 (not "aged 90 and older", "age 90-94")
    rf"\b(?:aged?|age:)\s*{_OVER_89}\b" + _POPULATION,
    # ninety-six-year-old
    rf"\bninety(?:[\s\-]{_TENS})?[\s\-]years?[\s\-]old\b(?!s)",
    # "she is 93", "he turned 90" (a person, so not a heart rate of 95)
    rf"(?<=\b(?:he|she)\s+(?:is|was|turned|turns|will\s+be)\s+){_OVER_89}\b(?!\s*(?:%|mg|kg|mmHg|bpm|/))",
]


def age_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity=AGE,
        name="medlit ages over 89",
        patterns=[Pattern(f"age {n}", p, STRONG) for n, p in enumerate(_AGES)],
        global_regex_flags=IGNORE_CASE,
    )


# ------------------------------------------------------------------------ phones
_PHONES = [
    # (617) 555-0143, 617-555-0143, 555.867.5309, 1-800-555-0100
    r"(?<![\d.\-])(?:\+?1[\s.\-])?(?:\(\d{3}\)\s?|\d{3}[\s.\-])\d{3}[\s.\-]\d{4}\b(?![.\-]\d)",
    # +44 20 7946 0958, +33 1 42 68 53 00, +91-98765-43210
    r"(?<![\w+])\+\d{1,3}(?:[\s.\-]\(?\d{1,5}\)?){2,5}\b",
    # 07700 900123, 020 7946 0958 (national formats with a leading zero)
    r"(?<![\d.])0\d{2,4}[\s\-]\d{3,4}[\s\-]?\d{3,4}\b(?![.\-]\d)",
]


def phone_recognizer() -> PatternRecognizer:
    labelled = r"(?<=\b(?i:phone|tel|telephone|cell|mobile|pager|fax|call|text|whatsapp)\.?\s*(?:no\.?|number|#)?\s*[:\-]?\s*)\+?\d[\d\s().\-]{5,16}\d\b"  # noqa: E501
    return PatternRecognizer(
        supported_entity=PHONE,
        name="medlit phone numbers",
        patterns=[Pattern(f"phone {n}", p, STRONG) for n, p in enumerate(_PHONES)]
        + [Pattern("labelled phone", labelled, STRONG)],
        global_regex_flags=CASE_SENSITIVE,
    )


# ------------------------------------------------------------------------ e-mail
def email_recognizer() -> PatternRecognizer:
    # Presidio's own EmailRecognizer validates the domain with tldextract, which downloads the public
    # suffix list on first use; this one needs no network.
    pattern = r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"
    return PatternRecognizer(
        supported_entity=EMAIL,
        name="medlit e-mail addresses",
        patterns=[Pattern("e-mail", pattern, STRONG)],
        global_regex_flags=IGNORE_CASE,
    )


# --------------------------------------------------------------------- addresses
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter|Circle|Cir"
    r"|Highway|Hwy|Parkway|Pkwy|Square|Sq|Crescent|Close|Gardens|Row|Mews|Walk|Alley|Trail|Grove)"
)
_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
]
_ADDRESSES = [
    # 42 Elm Street, 1600 Pennsylvania Avenue, 221B Baker Street, 9 Oak Road, 350 5th Ave
    rf"\b\d{{1,6}}[A-Z]?\s+(?:(?:[A-Z][a-z'’]+|\d+(?:st|nd|rd|th))\s+){{1,4}}{_STREET}\b\.?",
    # 17 Rue de la Paix, 12 Calle Mayor, 3 Via Roma
    r"\b\d{1,6}[A-Z]?,?\s+(?:Rue|Calle|Via|Avenida|Rua|Strasse|Straße|Avenue|Boulevard|Chemin|Plaza|Piazza)"
    r"(?:\s+(?:de|del|la|le|des|du|da|do|di)?\s*[A-Z][\w'’]+)+",
    # P.O. Box 123
    r"\b(?i:p\.?\s?o\.?\s+box)\s+\d+\b",
    # Boston, MA 02115 (a state and a ZIP code)
    rf"(?<=,\s*)(?:{'|'.join(_STATES)})\s+\d{{5}}(?:-\d{{4}})?\b",
    # UK postcodes: LS6 2AB, SW1A 1AA
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}\b",
]


def address_recognizer() -> PatternRecognizer:
    labelled = r"(?<=\b(?i:lives\s+at|living\s+at|resides\s+at|residing\s+at|address(?:\s+is)?)\s*:?\s*)\d{1,6}[A-Z]?\s+[A-Za-z][\w'’.]*(?:\s+[A-Za-z][\w'’.]*){0,4}"  # noqa: E501
    return PatternRecognizer(
        supported_entity=ADDRESS,
        name="medlit street addresses",
        patterns=[Pattern(f"address {n}", p, STRONG) for n, p in enumerate(_ADDRESSES)]
        + [Pattern("labelled address", labelled, STRONG)],
        global_regex_flags=CASE_SENSITIVE,
    )


# ------------------------------------------------------------ record and ID numbers
_NUMBER_WORD = r"(?:\s+(?:number|no\.?|num\.?|#|id))?\s*(?:is\s+)?[:#]?\s*"
_VALUE = r"(?=[A-Z0-9\-]*\d)[A-Z0-9][A-Z0-9\-]{3,19}\b"
_MRN_LABELS = (
    r"mrn|m\.r\.n\.|medical\s+record|med\s+rec|record|chart|hospital|patient|pt\.?|account|encounter|case|unit"
)
_ID_LABELS = (
    r"ssn|social\s+security|insurance|insurance\s+id|member|policy|passport|driver'?s?\s+licen[cs]e|licen[cs]e"
    r"|nhs|medicare|medicaid|national\s+(?:id|insurance)|health\s+card|subscriber|beneficiary|id"
)


def record_number_recognizer() -> PatternRecognizer:
    # "MRN 00482913", "Medical record number 2231987", "Chart # 88-19-2203", "Patient #4471902"
    labelled = rf"(?<=\b(?i:{_MRN_LABELS}){_NUMBER_WORD}){_VALUE}"
    bare_mrn = r"(?<=\b(?i:mrn)\s*[:#]?\s*)[A-Z0-9][A-Z0-9\-]{3,19}\b"
    # "Patient #4471902" / "pt #12345": a number after a hash, next to a person word
    hashed = r"(?<=\b(?i:patient|pt\.?|case|bed)\s*#\s*)\d{3,12}\b"
    # A long bare number counts only next to a record word (the context enhancer).
    bare = r"\b\d{6,10}\b"
    return PatternRecognizer(
        supported_entity=MRN,
        name="medlit record numbers",
        patterns=[
            Pattern("labelled record number", labelled, STRONG),
            Pattern("mrn", bare_mrn, STRONG),
            Pattern("hash number", hashed, STRONG),
            Pattern("bare number", bare, 0.2),
        ],
        context=["mrn", "record", "chart", "hospital", "account", "encounter"],
        global_regex_flags=CASE_SENSITIVE,
    )


def id_number_recognizer() -> PatternRecognizer:
    labelled = rf"(?<=\b(?i:{_ID_LABELS}){_NUMBER_WORD}){_VALUE}"
    ssn = r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])"
    medicare_mbi = r"\b[1-9][A-Z][A-Z\d]\d-[A-Z][A-Z\d]\d-[A-Z]{2}\d{2}\b"
    nhs_spaced = r"(?<=\b(?i:nhs)[^\d]{0,12})\d{3}\s?\d{3}\s?\d{4}\b"
    return PatternRecognizer(
        supported_entity=ID,
        name="medlit ID numbers",
        patterns=[
            Pattern("labelled ID", labelled, STRONG),
            Pattern("US SSN", ssn, STRONG),
            Pattern("Medicare MBI", medicare_mbi, STRONG),
            Pattern("NHS number", nhs_spaced, 0.9),
        ],
        global_regex_flags=CASE_SENSITIVE,
    )


# ------------------------------------------------------------------------ names
_CAP = r"[A-Z][a-z]+(?:['’\-][A-Z]?[a-z]+)*"  # Smith, O'Brien, Al-Sayed, McDonald (Mc + Donald: below)
_SURNAME = rf"(?:(?:Mc|Mac|O['’]|D['’]|Al-|El-|Van\s|Von\s|De\s|Da\s|Di\s|Le\s|La\s)?{_CAP})"
_INITIAL = r"(?:[A-Z]\.\s*)"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Mister|Madam|Dr|Doctor|Prof|Professor|Sr|Sra|Herr|Frau|Mme|Mlle)"
_PERSON_WORDS = (
    r"patient|pt\.?|client|resident|named|(?<!so-)called|name\s+is|name:|son|daughter|wife|husband|mother|father"
    r"|brother|sister|grandmother|grandfather|baby|infant|neighbour|neighbor|friend|partner|colleague|family\s+of"
)
# Title-case words that end the name of a disease, test or trial, not of a person ("Hodgkin Lymphoma is").
_MEDICAL_NOUNS = (
    r"(?:Disease|Syndrome|Lymphoma|Leukemia|Leukaemia|Sarcoma|Carcinoma|Tumou?r|Cancer|Test|Score|Scale|Trial|Study"
    r"|Criteria|Sign|Index|Diet|Virus|Vaccine|Therapy|Classification|Questionnaire|Inventory|Method|Procedure|Rule)"
)
# Words that can follow a person word with a capital and are not names ("patient ID", "patient Health Questionnaire").
_NOT_NAMES = [
    "Health",
    "Questionnaire",
    "Reported",
    "Outcome",
    "Outcomes",
    "Safety",
    "Care",
    "Education",
    "Experience",
    "Portal",
    "Zero",
    "Number",
    "Record",
    "Declined",
    "Refused",
    "Advocate",
    "Advocacy",
    "Self",
    "Characteristics",
    "Demographics",
    "Population",
    "Selection",
]


def _alternation(names) -> str:
    return "|".join(sorted(names, key=lambda n: (-len(n), n)))


def person_recognizer() -> PatternRecognizer:
    given = _alternation(GIVEN - AMBIGUOUS)
    ambiguous = _alternation(GIVEN & AMBIGUOUS)
    alone = _alternation(GIVEN_ALONE)
    not_names = _alternation(_NOT_NAMES)
    name = rf"{_SURNAME}(?:\s+{_INITIAL}?{_SURNAME})?"
    patterns = [
        # Mr. Harold Jenkins, Mrs O'Brien, Dr. Patel, Mr. and Mrs. Yamamoto
        Pattern("titled", rf"(?<=\b{_TITLES}\.?\s+(?:and\s+{_TITLES}\.?\s+)?){_INITIAL}?{name}", STRONG),
        # patient Anna Schmidt, my patient Maria Gonzalez, named Giovanni Rossi, patient J.S.
        Pattern(
            "person word",
            rf"(?<=\b(?i:{_PERSON_WORDS})[,:]?\s+)(?!(?:{not_names})\b){name}(?:,\s+{_CAP}(?=\s+(?:is|was|has|had)\b))?",
            STRONG,
        ),
        Pattern("initials", r"(?<=\b(?i:patient|pt\.?)\s+)[A-Z]\.\s?[A-Z]\.?(?!\w)", STRONG),
        # Maria Gonzalez, Jennifer Wu, Thomas Anderson, Michael R. Johnson (a known given name and a surname)
        Pattern("given surname", rf"\b(?:{given})\s+{_INITIAL}?{_SURNAME}\b", STRONG),
        # Grace Lee, but not "May Aspirin..." at the start of a sentence
        Pattern("ambiguous given surname", rf"(?<=[a-z,;:]\s)(?:{ambiguous})\s+{_INITIAL}?{_SURNAME}\b", STRONG),
        # Xiomara Quispe has lupus: two name-shaped words doing what people do
        Pattern(
            "name doing",
            rf"\b{_CAP}\s+(?!{_MEDICAL_NOUNS}\b){_SURNAME}(?=\s+(?:has|had|is|was|presents|presented|reports|complains|developed|underwent)\s)",
            0.6,
        ),
        # Hernandez, Luis (surname first, as charts list them)
        Pattern("surname, given", rf"\b{_SURNAME},\s+(?:{given})\b", STRONG),
        # David has HIV, Sarah's HbA1c, Emily, 34, ...
        Pattern(
            "given name alone",
            rf"\b(?:{alone})(?=['’]s\b|,\s*\d{{1,3}}\b|,\s+(?:who|whose|aged?)\b|\s+(?:is|was|has|had|presents|presented"
            r"|reports|reported|complains|developed|takes|took|needs|underwent|came|comes|started|wants|asks|asked)\b)",
            0.7,
        ),
    ]
    return PatternRecognizer(
        supported_entity=PERSON,
        name="medlit person names",
        patterns=patterns,
        global_regex_flags=CASE_SENSITIVE,
    )


def all_recognizers() -> list[PatternRecognizer]:
    return [
        person_recognizer(),
        date_recognizer(),
        age_recognizer(),
        record_number_recognizer(),
        phone_recognizer(),
        email_recognizer(),
        address_recognizer(),
        id_number_recognizer(),
    ]
