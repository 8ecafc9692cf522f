"""The second look at a pair: its first score against those of the other pairs of its abstract.

The first classifier scores each (chemical, disease) pair on its own, yet an abstract reports few
induced diseases, and mostly of its main drug: a pair that scores well but below the abstract's best
pair, or below another disease of the same chemical, is less likely induced than its score alone
says. A small logistic regression over the first score and those differences decides. It is fitted
on first scores the classifier gave to abstracts it was not fitted on (out of fold), since its own
training rows it scores too confidently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Pair = tuple[str, str]

RANK_FEATURES = [
    "first_logit",
    "below_best_of_abstract",
    "below_best_of_chemical",
    "below_best_of_disease",
    "best_of_abstract",
    "rank_log",
    "pairs_log",
]


def relative_features(logits: Sequence[float], pairs: Sequence[Pair]) -> list[list[float]]:
    """For the pairs of one abstract and their first logits, each pair's features in ``RANK_FEATURES`` order."""
    best = max(logits, default=0.0)
    by_chem: dict[str, float] = {}
    by_dis: dict[str, float] = {}
    for z, (chem, dis) in zip(logits, pairs, strict=True):
        by_chem[chem] = max(by_chem.get(chem, z), z)
        by_dis[dis] = max(by_dis.get(dis, z), z)
    ordered = sorted(logits, reverse=True)
    out = []
    for z, (chem, dis) in zip(logits, pairs, strict=True):
        rank = next(i for i, v in enumerate(ordered) if v <= z)  # pairs scoring strictly higher
        out.append(
            [
                z,
                z - best,
                z - by_chem[chem],
                z - by_dis[dis],
                float(rank == 0),
                math.log1p(rank),
                math.log1p(len(pairs)),
            ]
        )
    return out


def by_abstract(keys: Sequence[tuple[str, Pair]], logits: Sequence[float]) -> list[list[float]]:
    """``relative_features`` of rows keyed (abstract id, pair), grouped by abstract, in the rows' order."""
    groups: dict[str, list[int]] = {}
    for i, (doc, _) in enumerate(keys):
        groups.setdefault(doc, []).append(i)
    out: list[list[float]] = [[] for _ in keys]
    for rows in groups.values():
        features = relative_features([logits[i] for i in rows], [keys[i][1] for i in rows])
        for i, f in zip(rows, features, strict=True):
            out[i] = f
    return out


def fit_ranker(features: Sequence[Sequence[float]], labels: Sequence[int]) -> list[float]:
    """Weights of the second regression, its intercept last."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit([list(f) for f in features], list(labels))
    return [float(w) for w in model.coef_[0]] + [float(model.intercept_[0])]


def ranked(weights: Sequence[float], features: Sequence[float]) -> float:
    """The second regression's probability for one pair's features."""
    z = weights[-1] + sum(w * x for w, x in zip(weights[:-1], features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
