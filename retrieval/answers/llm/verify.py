"""Checks that keep a generated answer honest: every shown sentence must be backed by what it cites.

A small model writes fluent sentences that cite PMIDs it never saw and numbers
no study reported. In medicine a fabricated citation is worse than no answer, so
each sentence of a draft passes three checks or is removed, with the reason:

1. it cites at least one PMID, and only PMIDs of the evidence given to the model
   (other citations are dropped; a sentence left without one is removed);
2. every number in it appears in a cited abstract (5% = 5 %, .5 = 0.5);
3. its content is supported by a cited abstract: the embedding cosine between the
   sentence and the abstract's closest sentence reaches a threshold, and enough
   of the sentence's content words occur in the abstract. Embeddings alone judge
   topic, not claims ("atorvastatin causes liver failure" is close to any
   atorvastatin abstract); the word coverage catches claims made of words the
   abstract never uses. Both thresholds are calibrated on real abstracts
   (``retrieval.calibration.support``; values and provenance in
   ``support_threshold.json``). Citations whose abstract does not support the
   sentence are dropped too, so each shown PMID backs its sentence.

Evidence text is data, never instructions: sentences in an abstract that address
a reader as orders ("Ignore previous instructions…") are not evidence, neither in
the prompt nor as support here.

Everything here is a pure function of the draft, the evidence and an embedding
function, so it is tested without a language model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from retrieval.answers.calibrated import SUPPORT_THRESHOLD, load_calibrated
from retrieval.library.chunking import article_sentences
from retrieval.library.records import Article
from retrieval.text import coverage, split_sentences, stems

Embed = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised vectors
Entails = Callable[[str, str], bool]  # (claim, passage) -> the passage supports the claim

NO_CITATION = "no citation"
OUTSIDE_EVIDENCE = "cites PMID outside the evidence"
NUMBER_NOT_FOUND = "number not in cited abstract"
NOT_SUPPORTED = "not supported by cited abstract"

# ------------------------------------------------------------------ instruction-like evidence text
_INSTRUCTION_PATTERNS = [
    re.compile(r"\b(ignore|disregard|forget|override)\b[^.]{0,60}\b(instructions?|prompts?|rules|directions)\b", re.I),
    re.compile(r"^\W*(please\s+)?(say|tell|write|respond|reply|cite|pretend|state that|answer that)\b", re.I),
    re.compile(r"\b(system prompt|you must|you are now|cite PMID)\b", re.I),
]


def is_instruction(sentence: str) -> bool:
    """Whether a sentence of evidence text is addressed to a reader as an order rather than reporting a study."""
    return any(p.search(sentence) for p in _INSTRUCTION_PATTERNS)


def evidence_sentences(article: Article) -> list[str]:
    """Title and abstract sentences that can back a claim.

    Questions assert nothing ("Necrotizing fasciitis: an indication for hyperbaric
    oxygen?" must not back "it is an indication"), and instruction-like text is no evidence.
    """
    sentences = [article.title] if article.title else []
    sentences += [s for _, s in article_sentences(article)]
    return [s for s in sentences if not is_instruction(s) and not s.rstrip().endswith("?")]


# ------------------------------------------------------------------ numbers
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)(\s*(?:%|percent\b|per\s+cent\b))?"
)


@dataclass(frozen=True)
class Number:
    value: str  # normalised decimal: "5", "0.5", "1200"
    percent: bool


def numbers_in(text: str) -> set[Number]:
    """Numbers written in ``text``, normalised so that 5 % = 5%, .5 = 0.5, 1,200 = 1200 and 5.0 = 5.

    Digits that are part of a name (IL-6, COVID-19, HbA1c, T2DM) are not numbers.
    """
    found = set()
    for match in _NUMBER.finditer(text):
        try:
            value = format(Decimal(match.group(1).replace(",", "")).normalize(), "f")
        except InvalidOperation:
            continue
        found.add(Number(value, bool(match.group(2))))
    return found


def unsupported_numbers(claim: set[Number], source: set[Number]) -> list[Number]:
    """Numbers of a claim the source lacks; a percentage must be a percentage in the source too."""
    values = {n.value for n in source}
    return [n for n in claim if (n not in source if n.percent else n.value not in values)]


# ------------------------------------------------------------------ content words
def content_terms(text: str) -> set[str]:
    """Stems of the words that carry a sentence's content (``retrieval.text``)."""
    return stems(text)


def term_coverage(claim_terms: set[str], source_terms: set[str] | frozenset[str]) -> float:
    """Share of a claim's content words that the source uses (1.0 for a claim without any)."""
    return coverage(claim_terms, source_terms, empty=1.0)


# ------------------------------------------------------------------ citations and sentences
_GROUP = re.compile(r"[\[(]([^\[\]()]*)[\])]")
_BARE_PMID = re.compile(r"\bPMIDs?\s*[:#]?\s*(\d+)", re.I)
_BLOCK_REFS = re.compile(r"^\s*\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*\s*$")
_CITATION_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\s*(?:PMID[^\]]*|\d[\d,;\s–-]*)\])+)", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_INSUFFICIENT = re.compile(
    r"\b(insufficient|not enough|does not (?:answer|address)|no evidence|cannot be answered)\b", re.I
)


@dataclass
class DraftSentence:
    original: str  # as the model wrote it
    text: str  # citations stripped
    cited: list[str]  # PMIDs, in order of first citation


def _expand_range(refs: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", refs.strip()):
        bounds = [int(b) for b in re.split(r"\s*[–-]\s*", part) if b]
        out.extend(range(bounds[0], bounds[-1] + 1) if len(bounds) == 2 and bounds[0] <= bounds[1] else bounds)
    return out


def parse_citations(sentence: str, block_pmids: Sequence[str]) -> DraftSentence:
    """Cited PMIDs of a sentence and its text without them.

    ``[PMID:123]``, ``[PMID: 1, 2]``, ``(PMID 123)`` and a bare ``PMID 123`` cite PMIDs;
    ``[2]`` cites the second evidence block. A block number beyond the evidence cites
    nothing real and is kept as the invalid PMID ``block-N`` so it is reported.
    """
    cited: list[str] = []

    def take(match: re.Match) -> str:
        inner = match.group(1)
        if re.search(r"PMID", inner, re.I):
            cited.extend(re.findall(r"\d+", inner))
            return " "
        if match.group(0).startswith("[") and _BLOCK_REFS.match(inner):
            for n in _expand_range(inner):
                cited.append(block_pmids[n - 1] if 1 <= n <= len(block_pmids) else f"block-{n}")
            return " "
        return match.group(0)

    text = _GROUP.sub(take, sentence)
    text = _BARE_PMID.sub(lambda m: cited.append(m.group(1)) or " ", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
    return DraftSentence(sentence.strip(), text.strip(), list(dict.fromkeys(cited)))


def split_draft(draft: str, block_pmids: Sequence[str]) -> list[DraftSentence]:
    """The sentences of a model's output, list markers removed and each citation kept with its sentence."""
    out: list[DraftSentence] = []
    for line in draft.splitlines():
        line = _CITATION_AFTER_STOP.sub(r"\2\1", _LIST_MARKER.sub("", line))
        for sentence in split_sentences(line):
            parsed = parse_citations(sentence, block_pmids)
            if out and not re.search(r"\w", parsed.text):  # a citation on its own belongs to the sentence before
                out[-1].cited = list(dict.fromkeys(out[-1].cited + parsed.cited))
                out[-1].original += " " + parsed.original
            elif re.search(r"\w", parsed.text):
                out.append(parsed)
    return out


# ------------------------------------------------------------------ verification
@dataclass(frozen=True)
class EvidenceDoc:
    """What a cited PMID can back: its title and abstract sentences, their numbers and content words."""

    pmid: str
    sentences: tuple[str, ...]
    numbers: frozenset[Number]
    terms: frozenset[str]

    @classmethod
    def from_sentences(cls, pmid: str, sentences: list[str], year: int | None = None) -> EvidenceDoc:
        numbers = set().union(*(numbers_in(s) for s in sentences)) if sentences else set()
        if year:
            numbers |= numbers_in(str(year))
        return cls(pmid, tuple(sentences), frozenset(numbers), frozenset(content_terms(" ".join(sentences))))

    @classmethod
    def from_article(cls, article: Article) -> EvidenceDoc:
        return cls.from_sentences(article.pmid, evidence_sentences(article), article.year)


@dataclass(frozen=True)
class SupportThreshold:
    cosine: float  # embedding cosine with the closest sentence of the cited abstract
    coverage: float  # share of the claim's content words found in the cited abstract

    def supports(self, cosine: float, coverage: float) -> bool:
        return cosine >= self.cosine and coverage >= self.coverage


@dataclass
class Verification:
    sentences: list[tuple[str, list[str]]] = field(default_factory=list)  # kept text, its PMIDs
    removed: list[dict] = field(default_factory=list)  # {"sentence", "reason"}
    dropped_citations: list[dict] = field(default_factory=list)  # {"sentence", "pmid", "reason"} on kept sentences
    said_insufficient: bool = False  # the model itself declared the evidence insufficient


@dataclass(frozen=True)
class ClaimScores:
    """Cosines of each claim with every sentence of every evidence document."""

    sims: np.ndarray  # [claims, all documents' sentences]
    starts: tuple[int, ...]  # where each document's sentences begin, and the end

    def best(self, i: int, j: int) -> float:
        """Cosine of claim i with the closest sentence of document j (-1 when it has none)."""
        row = self.sims[i, self.starts[j] : self.starts[j + 1]]
        return float(row.max()) if row.size else -1.0

    def passage(self, i: int, j: int, doc: EvidenceDoc, limit: int = 3) -> str:
        """Document j's ``limit`` sentences closest to claim i, in the document's order."""
        row = self.sims[i, self.starts[j] : self.starts[j + 1]]
        return closest_passage(doc.sentences, row.tolist(), limit)


def closest_passage(sentences: Sequence[str], cosines: Sequence[float], limit: int = 3) -> str:
    """The ``limit`` sentences closest to a claim, in their own order."""
    order = sorted(np.argsort(-np.asarray(cosines, dtype=np.float64))[:limit])
    return " ".join(sentences[i] for i in order)


def support_scores(embed: Embed, claims: list[str], docs: Sequence[EvidenceDoc]) -> ClaimScores:
    """Every claim's cosine with every sentence of the documents (embedded in one batch)."""
    starts = tuple(np.cumsum([0] + [len(d.sentences) for d in docs]).tolist())
    doc_sentences = [s for d in docs for s in d.sentences]
    if not claims or not doc_sentences:
        return ClaimScores(np.zeros((len(claims), len(doc_sentences)), dtype=np.float32), starts)
    vectors = embed(claims + doc_sentences)
    return ClaimScores(vectors[: len(claims)] @ vectors[len(claims) :].T, starts)


def verify_draft(
    draft: str,
    evidence: Sequence[EvidenceDoc],
    embed: Embed,
    threshold: SupportThreshold,
    entails: Entails | None = None,
) -> Verification:
    """Keep the sentences of ``draft`` that pass all three checks; say why each other one was removed.

    ``entails`` (claim, passage) adds a fourth check to each citation that passes the third: the
    language model's judgement that the cited abstract's closest sentences support the claim.
    """
    by_pmid = {doc.pmid: doc for doc in evidence}
    result = Verification()
    candidates: list[tuple[DraftSentence, list[str]]] = []
    for sentence in split_draft(draft, [doc.pmid for doc in evidence]):
        valid = [p for p in sentence.cited if p in by_pmid]
        if not valid:
            if _INSUFFICIENT.search(sentence.text):
                result.said_insufficient = True
            result.removed.append(
                {"sentence": sentence.original, "reason": OUTSIDE_EVIDENCE if sentence.cited else NO_CITATION}
            )
            continue
        result.dropped_citations += [
            {"sentence": sentence.text, "pmid": p, "reason": OUTSIDE_EVIDENCE}
            for p in sentence.cited
            if p not in by_pmid
        ]
        candidates.append((sentence, valid))

    docs = list(by_pmid.values())
    column = {doc.pmid: j for j, doc in enumerate(docs)}
    scores = support_scores(embed, [s.text for s, _ in candidates], docs)
    for i, (sentence, valid) in enumerate(candidates):
        claim_numbers = numbers_in(sentence.text)
        if unsupported_numbers(claim_numbers, _numbers_of(by_pmid, valid)):
            result.removed.append({"sentence": sentence.original, "reason": NUMBER_NOT_FOUND})
            continue
        terms = content_terms(sentence.text)
        supported = [
            p for p in valid if threshold.supports(scores.best(i, column[p]), term_coverage(terms, by_pmid[p].terms))
        ]
        if entails is not None:
            supported = [p for p in supported if entails(sentence.text, scores.passage(i, column[p], by_pmid[p]))]
        if not supported:
            result.removed.append({"sentence": sentence.original, "reason": NOT_SUPPORTED})
            continue
        if unsupported_numbers(claim_numbers, _numbers_of(by_pmid, supported)):
            result.removed.append({"sentence": sentence.original, "reason": NUMBER_NOT_FOUND})
            continue
        result.dropped_citations += [
            {"sentence": sentence.text, "pmid": p, "reason": NOT_SUPPORTED} for p in valid if p not in supported
        ]
        result.sentences.append((sentence.text, supported))
    return result


def _numbers_of(by_pmid: dict[str, EvidenceDoc], pmids: list[str]) -> set[Number]:
    return set().union(*(by_pmid[p].numbers for p in pmids))


# ------------------------------------------------------------------ threshold
def load_support_threshold(data_dir: Path, embedding_model: str, embedding_backend: str) -> SupportThreshold:
    """The thresholds fitted for these vectors: the library's own calibration first, else the shipped one."""
    saved = load_calibrated(SUPPORT_THRESHOLD, data_dir, embedding_model, embedding_backend)
    return SupportThreshold(float(saved["cosine"]), float(saved["coverage"]))
