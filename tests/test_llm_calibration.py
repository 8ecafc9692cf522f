"""Calibrating the support thresholds: the choice rule on made-up scores, the scoring on real PubMedQA articles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.answers.llm.verify import SupportThreshold
from retrieval.calibration.support import Scores, SupportScores, choose_threshold, read_rows, support_scores
from retrieval.errors import UserError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def test_the_chosen_thresholds_keep_the_most_supported_sentences_at_the_target_precision():
    scores = SupportScores(
        supported=Scores(np.array([0.9, 0.8, 0.7, 0.6]), np.array([0.9, 0.8, 0.2, 0.7])),
        related=Scores(np.array([0.75, 0.65, 0.5, 0.3]), np.array([0.1, 0.6, 0.3, 0.2])),
        random=Scores(np.array([0.1, 0.2]), np.array([0.0, 0.1])),
    )
    threshold = choose_threshold(scores, target_precision=0.95)
    assert scores.rates(threshold) == {
        "kept_supported": 0.75,  # three of four: no pair of thresholds keeps all four and no related one
        "kept_related_unsupported": 0.0,
        "kept_random_unsupported": 0.0,
        "precision_1_to_1": 1.0,
    }
    assert threshold.coverage > 0.1
    cosine_only = choose_threshold(scores, target_precision=0.95, coverage_grid=np.zeros(1))
    assert scores.rates(cosine_only)["kept_supported"] == 0.5  # the 0.75/0.1 related pair forces cosine > 0.75


def test_real_conclusions_score_higher_against_their_own_abstract_than_against_others(fixture_library):
    from ingest.formats import iter_file

    rows = read_rows(SHARED / "eval" / "pubmedqa.jsonl", "dev")[:40]
    wanted = {r["pmid"] for r in rows}
    articles = {a.pmid: a for a in iter_file(SHARED / "corpus" / "corpus0001.xml.gz") if a.pmid in wanted}
    for path in sorted((SHARED / "corpus").glob("corpus000[23].xml.gz")):
        articles |= {a.pmid: a for a in iter_file(path) if a.pmid in wanted}
    scores = support_scores(fixture_library.embed_texts, articles, rows)
    assert len(scores.supported.cosine) >= 40 and len(scores.related.cosine) == 4 * len(scores.supported.cosine)
    assert np.median(scores.supported.cosine) > np.median(scores.related.cosine) > np.median(scores.random.cosine)
    assert np.median(scores.supported.coverage) > np.median(scores.random.coverage)
    assert scores.rates(SupportThreshold(0.0, 0.0))["kept_supported"] == 1.0


def test_too_few_evaluation_articles_in_the_library_is_a_clear_error(fixture_library):
    rows = read_rows(SHARED / "eval" / "pubmedqa.jsonl", "dev")[:10]
    with pytest.raises(UserError, match="make corpus"):
        support_scores(fixture_library.embed_texts, {}, rows)
