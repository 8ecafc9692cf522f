"""Measuring the language model's support check: reversed claims, the chosen threshold, the cosine comparison."""

from __future__ import annotations

import numpy as np

from retrieval.calibration.entailment import Pair, choose_log_odds, cosine_at_same_loss, rates, reversed_claim


def test_a_finding_is_reversed_by_its_opposite_or_its_negation():
    assert reversed_claim("Early mobilisation reduced delirium.") == "Early mobilisation increased delirium."
    assert reversed_claim("Statins did not affect survival.") == "Statins did affect survival."
    assert reversed_claim("The test is accurate for staging.") == "The test is not accurate for staging."
    assert reversed_claim("Nothing to see here.") is None


def pairs(supported: list[bool], cosines: list[float]) -> list[Pair]:
    return [Pair("claim", "passage", s, c, 1.0) for s, c in zip(supported, cosines, strict=True)]


def test_the_threshold_keeps_the_supported_pairs_and_removes_what_it_can():
    labelled = pairs([True] * 20 + [False] * 10, [0.8] * 30)
    log_odds = np.array([2.0] * 19 + [-3.0] + [-2.0] * 6 + [3.0] * 4)
    threshold = choose_log_odds(labelled, log_odds)
    kept = rates(labelled, log_odds >= threshold)
    assert kept["supported_kept"] >= 0.95 and kept["unsupported_removed"] == 0.6
    # a cosine check cannot tell these apart (every pair is equally close): to lose as many supported pairs
    # it must drop them all
    compared = cosine_at_same_loss(labelled, kept["supported_kept"])
    assert compared["supported_kept"] == 0.0 and compared["unsupported_removed"] == 1.0
