"""What a question is specifically about, and whether the library mentions it at all.

Asked about a drug no article mentions, search still returns its nearest
neighbours: another drug of the same class, an older therapy for the same
disease. Quoting them would read as evidence about what was asked. So before
answering, the question's specific subjects are found and looked up in the
library's full-text index:

- a subject word is a word of the question that is rare in everyday English
  (``wordfreq``: a Zipf frequency under ``RARE_ZIPF``, so "dupilumab", "statin",
  "BRCA1" but not "water pill" or "heart attack"), or written like a name
  (an acronym such as HPV, letters with digits such as IL-6 or SGLT2);
- a capitalised word inside a sentence that is not everyday English (Zipf under
  ``PROPER_NOUN_ZIPF``) names something: "Ramadan", "Gardasil";
- neighbouring subject words form one subject ("Candida auris");
- a named therapy, device or agent made of less common words before a head noun
  ("proton beam therapy", "implantable loop recorder", "renal denervation", "e-cigarettes") is one
  subject, although none of its words is rare on its own: the library may hold
  "proton" and "therapy" without ever naming proton beam therapy;
- in a library of ``ABSENT_MIN_ARTICLES`` or more, an uncommon everyday word (Zipf under
  ``ABSENT_ZIPF``) that no article uses names what is asked about: "astronauts", "sauna", "head lice".
  Everyday words the library does use
  ("water pill") are lay wording and left alone; so are words built like adjectives or verbs
  ("trustworthy", "personalised", "acid-blocking");
- in such a library too, a group of people no article names ("prisoners", "truck drivers": ``POPULATIONS``),
  a therapy or substance named in everyday words that no article names ("tai chi": ``EVERYDAY_NAMES``), and a lay
  term the library names in no way, neither as written nor clinically (a "nose job" where no article
  mentions rhinoplasty), are missing;
- an acronym that is also an English word (TENS, PET) is mentioned only where an article writes it
  in capitals: the full-text index does not tell "TENS" from "tens of patients";
- a subject is mentioned when one article holds all its words side by side or
  within ``NEAR_SLACK`` words of each other (as FTS5 indexes them, so "vaccines"
  finds "vaccine"); a word one typing slip away from an indexed word
  ("metformine") counts as that word; so does a clipped word of a clinical note for the words the library
  writes in full ("spiro", "neoadj"), a closed compound for its two words ("needlestick": needle-stick), and a
  hyphenated word for its head ("AHI-defined": AHI).

The result feeds the abstention rule (``retrieval.answers.abstention``) and
names what is missing: "No article in this library mentions dupilumab."
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace
from functools import lru_cache

from retrieval.library import Library
from retrieval.search.abbreviations import ABBREVIATIONS, SPELLED_OUT
from retrieval.search.brand_names import BRAND_NAMES, COMBINATIONS
from retrieval.search.drug_classes import is_class_of
from retrieval.search.drug_dictionary import generic_name, is_drug_name, written_forms
from retrieval.search.everyday_names import POPULATION_SETTINGS, POPULATIONS, everyday_names
from retrieval.search.formulations import Formulation, formulation
from retrieval.search.greek_letters import greek_spellings
from retrieval.search.initials import is_initials, spelled_out
from retrieval.search.isotopes import nuclide, nuclide_spellings
from retrieval.search.lay_terms import LAY_TERMS, LayTerm, lay_terms
from retrieval.search.spelling import other_spellings
from retrieval.search.word_classes import (
    DOSE_UNITS,
    in_lexicon,
    is_noun,
    is_quantity,
    is_unit_of,
    is_verb,
    may_name_a_thing,
    reads_as_talk,
)
from retrieval.text import STOP_WORDS, word_spans
from retrieval.text import words as words_of

RARE_ZIPF = 3.0  # words rarer than this in everyday English name something specific (fitted on dev questions)
SLIP_ZIPF = 2.5  # below this, a word one slip from an everyday word is read as that word mistyped
PROPER_NOUN_ZIPF = 4.0  # a capitalised word inside a sentence rarer than this is a name (checked on dev questions)
MIN_TYPO_LENGTH = 6  # shorter words are too close to other real words to guess a typing slip
MIN_BRAND_TYPO_LENGTH = 5  # a brand is a short list: "zolof" is Zoloft
# A word this long two slips from a common word (one a doubled letter) is that word mistyped ("nessesary"); the
# common words are the most frequent ``COMMON_WORDS`` of English at Zipf ``COMMON_SLIP_ZIPF`` or more
MIN_DOUBLE_SLIP_LENGTH = 8
RUN_TOGETHER_ZIPF = 5.0  # two words this common typed as one ("alot") are those words
COMMON_WORDS = 30_000
COMMON_SLIP_ZIPF = 3.5
NEAR_SLACK = 2  # "renal sympathetic denervation" mentions renal denervation
# A dictionary word this common, in the story before a question, is how the asker tells it ("scaremongering")
STORY_ZIPF = 1.0
ABSENT_ZIPF = 4.0  # an everyday word rarer than this, never used by the library, names the subject (checked on dev)
# A smaller library lacks many everyday words ("stunt", "toxicity") without lacking the subject. A judgement,
# not a fit: the 5,124-article corpus lacks 21 of 66 everyday lay words of that frequency band (tummy, hives,
# snoring...), a test library of 35 articles most of them.
ABSENT_MIN_ARTICLES = 1_000
NOT_NAME_ENDINGS = ("worthy", "ised", "ized", "ful")  # "trustworthy", "personalised", "wishful": adjectives
# A drug the recogniser reads beside another, in a word rarer than this, is a subject too ("lithium" with
# ibuprofen); more common ones ("alcohol", "water", "sugar") are left to search
SECOND_DRUG_ZIPF = 4.0
MAX_TOGETHER = 10_000  # articles listed when asking which mention every subject
FAMILY_MIN_LENGTH = 8  # words this long are matched by all but their last FAMILY_CUT letters among articles
FAMILY_CUT = 2
DERIVED_SUFFIX = 3  # a porter stem this much shorter than its word has dropped a suffix, not a plural ending
_ROMAN = re.compile(r"[IVX]{1,4}(?:[-/][IVX]{1,4})?")  # "stage IV", "type II", "NYHA III-IV": numbers, not names
_TYPE_LETTER = re.compile(r"[A-HJ-Z]")  # "hepatitis C", "meningococcal B": the letter names which one
# Viruses whose types are numbered: "HPV 52" is one type (the library may hold only HPV 16), "HHV 7" another
NUMBERED_VIRUSES = frozenset({"hpv", "hhv", "hsv", "hiv", "htlv", "ev"})
_TYPE_NUMBER = re.compile(r"\d{1,3}")
NAMED_AT_MOST = 5
_HEAD_AFTER = re.compile(r"[ -](\w+)")  # the word right after a lay term  # missing subjects a sentence names
REREAD_AT_MOST = 20  # a multi-word subject found in this few articles is checked for its word order; pages of reading
VERB_AND_ADVERB_ENDINGS = ("ly", "ates", "ating", "izes", "izing", "ises", "ising")
# Nouns that turn the name before them into another thing: the Marburg virus is not the city of Marburg.
HEAD_NOUNS = frozenset(
    {
        *("virus", "viruses", "vaccine", "vaccines", "vaccination", "syndrome", "disease", "infection", "infections"),
        *("implant", "device", "inhibitor", "inhibitors", "antibody", "antibodies", "gene", "mutation"),
    }
)
# Head nouns of a therapy, device or agent named by the words before them; those words are less common
# than everyday ones (Zipf under MODIFIER_ZIPF, one under MODIFIER_ANCHOR_ZIPF: "cognitive behavioural
# therapy", not "new therapy"). Surgery and operations are left out: the words before them name a body
# part ("keyhole surgery", "bowel surgery"), not a distinct treatment. Chosen and checked on dev questions.
NAMED_BY_MODIFIERS = frozenset(
    {
        *("therapy", "therapies", "stimulation", "stimulator", "denervation", "thermoplasty", "ablation"),
        *("recorder", "recorders", "reserve", "device", "devices", "implant", "implants", "transplantation"),
        *("vaccine", "vaccines", "vaccination", "virus", "viruses", "cigarette", "cigarettes"),
        *("pump", "pumps", "fasting", "monitor", "monitors", "diet", "diets", "cooling", "patch", "patches"),
        *("balloon", "balloons", "spray", "sprays", "pouch", "pouches", "gum", "transplant", "transplants"),
        *("psychotherapy", "psychotherapies", "counselling", "counseling", "embolization", "embolisation", "training"),
        *("rehabilitation", "rehab"),
    }
)
# When and how a treatment is given, written before its name: "perioperative dexmedetomidine" is dexmedetomidine,
# which the library may name only with other words around it
WHEN_AND_HOW = frozenset(
    {
        *("perioperative", "preoperative", "intraoperative", "postoperative", "peri-operative", "pre-operative"),
        *("intra-operative", "post-operative", "intranasal", "subcutaneous", "intramuscular", "sublingual"),
        *("transdermal", "intrathecal", "epidural", "intra-articular", "intravitreal", "nebulised", "nebulized"),
        *("adjuvant", "neoadjuvant", "adjunctive", "prophylactic", "empiric", "empirical", "antenatal"),
        *("postnatal", "perinatal", "intrapartum", "preemptive", "pre-emptive", "periprocedural"),
        # and how urgently: "an emergency liver transplant" is a liver transplantation
        *("emergency", "emergent", "urgent", "elective", "salvage"),
    }
)
# … and written after it: "amifostine pretreatment" is amifostine, "ketorolac infusion" ketorolac
GIVEN_AS = frozenset(
    {
        *("pretreatment", "pre-treatment", "premedication", "prophylaxis", "monotherapy", "infusion", "infusions"),
        *("injection", "injections", "dosing", "regimen", "regimens", "doublet", "doublets", "triplet", "triplets"),
        # and what it is given for: "midazolam sedation" is midazolam, which abstracts give "for sedation"
        *("sedation", "anaesthesia", "anesthesia", "analgesia"),
    }
)
# … and how it is found in a patient: "cytomegalovirus seropositivity" is cytomegalovirus, measured
MEASURED_AS = frozenset(
    {
        *("seropositivity", "seropositive", "seronegative", "seronegativity", "seroprevalence", "seroconversion"),
        *("serostatus", "positivity", "viremia", "viraemia", "carriage", "colonization", "colonisation"),
    }
)
AFTER_THE_NAME = GIVEN_AS | MEASURED_AS  # trailing words dropped from a subject the library never writes whole
MODIFIER_ZIPF = 4.8
MODIFIER_ANCHOR_ZIPF = 4.2


@dataclass(frozen=True)
class Subject:
    text: str  # as written in the question
    words: tuple[str, ...]  # lower-cased
    articles: int  # articles that mention it (all its words); 0: the library never does
    read_as: str = ""  # the library's spelling, when the question's was one typing slip away
    everyday: bool = False  # an everyday word no article uses ("astronauts"), not a name
    # the names of the drug or other chemical it is (the entity recogniser's reading, or a brand and its
    # generics), each as words; none when it is no drug. "doxorubicin cardiotoxicity" is doxorubicin's.
    drug_names: tuple[tuple[str, ...], ...] = ()
    # other ways an article may write it, for choosing among the articles that hold it: an abbreviation
    # spelled out ("ORR": overall response rate), a lay term's clinical names; never for deciding it is held
    written_otherwise: tuple[tuple[str, ...], ...] = ()

    @property
    def chemical(self) -> bool:
        return bool(self.drug_names)

    @property
    def named_drug(self) -> bool:
        """A drug an answering article must name: not a two-letter abbreviation the recogniser reads as one ("OA/RA
        pts" means osteoarthritis, not okadaic acid; "the NG tube" is nasogastric)."""
        return self.chemical and len(self.text) > 2


@dataclass
class SubjectCoverage:
    """The question's subjects, and the articles that mention every one the library holds."""

    subjects: list[Subject] = field(default_factory=list)
    together: list[str] = field(default_factory=list)  # PMIDs of articles mentioning every present subject
    # PMIDs of articles mentioning every one of ``chemicals`` asked about together (each by one of its names;
    # "a quinolone like ofloxacin" by either): the articles that may answer "Is ibuprofen safe with lisinopril?"
    naming_every_chemical: list[str] = field(default_factory=list)

    @property
    def chemicals(self) -> list[str]:
        """The drugs and other chemicals the question names that the library holds."""
        return [s.text for s in self.subjects if s.articles and s.named_drug]

    def elsewhere_sentence(self) -> str:
        """Why no answer quotes an article: the library names the question's drugs only in articles about
        something else ("" when it names none)."""
        names = self.chemicals
        if not names:
            return ""
        if len(names) > 1 and not self.naming_every_chemical:
            return f"The library mentions {_listing(names, 'and')}, but no article mentions them together."
        return f"The library mentions {_listing(names, 'and')}, but in no article about the rest of this question."

    @property
    def missing(self) -> list[str]:
        return [s.text for s in self.subjects if not s.articles]

    @property
    def missing_names(self) -> list[str]:
        """The missing subjects that are names, not everyday words: what search itself cannot do without."""
        return [s.text for s in self.subjects if not s.articles and not s.everyday]

    @property
    def read_as(self) -> dict[str, str]:
        """The subjects looked up under another name, as written -> the library's name ("Zoloft" -> sertraline)."""
        return {s.text: s.read_as for s in self.subjects if s.read_as and s.articles}

    def in_library_words(self, question: str) -> str:
        """The question with each subject it misspelt written as the library spells it ("Is Zolof safe?" ->
        "Is sertraline safe?"): what a reader of the abstracts compares with their words.

        A lay term or brand name stays as written: the verdict reads it under all its names
        (``retrieval.answers.stance.question_terms``), and one library name alone would miss an article
        using another ("Tylenol" read as acetaminophen, in an article on paracetamol).
        """
        for written, name in sorted(self.read_as.items(), key=lambda item: -len(item[0])):
            if _is_other_name(written):
                continue
            question = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", name, question, flags=re.IGNORECASE)
        return question

    def with_names_read(self, question: str) -> str:
        """The question followed by the library's names of the subjects it names otherwise (``read_as``): what
        search needs to find the articles on a misspelt drug or a brand ("Zonegran" finds zonisamide)."""
        extra = [name for name in dict.fromkeys(self.read_as.values()) if name.lower() not in question.lower()]
        return " ".join([question, *extra])

    @property
    def present(self) -> list[Subject]:
        return [s for s in self.subjects if s.articles]

    def missing_sentence(self) -> str:
        """One sentence naming what the library lacks ("" when nothing is)."""
        missing = self.missing
        if not missing:
            return ""
        if len(missing) > NAMED_AT_MOST:  # a pasted page names hundreds: the sentence stays a sentence
            rest = len(missing) - NAMED_AT_MOST
            missing = [*missing[:NAMED_AT_MOST], f"{rest} other term{'s' if rest > 1 else ''} of the question"]
        return f"No article in this library mentions {_listing(missing, 'or')}."


def _is_other_name(text: str) -> bool:
    """Whether ``text`` is, whole, a lay term, brand name or abbreviation (``retrieval.search.lay_terms``)."""
    found = lay_terms(text)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(text)


def _listing(names: list[str], last: str) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {last} " + names[-1]


def is_subject_word(word: str) -> bool:
    """A word, as written, that names something specific: rare in everyday English, an acronym, or a code."""
    lower = word.lower()
    if lower in STOP_WORDS or len(lower) < 2 or lower.isdigit() or _ROMAN.fullmatch(word):
        return False
    if is_code(word):
        return True
    if lower.endswith(VERB_AND_ADVERB_ENDINGS):  # "predominates", "markedly": rare words, but no names
        return False
    frequency = zipf(lower)
    if len(lower) <= 3 or frequency >= RARE_ZIPF:
        return False
    if frequency < SLIP_ZIPF and _slip_of_common_word(lower):  # a slip, unless a brand typed in lower case
        return bool(_slip_of_brand(lower)) or is_drug_name(lower)
    return True


@lru_cache(maxsize=4096)
def _slip_of_brand(word: str) -> str:
    """The drug brand ``word`` is one typing slip from ("linzes": Linzess, "zolof": Zoloft), "" if none: a
    brand misspelt is that brand, not the everyday word it is also one slip from ("lines")."""
    if word in BRAND_NAMES or len(word) < MIN_BRAND_TYPO_LENGTH or _in_dictionary(word):
        return ""
    return min(_one_slip(word) & BRAND_NAMES.keys(), default="")


def is_code(word: str) -> bool:
    """An acronym or code: HPV, SGLT2, IL-6, BRCA1."""
    return sum(c.isupper() for c in word) >= 2 or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))


def _slip_of_common_word(word: str) -> bool:
    """A rare word one typing slip from an everyday word ("theyd", "diabtes") is that word misspelled; so is a
    long one a doubled or undoubled letter and one more slip away from a common word ("nessesary")."""
    if _in_dictionary(word):  # "needling" is no misspelt "needing"
        return False
    if any(zipf(other) >= RARE_ZIPF for other in _one_slip(word) if len(other) > 3):
        return True
    if _run_together(word):
        return True
    if len(word) < MIN_DOUBLE_SLIP_LENGTH:
        return False
    skeleton, common = _skeleton(word), _common_skeletons()
    return skeleton in common or any(other in common for other in _one_slip(skeleton))


def _run_together(word: str) -> bool:
    """Whether ``word`` is two everyday words typed as one ("alot", "aswell"; a single letter other than "a" is
    no word: "tart" is no "t art")."""
    if not word.isalpha():
        return False
    splits = [(word[:i], word[i:]) for i in range(1, len(word) - 1) if i > 1 or word[0] == "a"]
    return any(zipf(a) >= RUN_TOGETHER_ZIPF and zipf(b) >= RUN_TOGETHER_ZIPF for a, b in splits)


def _skeleton(word: str) -> str:
    """``word`` with every run of one letter written once: "necessary" and "nessesary" differ by one letter."""
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=1)
def _common_skeletons() -> frozenset[str]:
    """Skeletons of the common English words as long as ``MIN_DOUBLE_SLIP_LENGTH`` or longer."""
    from wordfreq import top_n_list

    common = [w for w in top_n_list("en", COMMON_WORDS) if len(w) >= MIN_DOUBLE_SLIP_LENGTH and w.isalpha()]
    return frozenset(_skeleton(w) for w in common if zipf(w) >= COMMON_SLIP_ZIPF)


def _in_dictionary(word: str) -> bool:
    """Whether a dictionary lists ``word``, or its singular ("poppers": popper)."""
    words = _dictionary()
    return word in words or (word.endswith("s") and word[:-1] in words) or (word.endswith("es") and word[:-2] in words)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """English words as dictionaries list them (Webster's and GCIDE): a rare word in it is a real word, not a
    typing slip."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True))


@lru_cache(maxsize=4096)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def question_subjects(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """The question's subjects as (text as written, words).

    Neighbouring subject words are one subject ("Candida auris"), and so is a subject word followed by
    a head noun that makes it a different thing ("Marburg virus", "HPV vaccine"); a code stands alone
    ("IV levothyroxine" is levothyroxine given intravenously, not a name). A named therapy or device
    ("proton beam therapy") is one subject and absorbs the subject words inside it.
    """
    return [(question[start:end], words) for (start, end), words in _subject_spans(question)]


def _subject_spans(question: str) -> list[tuple[tuple[int, int], tuple[str, ...]]]:
    """``question_subjects`` with each subject's character span in the question."""
    spans = word_spans(question)
    talk = _talk(question, spans)
    runs: list[list[tuple[int, int]]] = []
    for i, (start, end) in enumerate(spans):
        word = question[start:end]
        joins = bool(runs) and runs[-1][-1] == spans[i - 1] and _adjacent(question, spans[i - 1], (start, end))
        joins = joins and not _TYPE_NUMBER.fullmatch(question[slice(*spans[i - 1])])  # "HHV 6 reactivation": HHV 6
        if (
            (is_subject_word(word) or _epithet(question, spans, i) or _dosed(question, spans, i)) and i not in talk
        ) or (i and _is_proper_noun(word, question[spans[i - 1][1] : start])):
            if joins and is_code(word) == is_code(question[slice(*runs[-1][-1])]):
                runs[-1].append((start, end))
            else:
                runs.append([(start, end)])
        elif joins and (
            word.lower() in HEAD_NOUNS or _TYPE_LETTER.fullmatch(word) or _numbered_type(question, spans, i)
        ):
            runs[-1].append((start, end))
    for named in _named_by_modifiers(question, spans) + _capitalised_names(question, spans) + _made(question, spans):
        if not any(run[0][0] <= named[0][0] and named[-1][1] <= run[-1][1] for run in runs):
            runs = [run for run in runs if run[-1][1] <= named[0][0] or run[0][0] >= named[-1][1]] + [named]
    runs.sort()
    out = [((run[0][0], run[-1][1]), tuple(_lookup_form(question[s:e]) for s, e in run)) for run in runs]
    for allele in _ALLELE.finditer(question):  # "HLA-B*58:01" is one subject, not HLA-B
        start, end = allele.span()
        out = [o for o in out if o[0][1] <= start or o[0][0] >= end]
        out.append(((start, end), (allele.group(1).lower(), allele.group(2) + (allele.group(3) or ""))))
    return sorted(out)


_DOSE_AFTER = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:" + "|".join(sorted(DOSE_UNITS, key=len, reverse=True)) + r")\b", re.I)


def _numbered_type(question: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether the ``i``-th word is the number of a virus's type written apart from it ("HPV 52")."""
    before = question[slice(*spans[i - 1])].lower() if i else ""
    return bool(_TYPE_NUMBER.fullmatch(question[slice(*spans[i])])) and before in NUMBERED_VIRUSES


def _dosed(question: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether the ``i``-th word is a rare word given with a dose ("axert 12.5mg", "mavik 2mg"): a drug's name,
    not a misspelt everyday word ("alert"), however close it is to one."""
    word = question[slice(*spans[i])].lower()
    dosed = _DOSE_AFTER.match(question, spans[i][1])
    return bool(dosed) and word.isalpha() and len(word) > 3 and word not in STOP_WORDS and zipf(word) < RARE_ZIPF


# a genus and a species with a Latin ending: "Plasmodium malariae", "Candida albicans", "Escherichia coli"
_BINOMIAL = re.compile(r"[A-Z][a-z]{3,} [a-z]{2,}(?:ae|i|us|um|is|ans|ens|es)")


def _epithet(question: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether the ``i``-th word is a species named after its genus ("Plasmodium malariae", "Streptococcus
    pneumoniae"): a rare lower-case word after a rare capitalised one, never a misspelt "malaria" or "pneumonia"."""
    if not i:
        return False
    genus, word = question[slice(*spans[i - 1])], question[slice(*spans[i])]
    return (
        len(genus) >= 4
        and genus[0].isupper()
        and genus[1:].islower()
        and is_subject_word(genus)
        and word.isalpha()
        and word.islower()
        and zipf(word) < RARE_ZIPF
        and _adjacent(question, spans[i - 1], spans[i])
    )


# An HLA allele as people write it: HLA-B*58:01, HLA-B*5801, HLA-DRB1*04:01 (abstracts write either form)
_ALLELE = re.compile(r"\b(HLA-[A-Z]{1,4}\d?)\s?\*\s?(\d{2,4})(?::(\d{2,3}))?\b")


def _talk(question: str, spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the words (of ``spans``) that are how the asker talks (``reads_as_talk``), and of the everyday
    words of the story told before the question ("… I can't tell if it's just scaremongering. How common …?")."""
    lower = [question[a:b].lower() for a, b in spans]
    asking, asked = asking_sentences(question, referred=False), asking_sentences(question)
    last = question.rfind("?") + 1 or len(question)  # what follows the last question tells more of it

    def told(i: int) -> bool:  # a sentence the question refers back to lends it its nouns ("… try hydrotherapy")
        a = spans[i][0]  # and its words no lexicon knows ("swears by karela juice. Does it …?"); so does one after
        unknown = not in_lexicon(lower[i])  # it ("… reheated rice? My flatmate says it's Bacillus cereus.")
        referred = any(x <= a < y for x, y in asked) and (is_noun(lower[i]) or unknown)
        if any(x <= a < y for x, y in asking) or referred or (a >= last and unknown):
            return False
        return (_in_dictionary(lower[i]) or in_lexicon(lower[i])) and zipf(lower[i]) >= STORY_ZIPF

    return {i for i in range(len(spans)) if told(i) or reads_as_talk(lower, i)}


def _lookup_form(word: str) -> str:
    """A word as it is looked up: lower case, without a possessive ("Crohn's disease" is also "Crohn disease")."""
    lower = word.lower()
    return lower[:-2] if lower.endswith(("'s", "’s")) and len(lower) > 3 else lower  # "the RN's": RN


def _is_proper_noun(word: str, before: str) -> bool:
    """A capitalised word that does not open a sentence and is not everyday English ("during Ramadan")."""
    return (
        len(word) > 3
        and word[0].isupper()
        and word[1:].islower()
        and not before.strip().endswith((".", "?", "!", ":"))
        and zipf(word.lower()) < PROPER_NOUN_ZIPF
    )


def _capitalised_names(question: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Two or more capitalised words together inside a sentence name one thing, everyday words or not
    ("Apple Watch", "West Nile"); not in a question written in title case, where every word is capitalised."""
    words = [question[s:e] for s, e in spans]
    capital = [len(w) > 1 and w[0].isupper() and w[1:].islower() for w in words]
    if _in_title_case(words):
        return []
    names, run = [], []
    for i, span in enumerate(spans):
        inside = i > 0 and not question[spans[i - 1][1] : span[0]].strip().endswith((".", "?", "!", ":"))
        if capital[i] and inside and (not run or _adjacent(question, run[-1], span)):
            run.append(span)
            continue
        if len(run) > 1:
            names.append(run)
        run = [span] if capital[i] and inside else []
    if len(run) > 1:
        names.append(run)
    return names


def _in_title_case(words: list[str]) -> bool:
    """Whether a question is written in title case, every word capitalised: its capitals name nothing."""
    capitalised = sum(len(w) > 1 and w[0].isupper() and w[1:].islower() for w in words[1:])
    return capitalised * 2 > sum(1 for w in words[1:] if len(w) > 3)


def _adjacent(question: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    """Whether two words are next to each other: nothing between them but a space or a hyphen; a dash with
    spaces either side parts clauses ("… or CTCA - 6-wk MACE risk?")."""
    between = question[left[1] : right[0]]
    return between.strip() == "" or (between.strip() == "-" and not (between[0].isspace() and between[-1].isspace()))


def _named_by_modifiers(question: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Spans of therapies and devices named by less common words before a head noun ("proton beam therapy")."""
    named = []
    for i, (start, end) in enumerate(spans):
        head = question[start:end].lower()
        if "-" in head and head.rsplit("-", 1)[1] in NAMED_BY_MODIFIERS:  # "e-cigarettes": the name is the word
            named.append([(start, end)])
            continue
        if head not in NAMED_BY_MODIFIERS:
            continue
        first = i
        while first > 0 and _adjacent(question, spans[first - 1], spans[first]):
            before = question[slice(*spans[first - 1])].lower()
            if before in STOP_WORDS or before in NAMED_BY_MODIFIERS or before.endswith("ing") or before.isdigit():
                break
            if is_quantity(before) or is_unit_of(before, question[slice(*spans[first - 2])] if first > 1 else ""):
                # "oral verapamil 80mg stimulation", "80 mg stimulation": a dose ends the name
                break
            if before.endswith(("'s", "’s")) and zipf(before[:-2]) >= MODIFIER_ZIPF:  # "a child's liver transplant"
                break
            if zipf(before) >= MODIFIER_ZIPF or before.endswith(VERB_AND_ADVERB_ENDINGS):
                break
            first -= 1
        modifiers = [question[slice(*spans[j])].lower() for j in range(first, i)]
        if modifiers and min(zipf(m) for m in modifiers) < MODIFIER_ANCHOR_ZIPF:
            named.append(spans[first : i + 1])
    return named


# Words that make an everyday noun a made thing: "the artificial pancreas", "a bionic eye", "smart inhalers"
MADE_MODIFIERS = frozenset({"artificial", "bionic", "smart"})
_NOT_MADE = frozenset({"phone", "phones"})  # a smart phone is where an app runs, not what is asked about


def _made(question: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Spans of a made thing named by a modifier and an everyday noun ("artificial pancreas"): the library may
    hold the pancreas and never an artificial one."""
    made = []
    for i, (start, end) in enumerate(spans[:-1]):
        following = question[slice(*spans[i + 1])].lower()
        names = following not in STOP_WORDS and following not in _NOT_MADE
        if names and question[start:end].lower() in MADE_MODIFIERS and _adjacent(question, (start, end), spans[i + 1]):
            made.append([(start, end), spans[i + 1]])
    return made


def phrase(words: tuple[str, ...]) -> str:
    """An FTS5 query for articles holding the words side by side, in order (quoted: no user syntax reaches FTS5)."""
    return '"' + " ".join(words).replace('"', '""') + '"'


# Prefixes a compound is written with or without a hyphen: "longstanding" or "long-standing", "postoperative"
COMPOUND_PREFIXES = ("long", "short", "post", "pre", "non", "anti", "over", "under", "self", "well", "half", "mid")
COMPOUND_REST_MIN = 4  # letters after the prefix: "premature" is no "pre-mature" (5), "prefer" is none


def _unjoined(word: str) -> tuple[str, ...]:
    """A closed compound as its prefix and the rest ("longstanding": long, standing), or the word itself."""
    for prefix in COMPOUND_PREFIXES:
        if word.isalpha() and word.startswith(prefix) and len(word) - len(prefix) >= COMPOUND_REST_MIN:
            return (prefix, word[len(prefix) :])
    return (word,)


_LETTERS_THEN_DIGITS = re.compile(r"([a-z]+)(\d+)")
_CLE = re.compile(r"(?<=[a-z]{3})cles?$")  # clavicle, ventricle, testicle: their adjective ends in -cular


def _letters_then_digits(word: str) -> tuple[str, ...]:
    """A code of letters then digits as its two parts ("ld10": ld, 10), or the word itself; also the word itself
    when the index would stem the letters ("pms2" is no "PM(2.5)")."""
    code = _LETTERS_THEN_DIGITS.fullmatch(word)
    return (code[1], code[2]) if code and _porter(code[1]) == code[1] else (word,)


def spellings(words: tuple[str, ...]) -> str:
    """The words as a phrase, or within ``NEAR_SLACK`` words of each other, a gene and its variant anywhere in one
    article ("ATTR" and "V30M"), or hyphenated words written as one
    ("non-sedating" or "nonsedating") and the reverse ("longstanding" or "long-standing"), a code of letters and
    digits written apart ("LD10" or "LD(10)", "SGLT2" or "SGLT-2"), a nuclide however written ("Ga-67" or
    "67Ga"), a Greek letter typed or written ("PDGFRA" or "PDGFRα"), a noun in "-cle" beside another word as its
    adjective ("midshaft clavicle" or "midshaft clavicular"), or spelt the British or the American way."""
    joined = tuple(w.replace("-", "") for w in words)
    unjoined = tuple(part for w in words for part in _unjoined(w))
    spaced = tuple(part for w in words for part in _letters_then_digits(w))  # "LD10" is written "LD(10)", "SGLT-2"
    adjectival = tuple(_CLE.sub("cular", w) for w in words)  # "midshaft clavicle" is written "midshaft clavicular"
    parts = _parts(words)  # "cyanidin-3-glucoside" and 3-O-glucoside
    forms = [phrase(words)]
    if unjoined != words:
        forms.append(phrase(unjoined))
    if len(parts) > 1:
        # FTS5 counts the tokens between the first and the last part, the inner parts included
        forms.append(f"NEAR({' '.join(phrase((part,)) for part in parts)}, {NEAR_SLACK + len(parts) - 2})")
    if joined != words:
        forms.append(phrase(joined))
    if spaced != words:
        forms.append(phrase(spaced))
    if len(words) == 2 and words[1].isdigit() and words[0].isalpha():  # "HPV 16" is written "HPV16" too
        forms.append(phrase((words[0] + words[1],)))
    if adjectival != words and len(words) > 1:
        forms.append(phrase(adjectival))
    forms.extend(phrase(other) for other in other_spellings(words))  # "haemolytic" or "hemolytic"
    forms.extend(phrase(other) for other in nuclide_spellings(words))  # "Tl-201" or "thallium-201"
    forms.extend(phrase(other) for other in greek_spellings(words, _gene_symbol))  # "PDGFRA" or "PDGFRα"
    if len(words) == 2 and _VARIANT.fullmatch(words[1]):  # "ATTR V30M": the variant and its gene apart in one article
        forms.append(f"({phrase((words[0],))} AND {phrase((words[1],))})")
    return " OR ".join(forms)


_VARIANT = re.compile(r"[a-z]\d{1,4}[a-z]")  # a protein change in one-letter codes: "v30m", "r47h"


def _gene_symbol(word: str) -> bool:
    """Whether a word is no word of English or medicine, so its last letter may stand for a Greek one ("pdgfra")."""
    return zipf(word) == 0 and not _in_dictionary(word)


def word_family(words: tuple[str, ...]) -> str:
    """An FTS5 query for the words' family: each long word by its first letters ("angiogram" finds
    angiography), so that the articles naming a subject another way still count as naming it.

    Only for choosing among articles the library holds, never for deciding that a subject is there:
    "angiogra*" must not make "angiogram" present in a library that only says "angiography".
    """
    parts = [f'"{w[:-FAMILY_CUT]}"*' if len(w) >= FAMILY_MIN_LENGTH and w.isalpha() else phrase((w,)) for w in words]
    return f"NEAR({' '.join(parts)}, {NEAR_SLACK})" if len(parts) > 1 else parts[0]


def subject_coverage(library: Library, question: str, drugs: bool = True) -> SubjectCoverage:
    """Which of the question's subjects the library mentions, and the articles that mention them all.

    ``drugs``: also read which subjects are drugs (the entity recogniser: its model loads once, then a few
    milliseconds a question); an answer needs that, a search's relevance bar does not.
    """
    coverage = SubjectCoverage()
    read, unknown = _read_lay_terms(library, question)
    named = _subject_spans(question)
    everyday = library.store.holds_at_least(ABSENT_MIN_ARTICLES)  # a library large enough to lack everyday words
    for start, end in everyday_names(question) if everyday else []:
        # a known name is read whole: "St John's wort" is not "St John's" and "wort", and the modifiers before
        # "GP suggested interpersonal psychotherapy" are no part of it
        named = [n for n in named if n[0] == (start, end) or n[0][1] <= start or n[0][0] >= end]
    chemical_spans = _chemical_spans(question) if named and drugs else []
    product_end = 0  # where the last product whose form matters ends: "XR" of "Seroquel XR" is no subject of its own
    for (start, end), words in named:
        if start < product_end:
            continue
        text = question[start:end]
        lay = next((r for r in read if r.term.start < end and start < r.term.end), None)
        if lay is not None and start < lay.term.start and lay.term.end == end:  # "pulmonary rehab": rehabilitation
            words = (*words_of(question[start : lay.term.start].lower()), *lay.words)
            coverage.subjects.append(Subject(text, words, _mentions(library, text, words), " ".join(words)))
            continue
        if lay is not None:  # "chickenpox": the library calls it varicella
            names = _drug_names(lay.term.text, (), [])
            reading = " ".join(lay.words)
            if names and (form := formulation(question, lay.term.start, lay.term.end)):
                # "Risperdal Consta" is a long-acting injection of risperidone: the library may hold only the tablets
                count = _form_mentions(library, names, form)
                coverage.subjects.append(Subject(form.written, lay.words, count, reading, drug_names=names))
                product_end = lay.term.start + len(form.written)
                continue
            coverage.subjects.append(Subject(lay.term.text, lay.words, lay.articles, reading, drug_names=names))
            continue
        proper = frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", text) if start and w.istitle())
        words, read_as = _spelled_as_indexed(library, words, proper)
        after = next(
            (r.term for r in read if r.term.start >= end and _adjacent(question, (start, end), (r.term.start, 0))), None
        )
        kind = next((n for n in after.clinical if n.split()[-1] in HEAD_NOUNS), None) if after else None
        if kind is not None and not is_drug_name(text):  # "HPV jab" is an HPV vaccination, a "heparin jab" no vaccine
            text, words = question[start : after.end], (*words, *words_of(kind))
            read_as = " ".join(words)
        brand = _slip_of_brand(text.lower())
        names = _drug_names(brand or text, words, [question[a:b] for a, b in chemical_spans if a < end and start < b])
        mentions = _mentions(library, text, words)
        if not mentions and len(words) > 1 and words[0] in WHEN_AND_HOW:  # "perioperative dexmedetomidine"
            words, read_as = words[1:], " ".join(words[1:])
            mentions = _mentions(library, read_as, words)
        generic = generic_name(words[0]) if len(words) == 1 and not brand else ""
        generic_words = tuple(words_of(generic))
        if mentions and _other_molecule(words[0], generic):  # "nexavar" in 3 articles, sorafenib in 7: read both
            names, read_as = tuple(dict.fromkeys((*names, words, generic_words))), generic
        generic_mentions = _mentions(library, generic, generic_words) if generic and not mentions else 0
        if generic_mentions:  # "Zonegran" is zonisamide
            words, read_as, names, mentions = generic_words, generic, (words, generic_words), generic_mentions
        form = formulation(question, start, end) if names and _is_brand(text) else None
        if form:  # "Sandostatin LAR", "Seroquel XR", "Intuniv" (a generic's own name tells its form: "… enanthate")
            text, mentions = form.written, _form_mentions(library, names, form)
            product_end = start + len(form.written)
        induced = _induced(words, names) if not mentions else ()
        if induced and (induced_mentions := _mentions(library, " ".join(induced), induced)):
            words, read_as, mentions = induced, " ".join(induced), induced_mentions  # "cyclophosphamide … cystitis"
        if not mentions and len(words) > 1 and words[-1] in AFTER_THE_NAME:  # "amifostine pretreatment"
            words, read_as = words[:-1], " ".join(words[:-1])
            mentions = _mentions(library, read_as, words)
        staged = _STAGED.fullmatch(words[0]) if not mentions and len(words) == 1 else None
        if staged and _spelled_out(staged[1]):  # "CKD4" is CKD (a gene, "BRCA2", is no stage of BRCA)
            text, words, read_as = text[: len(staged[1])], (staged[1],), staged[1]
            mentions = _mentions(library, text, words)
        otherwise = tuple(tuple(words_of(name)) for name in _spelled_out(text))
        if not mentions and len(words) == 1 and (clipped := _unclipped(library, words[0])):  # "spiro", "neoadj"
            mentions = library.store.matching_count(" OR ".join(phrase((term,)) for term in clipped))
            otherwise += tuple((term,) for term in clipped)
        if not mentions and len(words) == 1:  # "from Morocco": the library's Moroccans
            mentions = _people_of(library, text)
        if not mentions and len(words) == 1 and (in_blood := _in_the_blood(library, words[0])):  # "macroprolactin"
            mentions = library.store.matching_count(phrase((in_blood,)))
            otherwise += ((in_blood,),)
        coverage.subjects.append(Subject(text, words, mentions, read_as, drug_names=names, written_otherwise=otherwise))
    coverage.subjects.extend(_vaccines_against(library, question, coverage.present))
    if any(s.chemical for s in coverage.subjects):  # "Does lithium interact with ibuprofen?"
        coverage.subjects.extend(_second_drugs(library, question, chemical_spans, [span for span, _ in named]))
    taken = {word for _, words in named for word in words}
    taken |= {word for r in read for word in words_of(r.term.text)}
    if everyday:
        unused = _unused_names(library, question, taken) + _absent_populations(library, question, taken)
        unused += _absent_types(library, question, taken)
        unused += [(term.text, tuple(words_of(term.text))) for term in unknown]
        coverage.subjects.extend(Subject(text, words, 0, everyday=True) for text, words in unused)
        coverage.subjects.extend(_everyday_named(library, question, taken) + _asked_thing(library, question, taken))
        known = {s.text.lower() for s in coverage.subjects}  # "the Alexander technique" is read as one already
        coverage.subjects.extend(s for s in _eponymous(library, question, taken) if s.text.lower() not in known)
    coverage.subjects = list({s.text.lower(): s for s in coverage.subjects}.values())  # a lay term once
    coverage.subjects = [s for s in coverage.subjects if not _glossed(question, s, coverage.present)]
    coverage.subjects = [s for s in coverage.subjects if not _two_joined(library, s)]
    coverage.subjects = [_initials_read(library, s, coverage.present) for s in coverage.subjects]
    if coverage.present:
        coverage.together = _naming_all(library, coverage.present, question)
    if coverage.chemicals:
        naming = [
            {pmid for s in group for n in s.drug_names for pmid in _naming_all(library, [Subject(" ".join(n), n, 1)])}
            for group in _asked_together(question, [s for s in coverage.present if s.named_drug])
        ]
        coverage.naming_every_chemical = sorted(set.intersection(*naming))
    return coverage


_VACCINE_AGAINST = re.compile(r"\b(?:vaccines?|vaccinations?|jabs?|immuni[sz]ations?)\s+(?:against|for)\s+", re.I)


def _vaccines_against(library: Library, question: str, present: list[Subject]) -> list[Subject]:
    """A vaccine named by what it is against ("a vaccine against Helicobacter pylori") when no article names both
    the pathogen and a vaccine: the library may hold the pathogen and never a vaccine against it, and its articles
    on the pathogen answer nothing. (An article on "antibody concentrations against tetanus" after vaccination
    names the vaccine apart from the pathogen: both in one article will do.)"""
    out = []
    for match in _VACCINE_AGAINST.finditer(question):
        rest = question[match.end() :].lower()
        for subject in present:
            named = rest.startswith(subject.text.lower())
            if named and not library.store.matching_count(f'{phrase(subject.words)} AND "vaccin"*'):
                out.append(Subject(f"{subject.text} vaccine", (*subject.words, "vaccine"), 0))
    return out


INITIALS_READ_IN = 30  # articles naming the rest of a question read for what its initials stand for


def _initials_read(library: Library, subject: Subject, present: list[Subject]) -> Subject:
    """``subject`` read as the words its initials stand for when no article writes them ("type IV OI" in a
    question on pamidronate: the pamidronate articles write "osteogenesis imperfecta"), else as it is."""
    if subject.articles or not present or not is_initials(subject.text):
        return subject
    pmids = _naming_all(library, present)[:INITIALS_READ_IN]
    if not pmids:  # no article names all the rest: those naming each part of it
        each = max(1, INITIALS_READ_IN // len(present))
        pmids = list(dict.fromkeys(p for s in present for p in _naming_all(library, [s])[:each]))
    texts = library.store.titles_and_abstracts(pmids)
    written = spelled_out(subject.text, (f"{t} {a}" for t, a in texts.values()), _rare_or_a_name)
    if not written:
        return subject
    return replace(subject, articles=_mentions(library, written, tuple(words_of(written))), read_as=written)


def _rare_or_a_name(word: str) -> bool:
    """Whether a word as a text writes it is rare in everyday English, or a name no dictionary lists ("Jensen")."""
    return zipf(word.lower()) < RARE_ZIPF or (word[0].isupper() and not _in_dictionary(word.lower()))


_JOINED = re.compile(r"([a-z]{3,})-(?:plus|and|with|or)-([a-z]{3,})")


def _two_joined(library: Library, subject: Subject) -> bool:
    """Whether a subject the library lacks is two things it holds, joined by hyphens: "steroid-plus-gentamicin
    ear drops" name a steroid and gentamicin, which no article needs to write as one word."""
    if subject.articles:
        return False
    joined = [match for match in map(_JOINED.fullmatch, subject.words) if match]
    return bool(joined) and all(_used(library, part) for part in joined[0].groups())


def _glossed(question: str, subject: Subject, present: list[Subject]) -> bool:
    """Whether a subject the library lacks is another name the question gives for a present one, in
    parentheses: "Cafergot (ergotamine with caffeine)", "ergotamine (Cafergot)".

    The parenthesis must open with the present name: "tirzepatide (like semaglutide)" names two drugs. It may
    follow the head noun after the subject: "keyhole gallbladder removal (laparoscopic cholecystectomy)". A
    name in parentheses after one of a kind is that one, no gloss: "a low-molecular-weight heparin (nadroparin)".
    """
    if subject.articles or subject.everyday:
        return False
    lower, text = question.lower(), subject.text.lower()
    at = lower.find(text)
    if at < 0:
        return False
    names = [re.escape(p.text.lower()) for p in present]
    if not names:
        return False
    after = re.compile(rf"(?:\s+[\w-]+)?\s*\(\s*(?:{'|'.join(names)})(?![\w-])")  # "… gallbladder removal (lap"
    before = re.compile(rf"(?<![\w-])(?:{'|'.join(names)})\s*\(\s*$")
    closes = re.match(r"\s*\)", lower[at + len(text) :])
    glossing = before.search(lower[:at]) if closes else None
    # "a low-molecular-weight heparin (nadroparin)" names one of a kind, not the kind again
    instance = glossing is not None and _ONE_OF_A_KIND.search(lower[: glossing.start()])
    return bool(after.match(lower, at + len(text)) or (glossing and not instance))


_ONE_OF_A_KIND = re.compile(r"\b(?:a|an|another)\s+(?:[\w-]+\s+){0,2}$")


def _naming_all(library: Library, subjects: list[Subject], question: str = "") -> list[str]:
    """PMIDs of the articles that name every one of ``subjects``, each as written or by its word family; two
    named side by side in ``question`` ("Seroquel (quetiapine)") are one subject named either way."""
    groups = _in_groups(question, subjects, one_of=False) if question else [[s] for s in subjects]
    every = " AND ".join("(" + " OR ".join(_named_as(s) for s in group) + ")" for group in groups)
    return library.store.matching_pmids(every, MAX_TOGETHER)


def _named_as(subject: Subject) -> str:
    """An FTS5 query for articles naming ``subject``: as written, by its word family, by another name of the
    drug it is (Taxol's articles say paclitaxel), or spelled out ("DVT": deep vein thrombosis)."""
    names = dict.fromkeys([subject.words, *subject.drug_names, *subject.written_otherwise])
    return " OR ".join(f"{spellings(words)} OR {word_family(words)}" for words in names)


def _spelled_out(text: str) -> tuple[str, ...]:
    """The names an abbreviation or a lay term is spelled out as, when the question's subject is one."""
    key = text.lower()
    return SPELLED_OUT.get(key) or ABBREVIATIONS.get(key) or LAY_TERMS.get(key) or ()


# Ions and sugars by the word for their level in the blood: an article on low potassium says "hypokalemia"
BLOOD_LEVELS = {
    "potassium": "kalemia",
    "sodium": "natremia",
    "calcium": "calcemia",
    "magnesium": "magnesemia",
    "phosphate": "phosphatemia",
    "glucose": "glycemia",
}


def _drug_names(text: str, words: tuple[str, ...], recognised: list[str]) -> tuple[tuple[str, ...], ...]:
    """The names a subject goes by as a drug: the recogniser's drug inside it, or the subject itself when it
    is a brand or generic of the brand table (the recogniser misses "Botox"), a brand with its generics
    (articles on Coumadin say warfarin); none when it is no drug."""
    key = text.lower()
    if key in LAY_TERMS:  # named clinically too: "IV steroids" are corticosteroids, "by keyhole" laparoscopic
        lay = (tuple(words_of(key)), *(tuple(words_of(name)) for name in LAY_TERMS[key]))
        return lay if recognised else ()
    if key in BLOOD_LEVELS:  # "can levodopa make your potassium go low?": articles say hypokalemia
        return ((key,), *((f"{side}{BLOOD_LEVELS[key]}",) for side in ("hypo", "hyper")))
    if key in BRAND_NAMES:
        return (tuple(words_of(key)), *(tuple(words_of(generic)) for generic in BRAND_NAMES[key]))
    if recognised or key in _generics():
        names = tuple(dict.fromkeys(tuple(_lookup_form(w) for w in words_of(name)) for name in recognised)) or (words,)
        # the name used elsewhere ("lignocaine" is lidocaine, "suxamethonium" succinylcholine) and the chemical
        # ways of writing it ("l-dopa")
        others = [form for name in names if len(name) == 1 for form in (generic_name(name[0]), *written_forms(name[0]))]
        return tuple(dict.fromkeys(names + tuple(tuple(words_of(form)) for form in others if form)))
    return ()


@lru_cache(maxsize=1)
def _generics() -> frozenset[str]:
    return frozenset(generic for generics in BRAND_NAMES.values() for generic in generics)


# Words between two drugs that make the second an example of the first ("a quinolone like ofloxacin"), or
# either one enough ("warfarin or heparin"): the two are one subject, not a combination
_ONE_OF = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:like|such as|e\.?g\.?|i\.?e\.?|including|especially|namely|or|vs\.?|versus)\W", re.I
)


def _asked_together(question: str, drugs: list[Subject]) -> list[list[Subject]]:
    """The question's drugs in groups an answering article must each name: every drug asked about with another
    is its own group, a drug given as an example of another (or as an alternative), or named right beside it
    (another name of it), joins the other's.

    Only the drugs the asking sentences name, when they name any: in "… terrified an antidepressant will make
    it worse. Will fluoxetine worsen his levodopa dyskinesias?" the story's "antidepressant" is fluoxetine
    again, not a third drug the answering article must name."""
    lower = question.lower()
    asked_text = " ".join(lower[a:b] for a, b in asking_sentences(question))
    asked = [d for d in drugs if re.search(rf"(?<!\w){re.escape(d.text.lower())}(?!\w)", asked_text)]
    return _classes_with_members(_in_groups(question, asked or drugs, one_of=True))


def _classes_with_members(groups: list[list[Subject]]) -> list[list[Subject]]:
    """``groups`` with a drug class joined to the group of a drug of that class the question names ("on enalapril
    … does ACEi raise the risk": the ACE inhibitor is enalapril, not a second drug)."""
    merged: list[list[Subject]] = []
    for group in groups:
        home = next((g for g in merged if any(_one_class(a, b) for a in g for b in group)), None)
        if home is None:
            merged.append(list(group))
        else:
            home.extend(group)
    return merged


def _one_class(a: Subject, b: Subject) -> bool:
    return any(is_class_of(x.text, " ".join(name)) for x, y in ((a, b), (b, a)) for name in y.drug_names)


def _in_groups(question: str, subjects: list[Subject], one_of: bool) -> list[list[Subject]]:
    """``subjects`` in the order the question names them, in groups of names for one thing: two side by side
    ("his SSRI antidepressant", "Wellbutrin (bupropion)"), and with ``one_of`` an example or an alternative
    ("a quinolone like ofloxacin", "warfarin or heparin")."""
    lower = question.lower()
    placed = sorted(subjects, key=lambda s: lower.find(s.text.lower()))
    groups: list[list[Subject]] = []
    for s in placed:
        if groups:
            previous = groups[-1][-1]
            end, start = lower.find(previous.text.lower()) + len(previous.text), lower.find(s.text.lower())
            between = lower[end:start]
            if start >= end and (not re.search(r"\w", between) or (one_of and _ONE_OF.match(between + " "))):
                groups[-1].append(s)
                continue
        groups.append([s])
    return groups


def _second_drugs(
    library: Library, question: str, chemical_spans: list[tuple[int, int]], named: list[tuple[int, int]]
) -> list[Subject]:
    """The drugs the recogniser reads beside a named one that are too common a word to be subjects on their own
    ("lithium", Zipf 3.6): asked about with another drug, each must be in the article that answers."""
    out = []
    lay = [(term.start, term.end) for term in lay_terms(question)]  # "pins and needles" is no drug called pins
    for start, end in chemical_spans:
        words = tuple(_lookup_form(w) for w in words_of(question[start:end]))
        if any(a < end and start < b for a, b in named + lay) or not words or max(map(zipf, words)) >= SECOND_DRUG_ZIPF:
            continue
        if not all(may_name_a_thing(w) for w in words):  # the recogniser can read "downside" as a drug
            continue
        text = question[start:end]
        names = _drug_names(text, words, [text]) or (words,)  # "low potassium": articles say hypokalemia
        out.append(Subject(text, words, _mentions(library, text, words), drug_names=names))
    return out


def _chemical_spans(question: str) -> list[tuple[int, int]]:
    """Character spans of the drugs and other chemicals the entity recogniser reads in the question."""
    from retrieval.library.entities import extractor

    [found] = extractor().extract([question])
    return [(e.start, e.end) for e in found.entities if e.type == "Chemical"]


@dataclass(frozen=True)
class ClinicalReading:
    """A lay term read under the clinical name the library uses most: its words and how many articles use them."""

    term: LayTerm
    words: tuple[str, ...]
    articles: int


def _read_lay_terms(library: Library, question: str) -> tuple[list[ClinicalReading], list[LayTerm]]:
    """The question's lay terms the library names only clinically ("chickenpox" is read as varicella), and
    those it names in no way, neither as written nor clinically (a "nose job" where no article mentions
    rhinoplasty): a lay term names a thing, so those are missing.

    A head noun after a term belongs to it ("shingles vaccine" is a zoster vaccine): the library may hold
    zoster and never a zoster vaccine, and then the reading finds 0 articles.
    """
    read, unknown = [], []
    for term in lay_terms(question):
        if _mentions(library, term.text, tuple(words_of(term.text))):
            continue  # the library uses the lay term itself
        counts = {name: library.store.matching_count(spellings(tuple(words_of(name)))) for name in term.clinical}
        if term.text.lower() in COMBINATIONS and not _combined(library, term.clinical):
            unknown.append(term)  # the parts, each alone, are other drugs
            continue
        best = _best_reading(library, question, term, counts)
        if not counts[best]:
            unknown.append(term)
            continue
        head = _HEAD_AFTER.match(question, term.end)
        if head and head.group(1).lower() in HEAD_NOUNS:
            term = LayTerm(term.start, head.end(), question[term.start : head.end()], term.clinical)
            words = (*words_of(best), head.group(1).lower())
            read.append(ClinicalReading(term, words, library.store.matching_count(spellings(words))))
        else:
            read.append(ClinicalReading(term, tuple(words_of(best)), counts[best]))
    return read, unknown


def _combined(library: Library, parts: tuple[str, ...]) -> int:
    """Articles naming every part of a fixed combination."""
    return library.store.matching_count(" AND ".join(f"({spellings(tuple(words_of(part)))})" for part in parts))


def _induced(words: tuple[str, ...], names: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """A drug and what it causes, as abstracts write them: "cyclophosphamide haemorrhagic cystitis" is
    cyclophosphamide-induced haemorrhagic cystitis; () when no word before the last is one of the drug's ``names``."""
    at = next((i for i, word in enumerate(words[:-1]) if (word,) in names), None)
    return () if at is None else (*words[: at + 1], "induced", *words[at + 1 :])


def _other_molecule(word: str, generic: str) -> bool:
    """Whether ``generic`` names the molecule the rare word ``word`` is a brand of ("nexavar": sorafenib), not the
    class or the plural the dictionary also lists for a word ("analgesic": analgesics, "NSAID")."""
    return bool(generic) and " " not in generic and generic[:4] != word[:4] and zipf(word) < RARE_ZIPF


def _is_brand(text: str) -> bool:
    """Whether ``text`` is a brand of a drug ("Seroquel"), not its generic name."""
    return text.lower() in BRAND_NAMES or bool(generic_name(text))


def _form_mentions(library: Library, names: tuple[tuple[str, ...], ...], form: Formulation) -> int:
    """Articles naming the product as written ("Seroquel XR"), or the drug (any of ``names``) with a word for its
    form."""
    phrases = " OR ".join(phrase(tuple(words_of(p))) for p in form.phrases)
    drug = " OR ".join(spellings(n) for n in names)
    return library.store.matching_count(f"(({drug}) AND ({phrases})) OR {phrase(tuple(words_of(form.written)))}")


def _best_reading(library: Library, question: str, term: LayTerm, counts: dict[str, int]) -> str:
    """Of a term's clinical names, the one the library uses beside the rest of the question, else the most used.

    An abbreviation can stand for several things ("EMF" for endomyocardial fibrosis and for electromagnetic
    fields, "RIF" for the right iliac fossa and for rifampicin): the question's other words tell which is meant.
    """
    used = [name for name in counts if counts[name]]
    if len(used) < 2:
        return max(counts, key=counts.__getitem__)
    taken = set(words_of(term.text)) | {w for name in used for w in words_of(name)}
    context = [w for w in words_of(question[: term.start] + " " + question[term.end :]) if w not in taken]
    context = [w for w in dict.fromkeys(context) if w not in STOP_WORDS and len(w) > 3 and zipf(w) < RARE_ZIPF + 1]
    if not context:
        return max(counts, key=counts.__getitem__)
    beside = " OR ".join(phrase((w,)) for w in context)

    def used_beside(name: str) -> tuple[int, int]:
        return library.store.matching_count(f"({spellings(tuple(words_of(name)))}) AND ({beside})"), counts[name]

    return max(used, key=used_beside)


def _absent_populations(library: Library, question: str, taken: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Groups of people the question names (``POPULATIONS``), with the trade or setting before them, that no
    article names: "prisoners", "truck drivers"."""
    spans = word_spans(question)
    lower = [_lookup_form(question[s:e]) for s, e in spans]
    found = []
    for i, word in enumerate(lower):
        if word not in POPULATIONS or word in taken:
            continue
        first = i
        if i and lower[i - 1] in POPULATION_SETTINGS and _adjacent(question, spans[i - 1], spans[i]):
            first = i - 1
        words = tuple(lower[first : i + 1])
        if not library.store.matching_count(spellings(words)):
            found.append((question[spans[first][0] : spans[i][1]], words))
    return found


# "Does a white noise machine help …?", "Is gua sha good for …?": two or three words between a yes/no opening and
# the verb of an effect name the thing asked about
_EFFECTS = (
    "help|helps|reduce|reduces|lower|lowers|stop|stops|fix|fixes|improve|improves|work|works|speed|speeds|"
    "prevent|prevents|relieve|relieves|ease|eases|shorten|shortens|treat|treats|cure|cures|protect|protects|"
    "boost|boosts|slow|slows|heal|heals|calm|calms|soothe|soothes"
)
_EFFECT_WORDS = frozenset(_EFFECTS.split("|"))
_QUALITIES = "good|safe|effective|useful|worth|helpful|bad|harmful|dangerous"
# "How effective is X for Y?", "Is there any evidence that X helps Y?", "What does the research say about X?"
_EVIDENCE_FOR = (
    r"(?:how\s+(?:effective|useful|safe|good)\s+(?:is|are)|how\s+well\s+(?:does|do)|is\s+there\s+(?:any\s+)?"
    r"evidence\s+(?:that|for)|what(?:\s+is|'s)\s+the\s+evidence\s+(?:for|on)|what\s+does\s+the\s+(?:research|evidence)"
    r"\s+say\s+(?:about|on)|any\s+evidence\s+(?:that|for)|(?:would|do|does|did)\s+(?:you|anyone|anybody)\s+"
    r"(?:recommend|suggest|advise)|(?:has\s+)?(?:anyone|anybody)\s+(?:tried|used))"
)
_THING = r"((?:[a-z][a-z'’-]*\s+){1,2}[a-z][a-z'’-]*)"
_ASKED_THING = re.compile(
    rf"^\W*(?:(?:does|do|did|can|could|will|would|may|might)\s+(?:(?:a|an|the|my|your)\s+)?{_THING}\s+"
    rf"(?:really\s+|actually\s+)?(?:{_EFFECTS})\b|(?:is|are)\s+(?:(?:a|an|the)\s+)?{_THING}\s+(?:really\s+)?"
    rf"(?:{_QUALITIES})\b|{_EVIDENCE_FOR}\s+(?:(?:a|an|the)\s+)?{_THING}\s+(?:for|in|at|on|after|during|with|and|"
    rf"{_EFFECTS})\b|(?:should\s+i|should\s+we|is\s+it\s+worth)\s+(?:try|use|get|buy|trying|using|getting)\s+"
    rf"(?:(?:a|an|the)\s+)?{_THING}\s+(?:for|to|after|during|when|if)\b|{_THING}\s+for\s+[^?]{{3,40}}\?\s*$)",
    re.IGNORECASE,
)


# Verbs that end a clause, not a name: "Do hospitals provide lower quality care …?" asks about hospitals
_CLAUSE_VERBS = frozenset(
    {
        *("provide", "provides", "get", "gets", "have", "has", "take", "takes", "make", "makes", "give", "gives"),
        *("keep", "keeps", "feel", "feels", "become", "becomes", "seem", "seems", "show", "shows", "tend", "tends"),
        *("want", "wants", "try", "tries", "go", "goes", "come", "comes", "stay", "stays", "eat", "eats", "live"),
        *("lives", "receive", "receives", "develop", "develops", "require", "requires", "suffer", "suffers"),
        *("know", "knows", "think", "thinks", "say", "says", "find", "finds", "remain", "remains", "lead", "leads"),
        *("bring", "brings", "allow", "allows", "actually", "really", "still", "also", "ever", "usually"),
    }
)


def _asked_thing(library: Library, question: str, taken: set[str]) -> list[Subject]:
    """The thing a question asks the effect of, named in two or three everyday words ("Does a white noise
    machine help babies sleep?", "Is gua sha good for neck pain?", "Bed rest for back pain?"): missing when no
    article writes them side by side, else a subject the quoted article must name."""
    match = _ASKED_THING.match(question)
    if match is None:
        return []
    text = next(group for group in match.groups() if group)
    while len(text.split()) > 2 and text.split()[-1].lower() in _EFFECT_WORDS:  # "heating pad work"
        text = text.rsplit(maxsplit=1)[0]
    words = tuple(_lookup_form(w) for w in words_of(text))
    if set(words) & (taken | STOP_WORDS | _CLAUSE_VERBS) or not all(w.isalpha() for w in words):
        return []
    return [Subject(text, words, _phrase_mentions(library, words), everyday=True)]


def _absent_types(library: Library, question: str, taken: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Everyday words with a letter naming the type ("hepatitis E", "vitamin K", "influenza B vaccine") that no
    article names: the library may hold hepatitis B and never hepatitis E."""
    spans = word_spans(question)
    found = []
    for i in range(1, len(spans)):
        if not _TYPE_LETTER.fullmatch(question[slice(*spans[i])]) or not _adjacent(question, spans[i - 1], spans[i]):
            continue
        # a side or a pair of initials ("35 mmHg L/R", "H&N cancer", "A&E") is no type, nor a genus's initial
        # ("in vitro P. falciparum")
        if question[spans[i][1] : spans[i][1] + 1] in ("/", "&", "."):
            continue
        before = _lookup_form(question[slice(*spans[i - 1])])
        if before in taken or before in STOP_WORDS or len(before) < 4 or not before.isalpha():
            continue
        if not _used(library, before):  # "hepatitus C": a slip of a word the library uses, read so
            before = _spelled_as_indexed(library, (before,))[0][0]
        last = i + 1 if i + 1 < len(spans) and question[slice(*spans[i + 1])].lower() in HEAD_NOUNS else i
        text = question[spans[i - 1][0] : spans[last][1]]
        words = (before, *(_lookup_form(question[slice(*span)]) for span in spans[i : last + 1]))
        # the letter as a capital right after the word: "hepatitis, e.g." and "hepatitis B e antigen" are no
        # hepatitis E
        written = re.compile(rf"\b(?i:{re.escape(before)})\w{{0,3}}[\s-]+{question[slice(*spans[i])]}\b(?!\.)")
        typed = _written_somewhere(library, phrase(words[:2]), written)
        if not typed or (last > i and not library.store.matching_count(spellings(words))):  # no hepatitis E vaccine
            found.append((text, words))
    return found


def _everyday_named(library: Library, question: str, taken: set[str]) -> list[Subject]:
    """Therapies and substances named in everyday words (``EVERYDAY_NAMES``: "tai chi", "fish oil"), with the
    articles that name them: none makes one missing; some make it a subject an answer must quote."""
    found = []
    for start, end in everyday_names(question):
        text = question[start:end]
        words = tuple(words_of(text))
        if not set(words) & taken:  # the words side by side: "energy intake from drinks" names no energy drinks
            articles = _mentions(library, text, words) if len(words) == 1 else _phrase_mentions(library, words)
            found.append(Subject(text, words, articles, everyday=True))
    return found


_EPONYM_TEXT = "method technique exercises exercise scale score diet manoeuvre maneuver procedure operation repair \
test sign criteria classification protocol regimen programme program position"
EPONYM_HEADS = frozenset(_EPONYM_TEXT.split())


def _eponymous(library: Library, question: str, taken: set[str]) -> list[Subject]:
    """A method named for a person whose name is also an everyday word: a capitalised word inside a sentence, then
    at most one more word, then a head noun ("Williams flexion exercises", "a Braden scale"). Missing when no
    article writes the name with the word after it; the head noun may differ ("the Kasai operation" is the
    Kasai procedure)."""
    spans = word_spans(question)
    words = [question[s:e] for s, e in spans]
    capital = [len(w) > 3 and w[0].isupper() and w[1:].islower() for w in words]
    if _in_title_case(words):
        return []
    found = []
    for i in range(1, len(spans) - 1):
        opens = question[spans[i - 1][1] : spans[i][0]].strip().endswith((".", "?", "!", ":"))
        if not capital[i] or opens or words[i].lower() in taken or words[i].lower() in STOP_WORDS:
            continue
        head = next((j for j in (i + 1, i + 2) if j < len(spans) and words[j].lower() in EPONYM_HEADS), None)
        if head is None or not all(_adjacent(question, spans[k], spans[k + 1]) for k in range(i, head)):
            continue
        named = tuple(_lookup_form(w) for w in words[i:head])
        text = question[spans[i][0] : spans[head][1]]
        found.append(Subject(text, named, _phrase_mentions(library, named)))
    return found


def _phrase_mentions(library: Library, words: tuple[str, ...]) -> int:
    """Articles writing the words side by side; a word the index finds by a shorter stem counts only as written
    ("dry needles" is no dry needling)."""
    count = library.store.matching_count(phrase(words))
    if count and any(_stem_drops_suffix(w) for w in words):
        forms = [_written_forms(w) if _stem_drops_suffix(w) else re.escape(w) + r"\w*" for w in words]
        written = re.compile(r"\b" + r"\W+".join(forms) + r"\b", re.IGNORECASE)
        return count if _written_somewhere(library, phrase(words), written) else 0
    return count


def _mentions(library: Library, text: str, words: tuple[str, ...]) -> int:
    """Articles mentioning a subject.

    The full-text index cannot tell two things, so articles it finds are read again: an acronym that is
    also an English word counts only once an article writes it in capitals ("TENS", not "tens of
    patients"; read until the first one), and words
    found near each other only in their order when all are everyday words ("pumps are insulin
    sensitive" is no insulin pump; "antivenin for rattlesnake bites" is rattlesnake antivenin).
    """
    match = spellings(words)
    if _ALLELE.fullmatch(text):  # "HLA-B*58:01" is also written HLA-B*5801
        match += f" OR {phrase((words[0], *re.findall(r'[0-9]+', text[len(words[0]) :])))}"
    count = library.store.matching_count(match)
    if count and text.isupper() and len(words) == 1 and zipf(words[0]) >= RARE_ZIPF:
        # "tens of patients" may fill thousands of articles
        return count if _written_somewhere(library, match, re.compile(rf"\b{re.escape(text)}\b")) else 0
    if count and len(words) == 1 and _stem_drops_suffix(words[0]):
        return count if _written_somewhere(library, match, _inflected(words[0])) else 0
    if _BINOMIAL.fullmatch(text) and 0 < count <= REREAD_AT_MOST:  # the index reads "malariae" as malaria
        genus, species = (re.escape(w) for w in words)
        return _articles_writing(library, match, rf"\b(?:{genus}(?:['’]s)?|{genus[0]}\.)\s*{species}\b")
    everyday_parts = len(_parts(words)) > 1 and min(zipf(p) for p in _parts(words)) >= RARE_ZIPF
    if everyday_parts and 0 < count <= REREAD_AT_MOST and not any(map(nuclide, words)):  # "Tl-201" is thallium-201
        return _articles_writing(library, match, _in_order(words))
    return count


def _articles_writing(library: Library, match: str, written: str | re.Pattern[str]) -> int:
    """How many of the (at most ``REREAD_AT_MOST``) articles the FTS5 ``match`` finds write ``written``."""
    pattern = re.compile(written, re.IGNORECASE) if isinstance(written, str) else written
    texts = library.store.titles_and_abstracts(library.store.matching_pmids(match, REREAD_AT_MOST))
    return sum(1 for title, abstract in texts.values() if pattern.search(f"{title} {abstract}"))


def _stem_drops_suffix(word: str) -> bool:
    """Whether the full-text index finds ``word`` by a stem that also stands for other words: the porter stem
    drops a suffix ("cupping" is indexed as "cup", "mindfulness" as "mind"), not just a plural ending."""
    return word.isalpha() and len(word) - len(_porter(word)) >= DERIVED_SUFFIX


def _inflected(word: str) -> re.Pattern[str]:
    """``word`` as written, singular or plural, in either spelling: "cupping" but not "cups"."""
    return re.compile(rf"\b{_written_forms(word)}\b", re.IGNORECASE)


def _written_forms(word: str) -> str:
    """A pattern for ``word`` singular or plural, in either spelling, closed or hyphenated ("long-standing"), and
    for a verb in -ate its other forms and its noun in -ation."""
    base = word[:-1] if word.endswith("s") and not word.endswith(("ss", "us", "is")) else word
    forms = [re.escape(base), *(re.escape(" ".join(other)) for other in other_spellings((base,)))]
    if (unjoined := _unjoined(base)) != (base,):
        forms.append(r"[\s-]?".join(map(re.escape, unjoined)))
    if base.endswith("ate"):  # a verb of a procedure is its noun too: "cannulate", "cannulated", "cannulation"
        forms.append(re.escape(base[:-1]) + r"(?:ed|ing|ion)")
    return rf"(?:{'|'.join(forms)})(?:s|es)?"


def _written_somewhere(library: Library, match: str, written: re.Pattern[str]) -> bool:
    """Whether an article the FTS5 ``match`` finds writes ``written``, read a page at a time up to the first."""
    pmids = library.store.matching_pmids(match, MAX_TOGETHER)
    for start in range(0, len(pmids), REREAD_AT_MOST):
        texts = library.store.titles_and_abstracts(pmids[start : start + REREAD_AT_MOST])
        if any(written.search(f"{title} {abstract}") for title, abstract in texts.values()):
            return True
    return False


def _used(library: Library, word: str) -> bool:
    """Whether an article uses ``word`` itself (in either spelling), not only another word of its stem."""
    return bool(_mentions(library, word, (word,)))


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _parts(words: tuple[str, ...]) -> list[str]:
    return [part for word in words for part in word.split("-") if part]


def _in_order(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words in their order, any ending, at most ``NEAR_SLACK`` words between them, or written as one; in
    one phrase: no punctuation or "and" between them ("cognitive processes and stimulate" is no cognitive
    stimulation)."""
    stems = [re.escape(_common_start(part, _porter(part))) for part in _parts(words)]  # "atroph", not "atrophi"
    between = rf"(?:[\s-]+(?!(?:and|or|but|nor|than|versus|vs)\b)\w+){{0,{NEAR_SLACK}}}?[\s/-]+"  # "ankle/arm"
    apart = rf"\w*{between}".join(stems)
    return re.compile(rf"\b(?:{apart}|{''.join(stems)})", re.IGNORECASE)


def _unused_names(library: Library, question: str, taken: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Uncommon everyday words no article uses ("astronauts", "sauna"), each with a neighbouring word as
    uncommon ("tai chi", "weighted blankets"): what the question asks about, in words the library lacks.

    Only a word that can name a thing counts (``may_name_a_thing``: not "achy", "reckons" or "hunch"), and only
    in the sentences that ask: the story before a patient's question ("He's on levodopa and gets jerky
    movements …") names what they have, not what they ask about.
    """
    spans = word_spans(question)
    lower = [_lookup_form(question[s:e]) for s, e in spans]
    asked, talk = asking_sentences(question), _talk(question, spans)

    def uncommon(i: int) -> bool:
        word = lower[i]
        return (
            len(word) > 3
            and word not in STOP_WORDS
            and word not in taken
            and not word.isdigit()
            and zipf(word) < ABSENT_ZIPF
            and not word.endswith(VERB_AND_ADVERB_ENDINGS + NOT_NAME_ENDINGS)
            and not ("-" in word and word.endswith(("ing", "ed")))
        )

    found = []
    for i in range(len(spans)):
        if not uncommon(i) or zipf(lower[i]) < RARE_ZIPF or _used(library, lower[i]):
            continue
        if _people_of(library, question[slice(*spans[i])]):  # "from Morocco": Moroccan
            continue
        if _after_time_prefix(library, lower[i]) or _two_words(library, lower[i]) or _hyphen_head(library, lower[i]):
            continue  # "post-bypass", "dropout", "morphine-type drugs"
        if i in talk or _run_together(lower[i]) or not any(a <= spans[i][0] < b for a, b in asked):
            continue
        first = i - 1 if i and uncommon(i - 1) and _adjacent(question, spans[i - 1], spans[i]) else i
        last = i + 1 if i + 1 < len(spans) and uncommon(i + 1) and _adjacent(question, spans[i], spans[i + 1]) else i
        if last > i and lower[last].endswith("ed"):
            last = i
        if found and found[-1][1] >= first:  # "tai chi" once, not twice
            continue
        if lower[i].endswith("ed"):  # "got scratched", "the artery reopened": a participle names nothing
            continue
        found.append((first, last))
    return [(question[spans[a][0] : spans[b][1]], tuple(lower[a : b + 1])) for a, b in found]


# How the name of a people ends where the place's does not (as the index stems it): Moroccan, Iraqi, Japanese
PEOPLE_ENDINGS = ("an", "ian", "i", "es", "ish")


def _people_of(library: Library, written: str) -> int:
    """Articles naming the people of the place ``written`` as a name ("Morocco", not "ESP" or "morocco"), where
    the library does not name the place: an article on Moroccan Jews is about Jews from Morocco."""
    if not written.istitle() or not written.isalpha():
        return 0
    place = written.lower()
    stem = place[:-1] if place[-1] in "aeiouy" else place
    people = {stem + ending for ending in PEOPLE_ENDINGS} - {place}
    return max((n for term, n in library.store.terms_starting(stem, CLIPPED_READINGS) if term in people), default=0)


# Prefixes of time and place that leave the thing named: "post-succinylcholine myalgia", "peri-operative"
TIME_PREFIXES = frozenset({"post", "pre", "peri", "intra"})


def _after_time_prefix(library: Library, word: str) -> str:
    """The thing a word with a prefix of time names, when the library uses it ("post-bypass": bypass), or ""."""
    prefix, _, rest = word.partition("-")
    return rest if prefix in TIME_PREFIXES and rest and _used(library, rest) else ""


# A hyphenated word's everyday tail that leaves its head the thing named: "AHI-defined", "saline-filled"
QUALIFYING_TAILS = frozenset(
    {
        *("based", "free", "like", "positive", "negative", "type", "only", "naive", "dependent", "first", "alone"),
        *("avid", "refractory", "resistant", "sensitive", "intolerant", "responsive"),  # "steroid-refractory"
        *("eligible", "ineligible"),  # "transplant-eligible"
    }
)


def _hyphen_head(library: Library, word: str) -> str:
    """The head of a hyphenated word whose tail only qualifies it ("AHI-defined severity": AHI), when the library
    uses the head, or "" (a brand's head as its generic: "Antabuse-type" is disulfiram)."""
    head, _, tail = word.rpartition("-")
    qualifies = (tail.endswith("ed") and zipf(tail) >= COMMON_SLIP_ZIPF) or tail in QUALIFYING_TAILS
    if head in BRAND_NAMES and qualifies:  # "Antabuse-type": the library writes disulfiram
        head = BRAND_NAMES[head][0]
    return head if head and qualifies and _used(library, head) else ""


COMPOUND_PART_ZIPF = 3.5  # each part of a closed compound is a common word: "needle" and "stick"
COMPOUND_PART_MIN = 3


def _two_words(library: Library, word: str) -> tuple[str, ...]:
    """A closed compound as the two common words the library writes it with ("needlestick": needle stick or
    needle-stick, "dropout": drop out), or ()."""
    if not word.isalpha():
        return ()
    for cut in range(COMPOUND_PART_MIN, len(word) - COMPOUND_PART_MIN + 1):
        parts = (word[:cut], word[cut:])
        if min(map(zipf, parts)) >= COMPOUND_PART_ZIPF and library.store.matching_count(phrase(parts)):
            return parts
    return ()


CLIPPED_LENGTH = (4, 10)  # "spiro", "amphet", "neoadj", "neuropsych": longer words are names of their own
CLIPPED_REST = 2  # stem letters a clipped word leaves off at least: "ambien" is no clipped "ambient"
CLIPPED_READINGS = 3


# An abbreviation with its stage or class run on: "CKD4", "CKD-3b", "NYHA2", "GOLD3"
_STAGED = re.compile(r"([a-z]{2,6})-?[1-5][ab]?")


def _unclipped(library: Library, word: str) -> tuple[str, ...]:
    """The library's terms (porter stems) a clipped word of a clinical note stands for, most used first ("spiro":
    spironolacton, "neoadj": neoadjuv, "amphet": amphetamin); none for a word in everyday use or a brand.

    Only for a word no article uses: the library holding a word that starts so is what tells it is clipped."""
    low, high = CLIPPED_LENGTH
    if not (word.isalpha() and low <= len(word) <= high) or zipf(word) >= RARE_ZIPF:
        return ()
    if word in BRAND_NAMES or _slip_of_brand(word):
        return ()
    starting = library.store.terms_starting(word, CLIPPED_READINGS)
    return tuple(term for term, _ in starting if len(term) >= len(word) + CLIPPED_REST)


# How abstracts name a substance found in the blood: macroprolactin in "macroprolactinemia"; only for names this
# long (a short word plus "emia" is more often another word's stem)
IN_THE_BLOOD = ("emia", "aemia")
IN_THE_BLOOD_MIN_LENGTH = 8


def _in_the_blood(library: Library, word: str) -> str:
    """The library's word for a substance being in the blood ("macroprolactinemia" for "macroprolactin"), or "".

    Only for a word no article uses: an article on macroprolactinemia is about macroprolactin."""
    if not word.isalpha() or len(word) < IN_THE_BLOOD_MIN_LENGTH:
        return ""
    return next((word + end for end in IN_THE_BLOOD if library.store.matching_count(phrase((word + end,)))), "")


_REFERS_BACK = re.compile(r"\b(?P<pronoun>it|this|that|these|those|they|them)\b(?:\s+(?P<after>[\w-]+))?", re.I)


def _refers_back(sentence: str) -> bool:
    """Whether a sentence refers back to the one before it with a pronoun: "Does it help?", "Will that help?",
    not "after this op" or "these scans", which name their own thing (a word only a noun, or unknown)."""
    for match in _REFERS_BACK.finditer(sentence):
        pronoun, after = match["pronoun"].lower(), (match["after"] or "").lower()
        names_own = after not in STOP_WORDS and (not in_lexicon(after) or (is_noun(after) and not is_verb(after)))
        if pronoun in ("it", "they", "them") or not (after and names_own):
            return True
    return False


def asking_sentences(question: str, referred: bool = True) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``question`` that end in a question mark, of the sentence before them
    when they refer back to it ("… wants to try X. Does it help?"), and of what follows the last when it ends
    in none ("Old wives' tale? my mother in law says …"); all of it when no sentence ends in a question mark.
    ``referred=False`` leaves out the sentence referred back to."""
    spans = [match.span() for match in re.finditer(r"[^.!?]*\?+", question)]
    if not spans:
        return [(0, len(question))]
    if referred and any(_refers_back(question[a:b]) for a, b in spans):  # "… wants to try X. Does it help?"
        before = [m.span() for m in re.finditer(r"[^.!?]+[.!]+", question[: spans[0][0]])]
        spans = before[-1:] + spans
    rest = question[spans[-1][1] :].rstrip()
    return spans if rest.endswith((".", "!")) else [*spans, (spans[-1][1], len(question))]


def _spelled_as_indexed(
    library: Library, words: tuple[str, ...], proper: frozenset[str] = frozenset()
) -> tuple[tuple[str, ...], str]:
    """The words with each unindexed one replaced by an indexed word one typing slip away, if there is one, or
    by itself without a prefix of time (``TIME_PREFIXES``). ``proper``: words written capitalised inside the
    question, names of their own."""
    fixed: list[str] = []
    for word in words:
        fixed.append(word)
        used = _used(library, word)
        if not used and (rest := _after_time_prefix(library, word) or _hyphen_head(library, word)):
            fixed[-1] = rest  # "post-succinylcholine myalgia" is succinylcholine myalgia, "AHI-defined" AHI
            continue
        if not used and (parts := _two_words(library, word)):
            fixed[-1:] = parts  # "needlestick" is a needle stick
            continue
        if len(word) < MIN_BRAND_TYPO_LENGTH or not word.isalpha() or _in_dictionary(word) or used:
            continue
        if brand := _slip_of_brand(word):  # "zolof" is Zoloft, read as the sertraline abstracts name
            fixed[-1:] = words_of(BRAND_NAMES[brand][0])
            continue
        if len(word) < MIN_TYPO_LENGTH:
            continue
        # a typing slip is rarer than the word meant: "asprin" is aspirin, but "phototherapy" is no
        # misspelt phytotherapy
        # a candidate is a word someone writes, not a stem's other ending: "Provenge" is not "provene" (proven)
        # and a name known in its own right ("the Braden scale") is no misspelt everyday word ("broaden"), only
        # perhaps a misspelt name of the library's; a common misspelling ("recieved") is as known, but not a name
        known = word in proper and zipf(word) >= SLIP_ZIPF
        candidates = {  # of the slips sharing a stem, the most common word ("happened" for "happend"), whatever
            _porter(c): c  # the order of the set: the reading is the same on every run
            for c in sorted(_one_slip(word), key=lambda c: (zipf(c), c))
            if (not zipf(word) or zipf(c) >= zipf(word))
            and (zipf(c) or _porter(c) == c)
            and not (known and zipf(c) >= RARE_ZIPF)
        }
        found = library.store.indexed_terms(list(candidates))
        if found:
            fixed[-1] = candidates[max(found, key=lambda term: found[term])]
    corrected = tuple(fixed)
    return corrected, (" ".join(corrected) if corrected != words else "")


def _one_slip(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``word``."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("porter")  # the algorithm of FTS5's porter tokenizer


def _porter(word: str) -> str:
    return _stemmer().stemWord(word)
