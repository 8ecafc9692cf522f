"""Measuring the language-model support check (``retrieval.answers.llm.entailment``) on labelled pairs.

Pairs come from PubMedQA articles in the library, as for the support thresholds
(``retrieval.calibration.support``):

- supported: the first sentence of an article's conclusion against its own abstract
  (conclusion removed);
- unsupported, related: the same sentence against the article whose question is
  closest to its own (a wrong citation among related evidence);
- unsupported, reversed: the sentence with its finding reversed ("reduced" for
  "increased", "did not" for "did") against its own abstract: the claim a small
  model gets wrong while using the abstract's own words, which the cosine and
  word-coverage check cannot see.

Only pairs that already pass the cosine and word-coverage check matter: the model is
asked about those alone. On ``dev`` the model's log-odds threshold is the one removing
the most unsupported pairs while losing at most ``MAX_SUPPORTED_LOSS`` of the
supported ones. For comparison, the cosine threshold is raised until it loses as many
supported pairs. The check is kept (``use``) only when it removes more unsupported pairs
than that on dev; ``test`` is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from retrieval.answers.llm.entailment import support_log_odds
from retrieval.answers.llm.verify import (
    Embed,
    SupportThreshold,
    closest_passage,
    content_terms,
    evidence_sentences,
    term_coverage,
)
from retrieval.library.records import Article
from retrieval.text import split_sentences

MAX_SUPPORTED_LOSS = 0.05
# Word swaps that reverse a finding; the first that applies to a sentence is used.
OPPOSITES = {
    **{"increased": "decreased", "decreased": "increased", "reduced": "increased", "increases": "decreases"},
    **{"decreases": "increases", "reduces": "increases", "higher": "lower", "lower": "higher", "more": "less"},
    **{"less": "more", "improved": "worsened", "improves": "worsens", "better": "worse", "worse": "better"},
    **{"effective": "ineffective", "safe": "unsafe", "beneficial": "harmful", "greater": "smaller"},
}
NEGATABLE = re.compile(r"\b(is|are|was|were|did|does|do|may|can|could|should)( not)?\b")
LOG_ODDS_GRID = np.round(np.arange(-6.0, 6.01, 0.25), 2)


@dataclass(frozen=True)
class Pair:
    claim: str
    passage: str  # the abstract's sentences closest to the claim
    supported: bool
    cosine: float  # best cosine with one of the abstract's sentences
    coverage: float  # share of the claim's content words in the abstract


def reversed_claim(sentence: str) -> str | None:
    """The sentence claiming the opposite finding, or None when no simple reversal applies."""
    for word in sentence.split():
        bare = word.strip(".,;:()").lower()
        if bare in OPPOSITES:
            return re.sub(rf"\b{re.escape(bare)}\b", OPPOSITES[bare], sentence, count=1, flags=re.I)
    match = NEGATABLE.search(sentence)
    if match is None:
        return None
    flipped = match.group(1) if match.group(2) else f"{match.group(1)} not"
    return sentence[: match.start()] + flipped + sentence[match.end() :]


def labelled_pairs(embed: Embed, articles: Mapping[str, Article], rows: Sequence[dict], limit: int) -> list[Pair]:
    """For each of the first ``limit`` usable rows: the claim against its own abstract (supported), against the
    closest other article and, reversed, against its own abstract (both unsupported)."""
    rows = [r for r in rows if r["pmid"] in articles and r.get("long_answer")][:limit]
    claims = [split_sentences(r["long_answer"])[0] for r in rows]
    docs = []
    for r in rows:
        sentences = evidence_sentences(articles[r["pmid"]])
        docs.append([s for s in sentences if s not in r["long_answer"]] or sentences)
    questions = embed([r["question"] for r in rows])
    similar = questions @ questions.T
    np.fill_diagonal(similar, -np.inf)
    pairs = []
    for i, claim in enumerate(claims):
        cases = [(claim, i, True), (claim, int(np.argmax(similar[i])), False)]
        reversal = reversed_claim(claim)
        if reversal:
            cases.append((reversal, i, False))
        for text, j, supported in cases:
            vectors = embed([text, *docs[j]])
            cosines = vectors[1:] @ vectors[0]
            pairs.append(
                Pair(
                    text,
                    closest_passage(docs[j], cosines.tolist()),
                    supported,
                    float(cosines.max()),
                    term_coverage(content_terms(text), content_terms(" ".join(docs[j]))),
                )
            )
    return pairs


def score_pairs(model: Any, pairs: Sequence[Pair], progress: Any = None) -> np.ndarray:
    """The model's support log-odds of every pair."""
    out = []
    for k, pair in enumerate(pairs):
        out.append(support_log_odds(model, pair.claim, pair.passage))
        if progress:
            progress(k + 1, len(pairs))
    return np.array(out)


def rates(pairs: Sequence[Pair], keep: np.ndarray) -> dict[str, float]:
    """Share of supported pairs kept and of unsupported pairs removed, among ``keep`` decisions."""
    supported = np.array([p.supported for p in pairs])
    return {
        "supported_kept": round(float(keep[supported].mean()), 4) if supported.any() else 1.0,
        "unsupported_removed": round(float((~keep[~supported]).mean()), 4) if (~supported).any() else 0.0,
    }


def passing(pairs: Sequence[Pair], threshold: SupportThreshold) -> np.ndarray:
    return np.array([threshold.supports(p.cosine, p.coverage) for p in pairs])


def choose_log_odds(pairs: Sequence[Pair], log_odds: np.ndarray) -> float:
    """The threshold removing the most unsupported pairs while keeping ``1 - MAX_SUPPORTED_LOSS`` of supported."""
    best, chosen = -1.0, float(LOG_ODDS_GRID[0])
    for t in LOG_ODDS_GRID:
        r = rates(pairs, log_odds >= t)
        if r["supported_kept"] >= 1 - MAX_SUPPORTED_LOSS and r["unsupported_removed"] > best:
            best, chosen = r["unsupported_removed"], float(t)
    return chosen


def cosine_at_same_loss(pairs: Sequence[Pair], supported_kept: float) -> dict[str, float]:
    """Raising the cosine threshold until it keeps no more supported pairs than the model check: what it removes."""
    cosines = np.array([p.cosine for p in pairs])
    for t in np.unique(cosines):
        r = rates(pairs, cosines >= t)
        if r["supported_kept"] <= supported_kept:
            return {"cosine": round(float(t), 4), **r}
    return {"cosine": float(cosines.max()), **rates(pairs, cosines > cosines.max())}


def calibrate_entailment(
    model: Any,
    embed: Embed,
    articles: Mapping[str, Article],
    dev_rows: Sequence[dict],
    test_rows: Sequence[dict],
    threshold: SupportThreshold,
    limit: int,
    progress: Any = None,
) -> dict:
    """Fit the log-odds threshold on dev pairs that pass ``threshold``, compare with the cosine check, report test."""
    result: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    for split, rows in (("dev", dev_rows), ("test", test_rows)):
        pairs = labelled_pairs(embed, articles, rows, limit)
        kept = passing(pairs, threshold)
        pairs = [p for p, k in zip(pairs, kept, strict=True) if k]
        log_odds = score_pairs(model, pairs, progress)
        if split == "dev":
            result["min_log_odds"] = choose_log_odds(pairs, log_odds)
        model_rates = rates(pairs, log_odds >= result["min_log_odds"])
        result[split] = {
            "pairs_passing_support_check": {
                "supported": sum(p.supported for p in pairs),
                "unsupported": sum(not p.supported for p in pairs),
            },
            "model_check": model_rates,
            "cosine_check_at_same_supported_loss": cosine_at_same_loss(pairs, model_rates["supported_kept"]),
        }
    dev = result["dev"]
    result["use"] = (
        dev["model_check"]["unsupported_removed"] > dev["cosine_check_at_same_supported_loss"]["unsupported_removed"]
    )
    result["rule"] = (
        f"log-odds threshold removing the most unsupported dev pairs with at most {MAX_SUPPORTED_LOSS:.0%} of "
        "supported ones lost; used only when it removes more than a cosine threshold losing as many"
    )
    return result
