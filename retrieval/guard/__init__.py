"""The patient-data guard: find identifiers in what a person typed before it leaves the machine.

"Leaves the machine" is a PubMed query or PMID list sent to NCBI, and a question
or evidence sent to a remote language model. Each of those calls checks its text
with ``require_clean`` first: text with identifiers is refused with
``IdentifiersFound``, whose message says in one sentence what was found (the kinds,
never the text) and how to send the redacted version instead. ``check`` gives the
identifiers and the redacted text; ``redact`` only the latter.

Detection is Presidio's ``AnalyzerEngine`` with MedLit's pattern recognisers
(``recognizers.py``) over a blank spaCy tokenizer: no trained model, nothing
downloaded, so it runs offline; redaction is Presidio's ``AnonymizerEngine``
replacing each identifier with ``<TYPE>``. The guard lives below every other room
(ingest and answers both call it) and imports nothing of MedLit.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from retrieval.errors import UserError
from retrieval.guard.kinds import TYPES

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

SCORE_THRESHOLD = 0.5
TYPE_WORDS = {
    "PERSON": "a person's name",
    "DATE": "a date tied to a person",
    "AGE": "an age over 89",
    "MEDICAL_RECORD_NUMBER": "a medical record number",
    "PHONE_NUMBER": "a phone number",
    "EMAIL_ADDRESS": "an e-mail address",
    "STREET_ADDRESS": "a street address",
    "ID_NUMBER": "an ID number",
}
assert set(TYPE_WORDS) == set(TYPES)
# A placeholder, with the short capitalised label that announced it ("MRN <MEDICAL_RECORD_NUMBER>", "DOB: <DATE>"):
# left in, a label reads as a subject no abstract mentions.
_PLACEHOLDER = re.compile(r"(?:\s*\b[A-Z]{2,4}\b\s*[:#]?)?\s*<(?:" + "|".join(TYPES) + r")>")


@dataclass(frozen=True)
class Identifier:
    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class GuardResult:
    """What the guard found in ``text``; ``redacted`` replaces each identifier with ``<TYPE>``."""

    text: str
    identifiers: list[Identifier] = field(default_factory=list)
    redacted: str = ""

    @property
    def clean(self) -> bool:
        return not self.identifiers

    @property
    def searchable(self) -> str:
        """The redacted text without its ``<TYPE>`` placeholders and their labels, for a local search: no abstract
        holds the word PERSON or MRN, and a search that looks for every word of a topic would find nothing."""
        return " ".join(_PLACEHOLDER.sub("", self.redacted).split())

    def kinds(self) -> str:
        """The kinds found, in words: "a person's name and a date tied to a person"."""
        words = list(dict.fromkeys(TYPE_WORDS[i.type] for i in self.identifiers))
        if not words:
            return "nothing"
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def as_json(self, id_: object = None) -> dict:
        return {"id": id_, "identifiers": [asdict(i) for i in self.identifiers], "redacted": self.redacted}


class IdentifiersFound(UserError):
    """Text about to leave the machine holds patient identifiers; the call was not made.

    The message names the kinds found, never their text, so it is safe to show and to log.
    """

    def __init__(self, result: GuardResult, destination: str, how_to_send_redacted: str):
        self.result = result
        self.destination = destination
        super().__init__(
            f"Not sent to {destination}: it looks like it holds patient identifiers ({result.kinds()}); "
            f"remove them, or {how_to_send_redacted} to send the redacted version: {result.redacted}"
        )


_lock = threading.Lock()  # Streamlit sessions share one engine; building it twice costs seconds
# Presidio logs the words around what it finds at DEBUG ("Context list is: ... dorothy 03/14/1931"): the text
# it guards must never reach a log, at whatever level the app or a test logs.
PRESIDIO_LOGGERS = ("presidio-analyzer", "presidio-anonymizer")


@lru_cache(maxsize=1)
def _engines() -> tuple[AnalyzerEngine, AnonymizerEngine]:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SlimSpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine
    from spacy.language import Language

    from retrieval.guard.recognizers import all_recognizers

    for name in PRESIDIO_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

    if not Language.has_factory("medlit_lower_lemma"):

        @Language.component("medlit_lower_lemma")
        def lower_lemma(doc):  # a blank pipeline has no lemmatiser; context words match lower-cased tokens
            for token in doc:
                token.lemma_ = token.lower_
            return doc

    class BlankSpacyEngine(SlimSpacyNlpEngine):
        """Presidio's slim engine over ``spacy.blank("en")``: a tokenizer, no model to download."""

        def load(self) -> None:
            nlp = spacy.blank("en")
            nlp.add_pipe("medlit_lower_lemma")
            self.nlp = {"en": nlp}

    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in all_recognizers():
        registry.add_recognizer(recognizer)
    nlp_engine = BlankSpacyEngine(models=[{"lang_code": "en", "model_name": "blank"}], auto_download=False)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return analyzer, AnonymizerEngine()


def engines() -> tuple[AnalyzerEngine, AnonymizerEngine]:
    with _lock:
        return _engines()


def check(text: str) -> GuardResult:
    """The identifiers in ``text`` (overlaps merged, in order) and the text with each one replaced by ``<TYPE>``."""
    if not text or not text.strip():
        return GuardResult(text or "", [], text or "")
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    analyzer, anonymizer = engines()
    found = analyzer.analyze(text, language="en", score_threshold=SCORE_THRESHOLD)
    merged = _merged(sorted(found, key=lambda r: (r.start, -(r.end - r.start), -r.score)))
    identifiers = [Identifier(r.start, r.end, r.entity_type, text[r.start : r.end]) for r in merged]
    if not identifiers:
        return GuardResult(text, [], text)
    results = [RecognizerResult(i.type, i.start, i.end, 1.0) for i in identifiers]
    operators = {t: OperatorConfig("replace", {"new_value": f"<{t}>"}) for t in TYPES}
    redacted = anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text
    return GuardResult(text, identifiers, redacted)


def _merged(results: list) -> list:
    """One span per stretch of text: overlapping finds become the longest one (the first type on a tie)."""
    kept: list = []
    for r in results:
        if kept and r.start < kept[-1].end:
            last = kept[-1]
            if r.end > last.end:
                last.end = r.end
            continue
        kept.append(r)
    return kept


def redact(text: str) -> str:
    return check(text).redacted


def require_clean(text: str, destination: str, how_to_send_redacted: str) -> str:
    """``text`` unchanged when it holds no identifier; else ``IdentifiersFound`` (the call must not be made)."""
    result = check(text)
    if not result.clean:
        raise IdentifiersFound(result, destination, how_to_send_redacted)
    return text


__all__ = ["GuardResult", "Identifier", "IdentifiersFound", "check", "engines", "redact", "require_clean"]
