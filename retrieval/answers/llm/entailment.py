"""Does the cited passage support the sentence? The local model's yes/no probability, read, not written.

The support check of ``verify`` (embedding cosine and word coverage) judges topic
and vocabulary: a sentence that reverses a finding, or states about one drug what
the abstract says about another, uses the abstract's own words. The local model
reads the claim beside the cited abstract's closest sentences and we read its
next-token probability of "yes" against "no" after a fixed prompt (as
``yesno`` does for verdicts): a number, not a free-text judgement.

Whether this check earns its cost (some 200 prompt tokens per citation, about three
seconds on two cores) is measured by ``python -m retrieval calibrate-entailment`` on
labelled pairs from the corpus; the answer path uses it only when the saved
calibration says it removes more unsupported sentences than tightening the
cosine check would for the same loss of supported ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.answers.calibrated import ENTAILMENT_CHECK, CalibrationError, load_calibrated
from retrieval.answers.llm.verify import Entails
from retrieval.answers.llm.yesno import llama_of, next_token_logits, one_word_prompt, token_ids
from retrieval.library import Library

SYSTEM = "You check medical claims against research abstracts. Reply with one word: yes or no."
PASSAGE_CHARS = 700  # about 150 tokens of the cited abstract: its sentences closest to the claim


def prompt(claim: str, passage: str) -> str:
    """The fixed prompt, ending where the model's one-word judgement begins."""
    passage = " ".join(passage.split())[:PASSAGE_CHARS]
    user = (
        f"Abstract: {passage}\nClaim: {' '.join(claim.split())}\nDoes the abstract support the claim? Answer yes or no."
    )
    return one_word_prompt(SYSTEM, user)


def support_log_odds(chat_or_llama: Any, claim: str, passage: str) -> float:
    """log p(yes) - log p(no) for "does the passage support the claim", over every one-token spelling."""
    llama = llama_of(chat_or_llama)
    logits = next_token_logits(llama, prompt(claim, passage)).astype(np.float64)
    ids = token_ids(llama, ("yes", "no"))
    yes = _log_sum_exp(logits[ids["yes"]])
    no = _log_sum_exp(logits[ids["no"]])
    return float(yes - no)


@dataclass(frozen=True)
class EntailmentCheck:
    """Keep a citation only when the model's support log-odds reach ``min_log_odds``."""

    model: Any
    min_log_odds: float

    def supports(self, claim: str, passage: str) -> bool:
        return support_log_odds(self.model, claim, passage) >= self.min_log_odds


def _log_sum_exp(values: np.ndarray) -> float:
    top = float(values.max())
    return top + math.log(float(np.exp(values - top).sum()))


def entailment_check(library: Library, model: Any) -> Entails | None:
    """The check for answers of the local ``model``, when the saved measurement says it earns its cost."""
    if library.settings.llm_provider != "llamacpp":
        return None  # scoring reads next-token probabilities, which only the local model exposes
    try:
        saved = load_calibrated(ENTAILMENT_CHECK, library.settings.data_dir, *library.vectors)
    except CalibrationError:
        return None
    return EntailmentCheck(model, float(saved["min_log_odds"])).supports if saved.get("use") else None
