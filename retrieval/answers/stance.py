"""Verdicts for yes/no questions: each article's stance, and what the evidence as a whole says.

A clinician asking "Does X reduce Y?" wants *yes*, *no*, *mixed* or *insufficient
evidence* first, and what that rests on ("one case report", "two randomized
controlled trials agree"). Here, with no language model and in milliseconds:

- ``is_yes_no``: whether a question asks yes or no (rules on its first words;
  title-style "X: a risk factor?" questions too);
- ``article_stance``: the abstract's deciding sentence (its conclusions or results
  sentences most relevant to the question) and whether it answers the question
  yes (``supports``), no (``contradicts``) or neither (``neutral``). A small fitted
  logistic regression (``StanceModel``) reads word n-grams of the deciding sentences
  (words after a negation marked as negated), negation, hedge and significance cues,
  and the question's own words; it is fitted on PubMedQA dev by
  ``python -m retrieval calibrate-stance`` (``retrieval.calibration.stance``) and
  shipped as JSON with its provenance in ``defaults/stance_model.json``;
- ``verdict``: the stances of the evidence articles, weighed by their evidence
  level, as one verdict and the sentence of what it rests on.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from retrieval.library.evidence import BY_LABEL, OTHER
from retrieval.library.records import Article
from retrieval.search.lay_terms import lay_terms
from retrieval.search.subjects import RARE_ZIPF, is_subject_word, zipf
from retrieval.text import (
    STOP_WORDS,
    content_words,
    is_publisher_line,
    split_sentences,
    stem,
    stems,
    without_abbreviation_stops,
    words,
)

STANCE_MODEL = "stance_model.json"
DEFAULTS_DIR = Path(__file__).with_name("defaults")
LABELS: tuple[str, ...] = ("supports", "contradicts", "neutral")
ANSWER_OF = {"supports": "yes", "contradicts": "no", "neutral": "maybe"}
StanceLabel = Literal["supports", "contradicts", "neutral"]

# ------------------------------------------------------------------ yes/no questions
_AUXILIARIES = (
    "is are was were am be does do did doth can could should shall would will may might must has have had "
    "isn't aren't doesn't don't didn't can't cannot couldn't shouldn't won't wouldn't hasn't haven't wasn't"
)
_AUX = frozenset(_AUXILIARIES.split())
# Common misspellings and lay forms of the auxiliaries people start questions with.
_TYPO_TEXT = (
    "dose doe dos si iz r u ist cna shoud shuold shold sould wil coud culd woud dont isnt cant doesnt didnt wouldnt "
    "couldnt shouldnt wont arent wasnt werent hasnt havent"
)
_AUX_TYPOS = frozenset(_TYPO_TEXT.split())
_WH = frozenset(["what", "how", "which", "when", "where", "who", "whom", "whose", "why", "what's", "how's", "who's"])
# "whose" and "whom" inside a question open a relative clause ("…, and whose EEG shows …"), not a second question
_ASKING_INSIDE = _WH - {"whose", "whom"}
# Openers before the auxiliary: "So, does ...", "In adults, is ...", "Please tell me: can ..."
_LEAD = re.compile(
    r"^(?:\s*(?:so|and|but|also|now|ok|okay|well|please|hi|hello|doctor|doc|quick question|be honest)\b[\s,:;-]*)+",
    re.I,
)
# "… A or B?" asking which of two alternatives: "or" followed by a second verb phrase, not by "not"/"no".
_CHOICE = re.compile(r"\bor\s+(?:only|rather|instead|by|added|mostly|through|via)\b", re.I)


# A title-style question whose last part ends in a quantity asks for a figure ("… - response rate?") …
_ASKS_FIGURE = re.compile(
    r"\b(?:rates?|drop|fall|rise|change|dose|dosage|dosing|duration|incidence|prevalence|percentage|proportion|"
    r"frequency|number|levels?|timing|how much|how long|ORR|cost|mechanisms?|culprit|causes?)\W*$",
    re.I,
)
# (a comparison or an expectation in it makes it yes or no again) …
_YES_NO_CUE = re.compile(
    r"\b(?:any|lower|higher|fewer|more|less|increased?|reduced?|decreased?|better|worse|still|worth|expect\w*|"
    r"safe|effective|need\w*|benefit\w*)\b",
    re.I,
)
# … one naming two alternatives asks which ("Ipratropium or theophylline for COPD?") …
# ("… vs naproxen or placebo?" and "rule it in or out?" name no alternative)
_ASKS_WHICH = re.compile(r"\w\s+or\s+(?!not\b|no\b|never\b|placebo\b|sham\b|controls?\b|usual\b|out\b)\w", re.I)
# … and one naming a topic asks what is known of it ("Side effects of alendronate?").
_NAMES_TOPIC = re.compile(
    r"(?:side[ -]effects?|adverse (?:effects?|events?|reactions?)|dos(?:e|age|ing)|mechanisms?|causes?|"
    r"risk factors?|symptoms?|signs|treatments?|treatment options|management|prognosis|interactions?|"
    r"alternatives?)\s+(?:of|for|to|in|with)\b",
    re.I,
)


# The first sentence that ends in a question mark, after the story sentences before it
_FIRST_ASKING = re.compile(r"(?<=[.!]\s)[^.!?]*\?")


# A short phrase of whom or where before the auxiliary, with no comma: "In the elderly can leukocytes …?"
_PLACE_LEAD = re.compile(r"^(?:in|for|among)\s+(?:the\s+)?(?:[\w-]+\s+){1,2}?(?=\w)", re.I)


def _starts_with_auxiliary(clause: str) -> bool:
    clause_words = words(clause)
    if clause_words and clause_words[0] not in _AUX and clause_words[0] not in _AUX_TYPOS:
        lead = _PLACE_LEAD.match(clause)
        if lead and not set(words(lead.group(0))) & _WH:
            clause_words = words(clause[lead.end() :])
    return bool(clause_words) and (clause_words[0] in _AUX or clause_words[0] in _AUX_TYPOS)


def is_yes_no(question: str) -> bool:
    """Whether ``question`` asks to be answered yes or no.

    Only the question is read, not a story told before it (whose "which the nurses said" asks nothing).
    Yes/no questions start (after an optional lead-in, or after a clause ending in a comma such as "In adults
    with X," or "When a patient has X,") with an auxiliary verb ("Does…", "Is…", "Can…", typos such as "Dose…"
    included), or are title-style statements ending in a question mark without a question word ("Aspirin
    after stroke: still needed?"). A question asking what, how, which, when or why is not one (a question
    after "How often …, and" neither: the answer is a figure first); nor is a choice between two alternatives
    ("… by blocking A or by blocking B?").
    """
    text = without_abbreviation_stops(" ".join(question.strip().split()))  # "(e.g. CYP2D6*4)" ends nothing
    asked = _FIRST_ASKING.search(text)
    if asked and asked.start():  # a story first: "… he had a fit, which the nurses said was unusual. Is …?"
        text = text[asked.start() :]
    text = _LEAD.sub("", text)
    tokens = words(text)
    if not tokens:
        return False
    if _CHOICE.search(text):
        return False
    # "Metered-dose inhalers. Do providers know …?", "… worse for teeth?? is that right"
    clauses = re.split(r"[,;:]\s*|[.?]+\s+|\s+[-–—]\s+|\s*--\s*", text)
    first = tokens[0]
    if first in _AUX or first in _AUX_TYPOS:
        return True
    if first in _WH and first not in ("when", "where"):  # "When a patient …, should …?" may be yes/no
        return False
    for clause in clauses[1:]:  # "In adults with X, does Y …?", "For a child of 5, is …?", "…, so is that …?"
        clause = _LEAD.sub("", clause)
        if _starts_with_auxiliary(clause):
            return True
        if words(clause)[:1] and words(clause)[0] in _ASKING_INSIDE:
            return False
    if first in _WH:
        return False
    # Title-style: "Statins in the elderly: worth it?", but not "Sitagliptin add-on - HbA1c drop?"
    last = re.split(r"[:;]\s*|\s+[-–—]\s+", text.rstrip("?. "))[-1]
    figure = _ASKS_FIGURE.search(last) and not _YES_NO_CUE.search(last)  # "- expect a lower warfarin dose?"
    if figure or _ASKS_WHICH.search(last) or _NAMES_TOPIC.match(text):
        return False
    return text.endswith("?") and not (set(tokens) & _WH)


# ------------------------------------------------------------------ deciding sentences
CONCLUSION_LABELS = ("CONCLUSION", "INTERPRETATION", "IMPLICATION", "SUMMARY", "DISCUSSION", "COMMENT", "SIGNIFICANCE")
RESULT_LABELS = ("RESULT", "FINDING", "OUTCOME")
DECIDING_SENTENCES = 3  # sentences the classifier reads; the first is the deciding one shown
# Under this share of the question's content words in its title and abstract, an article is off-topic (neutral).
# The gold articles of the hand-written dev questions use 0.33 to 0.93 of them.
MIN_RELEVANCE = 0.3
# How steeply a word's weight grows with its rarity (``_rarity``): cubed, "anesthesia" (Zipf 2) weighs as much as
# 15 words like "grandmother" (Zipf 4.1), so a long message is about the article naming its few clinical words
RARITY_POWER = 3
OFF_TOPIC = {"supports": 0.0, "contradicts": 0.0, "neutral": 1.0}


def _kind(label: str, category: str) -> str:
    name = f"{category} {label}".upper()
    if any(key in name for key in CONCLUSION_LABELS):
        return "conclusion"
    if any(key in name for key in RESULT_LABELS):
        return "results"
    return "other"


_FINDING = re.compile(
    r"\b(significant\w*|associat\w*|differ\w*|increas\w*|decreas\w*|reduc\w*|improv\w*|higher|lower|"
    r"correlat\w*|predict\w*|effective|risk|odds|ratio|p\s*[<=>])",
    re.I,
)


Term = tuple[frozenset[str], ...]  # one term of a question: its ways of being written, each a set of stems


def question_terms(question: str) -> list[Term]:
    """The terms an abstract must use to be about ``question``: each content word, and each lay term or brand
    name as one term that any of its names matches ("water pill" or "diuretic", "Tylenol" or "paracetamol").

    Without the other names, "Can a water pill for high blood pressure cause impotence?" shares two of its
    words with the trial of bendrofluazide for mild hypertension that answers it.
    """
    return [term for term, _ in _weighed_terms(question)]


@lru_cache(maxsize=256)
def _weighed_terms(question: str) -> tuple[tuple[Term, float], ...]:
    """``question_terms`` with their rarity (``_rarity``); a lay term weighs as its clinical name ("high blood
    pressure" as hypertension). Cached: a verdict reads the same question against every cited article, for its
    sentences, features and relevance."""
    named = lay_terms(question)
    plain = question
    for term in reversed(named):
        plain = plain[: term.start] + " " + plain[term.end :]
    rarest: dict[str, float] = {}
    for word in content_words(plain):
        rarest[stem(word)] = max(rarest.get(stem(word), 0.0), _rarity([word]))
    weighed: list[tuple[Term, float]] = [((frozenset({s}),), rarest[s]) for s in sorted(rarest)]
    for term in named:
        ways = tuple(frozenset(stems(name)) for name in (term.text, *term.clinical) if stems(name))
        if ways:
            weighed.append((ways, _rarity(w for name in (term.text, *term.clinical) for w in words(name))))
    return tuple(weighed)


def terms_used(terms: Sequence[Term], text_stems: set[str]) -> float:
    """Share of ``terms`` that a text (given as its stems) writes one way or another."""
    if not terms:
        return 0.0
    return sum(any(way <= text_stems for way in term) for term in terms) / len(terms)


@dataclass(frozen=True)
class Candidate:
    sentence: str
    kind: str  # conclusion, results or other
    score: float


def candidate_sentences(question: str, article: Article) -> list[Candidate]:
    """The abstract's sentences that may decide the question, most relevant first.

    Conclusions first, then results; an unstructured abstract offers its second half. Within those,
    sentences sharing the question's words and reporting a finding (significance, association,
    difference) rank higher, and later sentences a little higher (abstracts end with what they found).
    """
    sections: list[tuple[str, list[str]]] = []
    for section in article.abstract:
        if section.text:
            sentences = [s for s in split_sentences(section.text) if not is_publisher_line(s)]
            sections.append((_kind(section.label, section.category), sentences))
    kinds = {k for k, _ in sections}
    pool: list[tuple[str, str, float]] = []  # (sentence, kind, position 0..1)
    if kinds & {"conclusion", "results"}:
        for kind, sentences in sections:
            if kind == "other":
                continue
            for i, s in enumerate(sentences):
                pool.append((s, kind, (i + 1) / len(sentences)))
    else:
        flat = [s for _, sentences in sections for s in sentences]
        tail = flat if len(flat) <= 2 else flat[len(flat) // 2 :]
        pool = [(s, "other", (i + 1) / len(tail)) for i, s in enumerate(tail)]
    terms = question_terms(question)
    ranked = []
    for s, kind, position in pool:
        overlap = terms_used(terms, stems(s))
        score = overlap + 0.15 * position + (0.4 if kind == "conclusion" else 0.0) + 0.15 * bool(_FINDING.search(s))
        ranked.append(Candidate(s, kind, score))
    ranked.sort(key=lambda c: -c.score)
    return ranked


# ------------------------------------------------------------------ features
_NEGATOR_TEXT = """no not nor neither never none without cannot lack lacks lacking absence absent fail failed fails
    unable unlikely unrelated independent"""
_NEGATORS = frozenset(_NEGATOR_TEXT.split())
_SCOPE_END = re.compile(r"[.,;:!?()\[\]]|\bbut\b|\bhowever\b|\bwhereas\b|\balthough\b|\bwhile\b")
_CUES: dict[str, re.Pattern] = {
    "cue_no_difference": re.compile(
        r"\b(no|not)\b[^.;]{0,40}\b(significant\w*|differ\w*|associat\w*|effect|benefit|correlat\w*|improv\w*|"
        r"advantage|impact|influence|role|predict\w*|change\w*)",
        re.I,
    ),
    "cue_similar": re.compile(r"\b(similar|comparable|equivalent|equally|same|non-?inferior|did not differ)\b", re.I),
    "cue_significant": re.compile(r"(?<!not )(?<!non)\bsignificant(ly)?\b", re.I),
    "cue_hedge": re.compile(
        r"\b(may|might|could|possibl\w*|potential\w*|suggest\w*|unclear|uncertain|inconclusive|controvers\w*|"
        r"further (studies|research|investigation)|larger|trend|limited|warrant\w*|need\w* to be)\b",
        re.I,
    ),
    "cue_positive": re.compile(
        r"\b(effective|beneficial|useful|safe|feasible|reliable|valid|accurate|superior|better|improv\w*|"
        r"associated with|predict\w*|increased|decreased|reduced|higher|lower)\b",
        re.I,
    ),
    "cue_negative": re.compile(
        r"\b(ineffective|not (useful|effective|necessary|needed|justified|recommended|associated|predictive|"
        r"reliable|safe|superior|better)|unnecessary|no (benefit|role|advantage|evidence|need)|"
        r"does not|did not|do not|was not|were not|is not|are not|cannot|failed to)\b",
        re.I,
    ),
}
# The classifier's "asks about a risk" words (its features were fitted with exactly these); safety words too
# turn "no difference in harm" into a yes, for the no-effect rule
_RISK_WORDS = frozenset({"risk", "harm", "harmful", "worse", "complication", "complications", "adverse"})
_SAFETY_WORDS = frozenset({"safe", "safely", "safety"})
_NO_EFFECT = re.compile(
    r"\b(?:unable|failed) to (?:substantiate|demonstrate|show|confirm|find|detect|establish)\b|"
    r"\b(?:do|does|did) not (?:support|improve|reduce|increase|affect|influence|predict|change|differ|correlate|"
    r"decrease|prevent|provide)\b|\bno (?:significant |direct |clear |major |statistically significant )?"
    r"(?:association|relationship|link|difference|differences|effect|benefit|advantage|correlation|impact|"
    r"improvement|role)\b|\bnot (?:significantly |independently )?(?:associated|related|linked|correlated|"
    r"different|predictive|effective|superior|necessary|useful|justified|recommended)\b|\b(?:fail|fails|failed) to\b|"
    r"\bno evidence to support\b|\bneither\b[^.]*\bnor\b",
    re.I,
)
# "Any difference in response?" and "more tremor than a dummy pill?" are answered no by outcomes that were
# "equal" or "similar" (not so "Is A as good as B?")
_ASKS_DIFFERENCE = re.compile(
    r"\b(?:differ\w*|superior|more effective|advantage)\b|"
    r"\b(?:more|less|fewer|higher|lower|better|worse|greater|safer)\b[^?]{0,80}\bthan\b",
    re.I,
)
# … said of outcomes ("were similar", "comparable rates"), not of a study's design ("a similar research protocol")
_SAME = re.compile(
    r"\b(?:(?:was|were|is|are|be|been|remained|appeared|proved)\s+(?:\w+\s+)?(?:equal|equivalent|similar|comparable)|"
    r"(?:equal|equivalent|similar|comparable)\s+(?:in|to|between|across|among|for|outcomes?|results?|rates?|"
    r"efficacy|effects?|survival|risks?|incidences?|levels?|numbers?|proportions?))\b",
    re.I,
)
_CONTRAST = re.compile(r"\b(?:but|whereas|while|however|although|though|except)\b", re.I)
_NOT_ONLY = re.compile(r"\bnot only\b", re.I)
_P_VALUE = re.compile(r"\bp\s*(?:value\s*)?([<=>≤≥]|&lt;|&gt;)\s*=?\s*(0?\.\d+)", re.I)


def negated_words(text: str) -> list[str]:
    """The words of ``text``, those in the scope of a negation (up to the next punctuation) marked ``not_``."""
    out: list[str] = []
    for clause in _SCOPE_END.split(text.lower()):
        if not clause:
            continue
        negated = False
        for w in words(clause):
            if w in _NEGATORS:
                negated = True
                out.append(w)
                continue
            out.append(f"not_{w}" if negated and w not in STOP_WORDS else w)
    return out


def _p_values(text: str) -> tuple[int, int]:
    """(significant, non-significant) p-values reported in ``text`` (at the 0.05 level)."""
    significant = non_significant = 0
    for op, value in _P_VALUE.findall(text):
        v = float(value)
        if (op in ("<", "≤", "&lt;") and v <= 0.05) or (op == "=" and v < 0.05):
            significant += 1
        elif op in (">", "≥", "&gt;") or v >= 0.05:
            non_significant += 1
    return significant, non_significant


def question_leans(q_words: Sequence[str]) -> tuple[bool, bool]:
    """Whether a question is negated ("Is X not …?") and whether it asks about a risk: both turn a finding of
    "no difference" into a yes."""
    negated = bool(set(q_words) & {"not", "no", "without", "never"} or any(w.endswith("n't") for w in q_words))
    return negated, bool(set(q_words) & _RISK_WORDS)


def states_no_effect(question: str, sentence: str) -> bool:
    """Whether the deciding sentence plainly reports no effect or no association ("did not reduce", "no
    significant difference", "do not support"), for a question that asks whether there is one.

    The fitted classifier weighs such a sentence against the words around it and can still lean to yes
    or neutral; on PubMedQA dev, 24 of the 29 articles whose deciding sentence says so answer no. A
    sentence that turns ("…, but it increased …") is left to the classifier.
    """
    q_words = words(question)
    negated, risk = question_leans(q_words)
    safety = bool(set(q_words) & _SAFETY_WORDS)
    contrasted = _CONTRAST.search(sentence)  # "did not affect X, but it increased Y"
    if negated or risk or safety or contrasted:
        return False
    return bool(_NO_EFFECT.search(sentence) or (_ASKS_DIFFERENCE.search(question) and _SAME.search(sentence)))


_SAFETY_QUESTION = re.compile(r"\b(?:safe|safely|safety|harmless|(?:ok|okay|all right) to take|can i take)\b", re.I)
_HARM = re.compile(
    r"\b(?:increased risk|higher risk|increases? the risk|associated with (?:an )?increased|toxicity|hepatotoxicity|"
    r"nephrotoxicity|toxic|failure|fatal|deaths?|mortality|hazard|adverse|harm\w*|dangerous|syndrome|injury|damage|"
    r"deleterious|bleeding|haemorrhage|hemorrhage|complications?)\b",
    re.I,
)
# Words that make a harm sentence reassuring or negated: "complications were rare", "no increase in toxicity"
_REASSURING = re.compile(
    r"\b(?:no|not|without|never|neither|nor|none|unlikely|unable|low|lower|few|rare|rarely|minimal|minor|"
    r"acceptable|tolerated|safe|safely|safety)\b",
    re.I,
)


def reports_harm(question: str, sentence: str) -> bool:
    """Whether a question asking if something is safe ("Is it safe to …", "Can I take X while on Y?") is answered
    by a deciding sentence that reports harm, plainly ("is associated with an increased risk of …").

    The classifier reads such a finding as a yes; to "Is it safe?" it is a no. On the hand-written dev
    questions this turned 3 of 32 "no" answers right and none wrong; it changes none of PubMedQA dev's 9
    questions about safety (their harm sentences say harm was rare).
    """
    return bool(_SAFETY_QUESTION.search(question) and _HARM.search(sentence) and not _REASSURING.search(sentence))


_NEED_QUESTION = re.compile(
    r"\b(?:necessary|needed|need|needs|required|require|requires|mandatory|essential|indicated|justified|warranted)\b",
    re.I,
)
_DISPENSABLE = re.compile(
    r"\b(?:preferred alternative|alternative to|unnecessary|not (?:be )?(?:necessary|needed|required|justified|"
    r"warranted|indicated|mandatory|essential|routinely|useful)|(?:of )?limited value|"
    r"(?:can|could|may) be (?:avoided|omitted)|safely (?:avoided|omitted)|no need|superfluous|redundant)\b",
    re.I,
)


# "Should lignocaine be given routinely …?" answered "We cannot advocate the administration of lidocaine …"
_ADVICE_QUESTION = re.compile(r"\b(?:should|recommend\w*|routine(?:ly)?|advis\w*)\b", re.I)
_ADVISED_AGAINST = re.compile(
    r"\b(?:cannot|can ?not|could not|do not|does not|would not) (?:be )?(?:advocate|recommend|support|endorse)\w*|"
    r"\bnot (?:be )?(?:recommended|advocated|advised|supported|endorsed)\b|\bshould not be (?:used|given|performed|"
    r"administered|routinely)\b|\b(?:is|are) not (?:warranted|justified)\b",
    re.I,
)


def reports_dispensable(question: str, sentence: str) -> bool:
    """Whether a question asking if something is needed ("Is nasal packing necessary after …?", "Does my baby
    need a heart check …?") is answered by a deciding sentence saying it can be done without ("of limited
    value", "a preferred alternative to nasal packing"); or one asking for advice ("Should lignocaine be given
    routinely …?") by a sentence advising against it ("We cannot advocate the administration of lidocaine …").

    The classifier reads the sentence's recommendation as a yes. On the hand-written dev questions this
    turned 3 "no" answers right and none wrong; it changes none of PubMedQA dev's questions.
    """
    needed = _NEED_QUESTION.search(question) and _DISPENSABLE.search(sentence)
    return bool(needed or (_ADVICE_QUESTION.search(question) and _ADVISED_AGAINST.search(sentence)))


# "Is oxitropium as good as theophylline?", "Is the quality as good when a trainee does it?", "Can X replace Y?"
_EQUIVALENCE_QUESTION = re.compile(
    r"\bas (?:good|effective|safe|well|accurate|reliable|useful|potent)\b|\b(?:equally|non-?inferior|equivalent|"
    r"stand in for|substitute for|replace|alternative to|get away with)\b|\bget away w/",
    re.I,
)
_EQUIVALENT = re.compile(
    r"\b(?:comparable|equally|equivalent|identical(?:ly)?|similar|non-?inferior|superimposable|"
    r"as (?:effective|good|safe|potent|accurate) as|no (?:statistically )?significant differences?|did not differ|"
    r"(?:valuable|viable|acceptable|safe) alternative)\b",
    re.I,
)
_SAFE_FINDING = re.compile(
    r"\b(?:is|are|was|were|appears?|seems?|proved?|remains?|be) (?:(?!not\b|never\b|no\b)\w+ )?safe\b|"
    r"\bsafely\b|\bwell tolerated\b",
    re.I,
)
_NOT_BEFORE = re.compile(
    r"\b(?:not|no|nor|never|cannot|less)\W+(?:\w+\W+)?$", re.I
)  # "not comparable", "cannot be safely"


def reports_equivalence(question: str, sentence: str) -> bool:
    """Whether a question asking if one thing is as good as another, or safe ("Is X as good as Y?", "Can X replace
    Y?", "Is it safe to …?"), is answered yes by a deciding sentence reporting them equal ("comparable", "no
    significant difference", "a valuable alternative") or it safe ("It appears safe to administer …").

    The classifier reads "no significant difference" as a no, the answer to "does X differ?". On 20 fresh
    hand-written dev questions this turned 3 answers right and none wrong; it changes none of the 345 older
    hand-written dev verdicts, nor PubMedQA dev's.
    """
    if _CONTRAST.search(sentence) or _WORSE.search(sentence):
        return False
    for pattern, asks in ((_EQUIVALENT, _EQUIVALENCE_QUESTION), (_SAFE_FINDING, _SAFETY_QUESTION)):
        found = pattern.search(sentence)
        if found and asks.search(question) and not _NOT_BEFORE.search(sentence[: found.start()][-12:]):
            return True
    return False


_BUT_NOT = re.compile(
    r"\bbut not (?:in |for |among |with |on |by )?(?:the |those |patients? (?:with|on) )?([\w-]+)", re.I
)
_ONLY_IN = re.compile(
    r"\bonly (?:in|among|for|within) (?:the |those |a |an |patients? (?:with|on|who) )?([\w-]+)", re.I
)


def reports_partial(question: str, sentence: str) -> bool:
    """Whether the deciding sentence finds the effect for part of what was asked only: "suppress superoxide by
    monocytes, but not neutrophils" answering a question about neutrophils and monocytes, or "observed only in
    the adenocarcinoma subset" answering one about all patients. Neither a yes nor a no: a mixed finding.

    "X but not Y" counts when the question lists X and Y together (it asked about both); "only in Y" when it does
    not name Y (it asked about everyone, the finding holds for a subgroup). So does a finding that says it holds in
    part ("for some, but not all", a cause that "only partially explained" it) and a "trend" that was not
    significant ("a trend towards improved cardiac outcomes … p = 0.44").
    """
    asked = {stem(w) for w in content_words(question)}
    for m in _BUT_NOT.finditer(sentence):
        before = words(sentence[: m.start()])
        if before and _listed_together(question, before[-1], m[1]):
            return True
    if any(stem(m[1]) not in asked and m[1].lower() not in STOP_WORDS for m in _ONLY_IN.finditer(sentence)):
        return True
    if _SOME_NOT_ALL.search(sentence):
        return True
    return bool(_TREND.search(sentence) and (_p_values(sentence)[1] or _NOT_SIGNIFICANT.search(sentence)))


_TREND = re.compile(r"\btrends?\b", re.I)
# a finding the sentence itself says holds in part: "for some, but not all, ethnic groups", a cause that "only
# partially explained" it ("only partially reversible" damage is a harm, left to the classifier)
_SOME_NOT_ALL = re.compile(
    r"\bsome,? but not (?:all|others?)\b|\bonly partially (?:explained|accounted|attributable|mediated)\b", re.I
)
_NOT_SIGNIFICANT = re.compile(r"\bnot (?:statistically )?significant|\bnon-?significant", re.I)


def _listed_together(question: str, a: str, b: str) -> bool:
    """Whether the question names ``a`` and ``b`` side by side in a list ("neutrophils and monocytes")."""
    q = [stem(w) for w in words(question)]
    ends = {stem(a), stem(b)}
    return any(
        {x, y} == ends and joint in ("and", "or", "vs", "versus") for x, joint, y in zip(q, q[1:], q[2:], strict=False)
    )


_UP_TEXT = "increase increases increased increasing raise raises raised elevate elevated elevates higher more greater \
worsen worsens worsened rise rises rose"
_DOWN_TEXT = "reduce reduces reduced reducing lower lowers lowered decrease decreases decreased decreasing less fewer \
diminish diminishes diminished attenuate attenuated attenuates decline declined cut cuts"
_UP, _DOWN = frozenset(_UP_TEXT.split()), frozenset(_DOWN_TEXT.split())
OUTCOME_SPAN = 4  # words after the question's direction word that name what moves ("reduce the ECG abnormalities")


def _moves(tokens: Sequence[str]) -> list[tuple[int, str]]:
    return [(i, "up" if w in _UP else "down") for i, w in enumerate(tokens) if w in _UP or w in _DOWN]


def reports_opposite(question: str, sentence: str) -> bool:
    """Whether the deciding sentence moves what the question asks about the other way: "does adding epinephrine
    reduce the ECG abnormalities?" answered "… was associated with an increased number of ECG abnormalities".

    Only a question moving one thing one way, and a sentence moving that thing (a word of it within a few words)
    only the other way, without negation or contrast: "reduce mortality" against "increased survival" names two
    things and is left to the classifier.
    """
    q = words(question)
    asked = _moves(q)
    if len({way for _, way in asked}) != 1 or _CONTRAST.search(sentence) or set(words(sentence)) & _NEGATORS:
        return False
    way = asked[0][1]
    outcome = {stem(w) for i, _ in asked for w in q[i + 1 : i + 1 + OUTCOME_SPAN] if w not in STOP_WORDS}
    s = words(sentence)
    near = [w2 for i, w2 in _moves(s) if outcome & {stem(w) for w in s[max(0, i - 3) : i + 6]}]
    return bool(near) and all(w2 != way for w2 in near)


_BENEFIT_QUESTION = re.compile(
    r"\b(?:protect\w*|prevent\w*|improv\w*|help\w*|benefi\w*|works?|effective|reduc\w*|replace|relie\w*|better|"
    r"ease)\b",
    re.I,
)
_WORSE = re.compile(
    r"\b(?:deleterious|detrimental|worsen\w*|deteriorat\w*|harmful|less effective|reduced efficacy|inferior|"
    r"ineffective|no better than)\b",
    re.I,
)
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|without|never|nor|prevent\w*|avoid\w*|reduc\w*)\b", re.I)
# "Does leaving out the fentanyl help?", "would stopping it help?": a harmful finding answers these yes
_OMISSION_QUESTION = re.compile(
    r"\b(?:leav\w*|left|cut\w*|giv\w*|gave) (?:\w+ )?(?:out|off|up)\b|\b(?:stop\w*|omit\w*|omission|avoid\w*|skip\w*|"
    r"withdraw\w*|discontinu\w*|quit\w*|without)\b",
    re.I,
)
_COMPARATOR = re.compile(r"\b(?:compared|whereas|while|control|controls|placebo)\b", re.I)


def worse_sentence(question: str, sentences: Sequence[str]) -> str:
    """The deciding sentence, if any, that answers no to a question asking if something helps ("Will Lasix
    protect my kidneys?", "Can GTN patches replace diclofenac?") by calling it harmful or inferior
    ("Furosemide may be deleterious", "GTN has a reduced efficacy").

    The classifier reads such sentences' significance and effect words as a yes. A sentence that also names a
    comparator ("… compared with patients receiving medical therapy, who demonstrated further deterioration")
    may say it of the comparator, and is left to the classifier; so is a question about leaving something out
    ("Would stopping it help?"), which a harmful finding answers yes. On the hand-written dev questions this
    turned 2 "no" answers right and none wrong; it changes none of PubMedQA dev's.
    """
    if not _BENEFIT_QUESTION.search(question) or _OMISSION_QUESTION.search(question):
        return ""
    for sentence in sentences:
        found = _WORSE.search(sentence)
        if found and not _NEGATED_BEFORE.search(sentence[: found.start()][-40:]) and not _COMPARATOR.search(sentence):
            return sentence
    return ""


# "Is it okay to skip the cholesterol check?", "Can station 9 dissection be omitted?": asking whether it may be left out
_SKIP = r"(?:skip|omit|leave \w+ out|leave out|forgo|go without|do without|withhold|drop)"
_SKIP_QUESTION = re.compile(
    rf"\b(?:ok|okay|safe|fine|possible|reasonable|acceptable|alright|all right) to (?:\w+ )?{_SKIP}\b|"
    r"\bbe (?:safely )?(?:omitted|skipped|left out|forgone|withheld|dispensed with|dropped)\b|"
    rf"\b(?:can|could|should|may) (?:we|i|you|she|he|they) (?:\w+ )?{_SKIP}\b",
    re.I,
)
_STILL_ADVISED = re.compile(
    r"\bshould (?:\w+ )?be (?:screened|tested|checked|performed|done|given|used|offered|continued|dissected|"
    r"measured|monitored)\b|\b(?:is|are|remains?) (?:still )?(?:recommended|necessary|essential|mandatory|required|"
    r"indicated)\b|\bregardless of\b",
    re.I,
)


def answers_skipping(question: str, sentence: str) -> StanceLabel | None:
    """The stance a deciding sentence takes on a question asking whether something may be left out ("Is it okay
    to skip …?", "Can X be omitted …?"): saying it can be done without answers yes ("… may not be necessary"),
    advising it still answers no ("… all children over 5 years should be screened"); None otherwise.

    The classifier reads the polarity of the sentence, not of the question: "not necessary" as a no. On 15 fresh
    hand-written dev questions this turned 2 answers right and none wrong; it changes none of the older
    hand-written dev verdicts, nor PubMedQA dev's."""
    if not _SKIP_QUESTION.search(question) or _CONTRAST.search(sentence):
        return None
    if _DISPENSABLE.search(sentence):
        return "supports"
    return "contradicts" if _STILL_ADVISED.search(sentence) else None


def features(question: str, sentences: Sequence[str], kind: str = "") -> Counter:
    """The classifier's features of a question and its deciding sentences (raw counts; the model weighs them).

    - ``w:``/``b:`` words and bigrams of the sentences, negated words marked ``not_``;
    - ``q:`` content words of the question (some questions lean one way: "still", "really", "worth");
    - cue counts (no difference, similar, significant, hedge, positive, negative, p-values) and their
      crossings with the question's form (a negated question or one asking about risk flips cues);
    - ``shared``: share of the question's terms the sentences use; ``kind:`` where the sentences come from.
    """
    text = _NOT_ONLY.sub("only", " ".join(sentences))  # "not only X but also Y" affirms both
    f: Counter = Counter()
    tokens = negated_words(text)
    for w in tokens:
        if w not in STOP_WORDS or w in _NEGATORS:
            f[f"w:{w}"] += 1
    for a, b in itertools.pairwise(tokens):
        f[f"b:{a}_{b}"] += 1
    q_words = words(question)
    for w in set(q_words) - STOP_WORDS:
        f[f"q:{stem(w)}"] += 1
    q_negated, q_risk = question_leans(q_words)
    for name, pattern in _CUES.items():
        n = len(pattern.findall(text))
        if n:
            f[f"cue:{name}"] += min(n, 3)
            if q_negated:
                f[f"cue:{name}:qneg"] += min(n, 3)
            if q_risk:
                f[f"cue:{name}:qrisk"] += min(n, 3)
    sig, nonsig = _p_values(text)
    if sig:
        f["cue:p_significant"] += min(sig, 3)
    if nonsig:
        f["cue:p_nonsignificant"] += min(nonsig, 3)
    f["shared"] = terms_used(question_terms(question), stems(text))
    if kind:
        f[f"kind:{kind}"] = 1.0
    return f


# ------------------------------------------------------------------ the model
DENSE_PREFIXES = ("cue:", "shared", "kind:")


@dataclass
class StanceModel:
    """Multinomial logistic regression over ``features`` (JSON, no pickle): TF-IDF words, cue values beside them."""

    classes: list[str]
    vocabulary: dict[str, int]
    idf: list[float]
    coef: list[list[float]]  # one row per class
    intercept: list[float]
    temperature: float = 1.0  # probabilities are softmax(z / temperature), fitted on held-out folds
    dense_scale: float = 0.5  # weight of the cue features beside the normalised words (chosen on dev)
    provenance: dict = field(default_factory=dict)

    def vector(self, feats: Counter) -> dict[int, float]:
        """Words: sublinear TF times IDF, L2-normalised; cues and the rest: their value times ``dense_scale``.

        The few cue features stay outside the words' normalisation, so that thousands of word features
        do not dilute them.
        """
        words_part: dict[int, float] = {}
        out: dict[int, float] = {}
        for name, count in feats.items():
            j = self.vocabulary.get(name)
            if j is None or not count:
                continue
            if name.startswith(DENSE_PREFIXES):
                out[j] = self.dense_scale * (min(count, 3) / 3 if name.startswith("cue:") else count)
            else:
                words_part[j] = (1.0 + math.log(count) if count >= 1 else count) * self.idf[j]
        norm = math.sqrt(sum(x * x for x in words_part.values())) or 1.0
        out.update({j: x / norm for j, x in words_part.items()})
        return out

    def probabilities(self, feats: Counter) -> dict[str, float]:
        v = self.vector(feats)
        z = [b + sum(row[j] * x for j, x in v.items()) for row, b in zip(self.coef, self.intercept, strict=True)]
        z = [x / self.temperature for x in z]
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = sum(e)
        return {c: x / total for c, x in zip(self.classes, e, strict=True)}

    def to_json(self) -> dict:
        return {
            "classes": self.classes,
            "vocabulary": self.vocabulary,
            "idf": [round(x, 5) for x in self.idf],
            "coef": [[round(x, 5) for x in row] for row in self.coef],
            "intercept": [round(x, 6) for x in self.intercept],
            "temperature": self.temperature,
            "dense_scale": self.dense_scale,
            "provenance": self.provenance,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> StanceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**data)


def load_stance_model(path: Path | None = None) -> StanceModel:
    """The stance classifier: ``path`` if given, else the one MedLit ships (``defaults/stance_model.json``).

    Its ``provenance`` says what it was fitted on, when, and how well it did on dev and test.
    """
    return _load(str(path or DEFAULTS_DIR / STANCE_MODEL))


@lru_cache(maxsize=4)
def _load(path: str) -> StanceModel:
    if not Path(path).is_file():
        raise FileNotFoundError(f"No stance model at {path}: run `python -m retrieval calibrate-stance`.")
    return StanceModel.load(Path(path))


# ------------------------------------------------------------------ stances
@dataclass
class Stance:
    label: StanceLabel
    probability: float  # the model's probability of ``label``
    sentence: str  # the sentence of the abstract that decides it
    probabilities: dict[str, float] = field(default_factory=dict)  # all three (supports, contradicts, neutral)

    @property
    def inconclusive(self) -> bool:
        """Neutral on an article about the question: it reports mixed or inconclusive results (PubMedQA's
        "maybe"), unlike an article too far from the question to be read (``MIN_RELEVANCE``)."""
        return self.label == "neutral" and self.probabilities != OFF_TOPIC


def deciding_sentences(question: str, article: Article, n: int = DECIDING_SENTENCES) -> tuple[list[str], str]:
    """The ``n`` most relevant conclusions/results sentences (deciding one first) and where the first comes from."""
    ranked = candidate_sentences(question, article)[:n]
    if not ranked:
        return [article.title] if article.title else [], "title"
    return [c.sentence for c in ranked], ranked[0].kind


def relevance(question: str, article: Article) -> float:
    """Share of the question's terms (``question_terms``) that the article's title and abstract use, each
    weighed by its rarity in everyday English.

    A drug or a disease counts more than "husband", "killed" or "pretty": a long message from a patient uses
    many words no abstract does, and unweighed, the article that answers it used under a third of them.
    """
    weighed = _weighed_terms(question)
    if not weighed:
        return 1.0
    text = stems(f"{article.title} {article.abstract_text}")
    return sum(w for term, w in weighed if any(way <= text for way in term)) / sum(w for _, w in weighed)


def _rarity(words: Iterable[str]) -> float:
    """How much a term says about a question: 7 minus the Zipf frequency of its rarest word, between 1 and 6,
    to the power ``RARITY_POWER``. A misspelt everyday word ("nessesary", "realy") is rare but says little."""
    rarest = min((zipf(w) for w in words if is_subject_word(w) or zipf(w) >= RARE_ZIPF), default=7.0)
    return max(1.0, min(6.0, 7.0 - rarest)) ** RARITY_POWER


_TURN = re.compile(r"^(?:however|but|in contrast|conversely|nevertheless|nonetheless|yet|on the other hand)\b", re.I)


def _turned(article: Article, sentence: str) -> bool:
    """Whether the abstract's next sentence turns against ``sentence`` ("… is not associated with invasion.
    However, VEGF is an independent prognostic factor"): a finding of no effect that is only half the story."""
    flat = [s for section in article.abstract for s in split_sentences(section.text)]
    after = flat.index(sentence) + 1 if sentence in flat else len(flat)
    return after < len(flat) and bool(_TURN.match(flat[after]))


def article_stance(model: StanceModel, question: str, article: Article, answering: bool = False) -> Stance:
    """Whether ``article`` answers ``question`` yes (supports), no (contradicts) or neither (neutral).

    An article using under ``MIN_RELEVANCE`` of the question's content words is off-topic: neutral, unless it
    is the ``answering`` one, which search and the abstention rule have already judged on topic: an article
    on "lunar phases" answers "more babies after a full moon?" in words the question does not use.
    """
    sentences, kind = deciding_sentences(question, article)
    if not sentences or (not answering and relevance(question, article) < MIN_RELEVANCE):
        return Stance("neutral", 1.0, sentences[0] if sentences else "", dict(OFF_TOPIC))
    p = model.probabilities(features(question, sentences, kind))
    label = max(p, key=p.__getitem__)
    skipping = next(((stance, s) for s in sentences[:2] if (stance := answers_skipping(question, s))), None)
    if skipping is not None:  # "Can X be omitted?" "… may not be necessary": yes, and that sentence decides it
        return Stance(skipping[0], p[label], skipping[1], p)
    # "… by monocytes, but not neutrophils", "… daunorubicin but not doxorubicin"
    partial = label != "neutral" and next(
        (s for s in (sentences[0], article.title) if reports_partial(question, s)), ""
    )
    if partial:
        return Stance("neutral", p[label], partial, p)
    if label != "contradicts" and states_no_effect(question, sentences[0]) and not _turned(article, sentences[0]):
        label = "contradicts"
    # a finding of harm answers "is it safe?" no, "can be done without" answers "is it needed?" no, and
    # "deleterious" answers "does it help?" no
    if label == "supports" and reports_harm(question, sentences[0]):
        return Stance("contradicts", p["supports"], sentences[0], p)
    dispensable = next((s for s in sentences[:2] if reports_dispensable(question, s)), "")
    if label == "supports" and dispensable:  # "… is at least as effective. Peak levels are not necessary."
        return Stance("contradicts", p["supports"], dispensable, p)
    if label != "contradicts" and reports_harm(question, article.title):  # a case report's title names the harm
        return Stance("contradicts", p[label], article.title, p)
    if label == "supports" and reports_opposite(question, sentences[0]):  # "reduce?" "… increased …"
        return Stance("contradicts", p["supports"], sentences[0], p)
    equal = label == "contradicts" and reports_equivalence(question, sentences[0])  # "as good as?" "comparable"
    if equal and not _turned(article, sentences[0]):
        return Stance("supports", p["contradicts"], sentences[0], p)
    worse = worse_sentence(question, sentences) if label == "supports" else ""
    if worse:
        return Stance("contradicts", p["supports"], worse, p)
    return Stance(label, p[label], sentences[0], p)  # type: ignore[arg-type]


# ------------------------------------------------------------------ verdicts
# How much one article of each evidence level weighs in a verdict.
LEVEL_WEIGHT = {
    "systematic review / meta-analysis": 3.0,
    "randomized controlled trial": 2.0,
    "other clinical trial": 1.5,
    "observational": 1.0,
    "case report": 0.5,
    "review": 0.75,
    OTHER.label: 1.0,
}
AGREE_SHARE = 0.75  # the share of the weight one side needs for a yes or a no rather than "mixed"
NOUNS = {  # level label -> (singular, plural)
    "systematic review / meta-analysis": ("systematic review", "systematic reviews"),
    "randomized controlled trial": ("randomized controlled trial", "randomized controlled trials"),
    "other clinical trial": ("clinical trial", "clinical trials"),
    "observational": ("observational study", "observational studies"),
    "case report": ("case report", "case reports"),
    "review": ("review", "reviews"),
    OTHER.label: ("study", "studies"),
}
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _count(n: int, level: str) -> str:
    singular, plural = NOUNS.get(level, NOUNS[OTHER.label])
    number = NUMBERS[n] if n < len(NUMBERS) else f"{n:,}"
    return f"{number} {singular if n == 1 else plural}"


def _phrase(groups: Counter) -> str:
    """'two randomized controlled trials and one study', strongest level first."""
    ordered = sorted(groups.items(), key=lambda item: (BY_LABEL.get(item[0], OTHER).rank, -item[1]))
    parts = [_count(n, level) for level, n in ordered]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def verdict(stances: Iterable[tuple[Stance, str]]) -> tuple[str, str]:
    """One verdict (yes, no, mixed, insufficient) over the evidence articles' stances, and what it rests on.

    Each article is (its stance, its evidence level label from ``retrieval.library.evidence``). Neutral
    articles do not count; a side wins when it holds ``AGREE_SHARE`` of the weight of the deciding articles
    (each weighed by its level and the stance's probability), else the evidence is mixed. When no article
    takes a side, articles about the question that report inconclusive results make it mixed too; only
    articles that do not bear on it leave it insufficient.
    """
    items = list(stances)
    deciding = [(s, level if level in LEVEL_WEIGHT else OTHER.label) for s, level in items if s.label != "neutral"]
    if not deciding:
        if not items:
            return "insufficient", "no article in the library bears on it"
        inconclusive = Counter(level if level in LEVEL_WEIGHT else OTHER.label for s, level in items if s.inconclusive)
        if inconclusive:
            n = sum(inconclusive.values())
            return "mixed", f"{_phrase(inconclusive)} {'is' if n == 1 else 'are'} inconclusive"
        n = len(items)
        return "insufficient", f"{NUMBERS[n] if n < len(NUMBERS) else n} article{'s' if n > 1 else ''}, none decides it"
    weight = Counter()
    for s, level in deciding:
        weight[s.label] += LEVEL_WEIGHT[level] * s.probability
    share = weight["supports"] / (weight["supports"] + weight["contradicts"])
    by_side = {side: Counter(level for s, level in deciding if s.label == side) for side in ("supports", "contradicts")}
    if share >= AGREE_SHARE or share <= 1 - AGREE_SHARE:
        side = "supports" if share >= AGREE_SHARE else "contradicts"
        answer = "yes" if side == "supports" else "no"
        groups, other = by_side[side], by_side["contradicts" if side == "supports" else "supports"]
        n = sum(groups.values())
        rests = _phrase(groups)
        if n > 1:
            rests += " agree"
        if other:
            rests += f" ({_phrase(other)} {'disagrees' if sum(other.values()) == 1 else 'disagree'})"
        return answer, rests
    sides = sorted(("supports", "contradicts"), key=lambda side: -weight[side])
    parts = []
    for side in sides:
        n = sum(by_side[side].values())
        verb = side if n == 1 else side[:-1]  # "supports" / "support"
        parts.append(f"{_phrase(by_side[side])} {verb}")
    return "mixed", ", ".join(parts)
