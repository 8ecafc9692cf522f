"""The second look at a relation pair: its score against the other pairs of its abstract."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from retrieval.library.entities.ranking import RANK_FEATURES, by_abstract, fit_ranker, ranked, relative_features
from retrieval.library.entities.relations import RelationModel, candidates

TEXT = "Cocaine-induced seizures. Aspirin was given for headache."
ENTITIES = [(0, 7, "Chemical", "C"), (16, 24, "Disease", "S"), (26, 33, "Chemical", "A"), (48, 56, "Disease", "H")]


def test_relative_features_compare_a_pair_with_the_best_of_its_abstract_chemical_and_disease():
    pairs = [("C", "S"), ("C", "H"), ("A", "H")]
    rows = relative_features([2.0, 0.5, 1.0], pairs)
    assert len(rows[0]) == len(RANK_FEATURES)
    assert rows[0][1:5] == [0.0, 0.0, 0.0, 1.0]  # the best pair of the abstract
    assert rows[1][1:5] == [-1.5, -1.5, -0.5, 0.0]  # below the best, below C's best, below H's best
    assert rows[1][5] == pytest.approx(math.log1p(2))  # two pairs score higher
    assert rows[2][3] == 0.0  # A-H is H's best pair


def test_rows_are_compared_only_within_their_own_abstract():
    keys = [("1", ("C", "S")), ("2", ("C", "S")), ("1", ("A", "S"))]
    rows = by_abstract(keys, [3.0, -1.0, 1.0])
    assert rows[1][1] == 0.0  # alone in abstract 2: its own best, whatever abstract 1 scores
    assert rows[2][1] == -2.0


def test_a_fitted_ranker_demotes_a_pair_below_the_best_of_its_abstract(tmp_path: Path):
    # the same first score is induced when it is the abstract's best, not when another pair beats it
    features, labels = [], []
    for _ in range(20):
        best, other = relative_features([2.0, 1.0], [("C", "S"), ("A", "S")])
        alone = relative_features([1.0], [("A", "S")])[0]
        features += [best, other, alone]
        labels += [1, 0, 1]
    ranker = fit_ranker(features, labels)
    pairs = candidates(TEXT, 25, ENTITIES)
    weights = [0.0] * len(pairs["C", "S"][0])
    weights[0] = 1.0  # every pair scores a logit of 1 in the first classifier
    model = RelationModel(weights, {}, 0.5, None, ranker)
    scores = model.scores(pairs)
    assert len(set(scores.values())) == 1  # tied: every pair is the abstract's best
    model.to_json(tmp_path / "relations.json")
    loaded = RelationModel.from_json(tmp_path / "relations.json")
    assert loaded.ranker == pytest.approx(ranker)
    assert loaded.predict(TEXT, 25, ENTITIES) == model.predict(TEXT, 25, ENTITIES)
    assert ranked(ranker, features[1]) < 0.5 < ranked(ranker, features[2])  # same first logit, other verdicts
