"""Fitting the abstention rule (``python -m retrieval calibrate``) on answerable and off-topic questions.

The rule is fitted on answerable questions against off-topic ones
(bench/data/offtopic_questions.jsonl): a logistic regression over the features
of ``retrieval.answers.abstention``, then the probability threshold that
maximises balanced accuracy. The answerable questions are PubMedQA dev (gold
articles in the corpus) and plain-language paraphrases of dev questions
(bench/data/paraphrased_questions.jsonl), weighing the same: PubMedQA questions
are their articles' titles, so on them alone the rule learns "the question's
words all occur in an abstract" and abstains on almost every question a person
would type. The rule and its provenance are saved in the library's data folder,
keyed by the vectors it was fitted on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.answers.abstention import FEATURES, AbstentionRule, features
from retrieval.answers.calibrated import ABSTENTION_RULE, library_file
from retrieval.calibration.paths import display
from retrieval.library import Library
from retrieval.search.hybrid import run_search
from retrieval.search.subjects import subject_coverage

OBJECTIVE = (
    "maximise balanced accuracy: mean of the answered rate on answerable questions (each answerable set weighing"
    " the same) and the abstained rate on off-topic questions; the middle of the best thresholds"
)


def fit(answerable: list[np.ndarray], offtopic: list[np.ndarray]) -> tuple[AbstentionRule, dict[str, list[float]]]:
    """Logistic regression over the features, then the threshold maximising the balanced accuracy.

    Each side holds one feature matrix per question set; each set weighs the same within its side
    (fifty paraphrases count as much as five hundred title-like questions), and the answerable side as
    much as the off-topic side. Of the thresholds reaching the best score, the middle one is kept.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([*answerable, *offtopic])
    y = np.r_[np.ones(sum(len(a) for a in answerable)), np.zeros(sum(len(o) for o in offtopic))]
    weights = np.r_[*[np.full(len(s), 0.5 / len(side) / len(s)) for side in (answerable, offtopic) for s in side]]
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=weights * len(y))
    p_answerable = [model.predict_proba(a)[:, 1] for a in answerable]
    p_offtopic = [model.predict_proba(o)[:, 1] for o in offtopic]

    def score(threshold: float) -> float:
        answered = np.mean([np.mean(p >= threshold) for p in p_answerable])
        return float(answered + np.mean([np.mean(p < threshold) for p in p_offtopic])) / 2

    points = np.unique(np.r_[*p_answerable, *p_offtopic, 0.0, 1.0])
    candidates = (points[:-1] + points[1:]) / 2
    scores = np.array([score(t) for t in candidates])
    best = candidates[scores >= scores.max() - 1e-12]
    threshold = float(best[len(best) // 2])
    rule = AbstentionRule([float(c) for c in model.coef_[0]], float(model.intercept_[0]), threshold)
    rates = {
        "abstain_on_answerable": [float(np.mean(p < threshold)) for p in p_answerable],
        "abstain_on_offtopic": [float(np.mean(p < threshold)) for p in p_offtopic],
    }
    return rule, rates


def abstention_rate(rule: AbstentionRule, rows: np.ndarray) -> float:
    return float(np.mean([rule.abstains(dict(zip(rule.features, row, strict=True))) for row in rows]))


def cross_validated_rates(answerable: list[np.ndarray], offtopic: list[np.ndarray], folds: int = 5) -> dict:
    """The rates on held-out folds: each question judged by a rule fitted without it."""
    rng = np.random.default_rng(0)
    sets = [*answerable, *offtopic]
    fold_of = [rng.permutation(len(s)) % folds for s in sets]
    abstained = [0.0] * len(sets)
    for f in range(folds):
        kept = [s[k != f] for s, k in zip(sets, fold_of, strict=True)]
        rule, _ = fit(kept[: len(answerable)], kept[len(answerable) :])
        for g, (s, k) in enumerate(zip(sets, fold_of, strict=True)):
            abstained[g] += abstention_rate(rule, s[k == f]) * np.sum(k == f)
    rates = [float(n / len(s)) for n, s in zip(abstained, sets, strict=True)]
    return {"abstain_on_answerable": rates[: len(answerable)], "abstain_on_offtopic": rates[len(answerable) :]}


def question_features(library: Library, questions: list[str]) -> np.ndarray:
    rows = [features(run_search(library, q, k=10), subject_coverage(library, q)) for q in questions]
    return np.array([[r[name] for name in FEATURES] for r in rows], dtype=np.float64).reshape(-1, len(FEATURES))


def read_questions(path: Path, splits: tuple[str | None, ...]) -> list[str]:
    """Questions of a JSONL file (a ``question`` field) whose ``split`` is one of ``splits`` (None: no split)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("split") in splits]


FITTED = ("dev", None)  # rows a rule is fitted on: dev, and files without splits; test rows are only measured


def calibrate(
    library: Library, answerable_paths: list[Path], offtopic_paths: list[Path], out: Path | None = None
) -> tuple[AbstentionRule, Path]:
    """Fit the rule on the library's answers to the questions, record how and how well, save it to ``out``.

    ``out`` defaults to the library's own calibration file; returns the rule and where it was saved.
    Files contribute their ``split=dev`` rows (all rows when they have no split); their ``split=test``
    rows, where they have any, are held out and only measured.
    """
    answerable_q = [read_questions(p, FITTED) for p in answerable_paths]
    offtopic_q = [read_questions(p, FITTED) for p in offtopic_paths]
    answerable = [question_features(library, qs) for qs in answerable_q]
    offtopic = [question_features(library, qs) for qs in offtopic_q]
    rule, rates = fit(answerable, offtopic)
    status = library.status()
    rule.embedding_model, rule.embedding_backend = library.vectors

    def described(paths: list[Path], questions: list[list[str]]) -> list[str]:
        return [f"{display(p)} split=dev ({len(qs)} questions)" for p, qs in zip(paths, questions, strict=True)]

    rule.provenance = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answerable": described(answerable_paths, answerable_q),
        "offtopic": described(offtopic_paths, offtopic_q),
        "library": {
            "articles": status["articles"],
            "embedding_model": status["embedding_model"],
            "embedding_backend": status["embedding_backend"],
        },
        "model": "logistic regression over " + ", ".join(FEATURES),
        "objective": OBJECTIVE,
        "rates_on_fitting_data": rates,
        "rates_cross_validated_5_fold": cross_validated_rates(answerable, offtopic),
    }
    for kind, paths in (("answerable", answerable_paths), ("offtopic", offtopic_paths)):
        for path in paths:
            if held_out := read_questions(path, ("test",)):
                rate = abstention_rate(rule, question_features(library, held_out))
                rule.provenance[f"abstain_on_{kind}_test: {display(path)}"] = rate
    out = out or library_file(library.settings.data_dir, ABSTENTION_RULE)
    rule.save(out)
    return rule, out
