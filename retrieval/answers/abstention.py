"""Abstention: say "no evidence" when the library holds nothing that bears on a question.

Search always returns *something*, so the answer must decide whether its best
hits are evidence or just the least unrelated abstracts. The decision is a
logistic rule over three features of the search, fitted on data rather than
set by hand:

- ``dense_top``: cosine of the best chunk (how close in meaning anything is);
- ``term_coverage``: share of the question's content words found in one of the
  top articles (off-topic questions use words the library never mentions);
- ``leg_agreement``: overlap of the dense and BM25 top five (both legs find the
  same articles when there is a real topic match, unrelated ones when not).

``python -m retrieval calibrate`` fits it on answerable questions against
off-topic ones (bench/data/offtopic_questions.jsonl), picks the probability
threshold that maximises balanced accuracy, and saves rule and provenance to
``abstention_rule.json`` beside this file, which ``ask`` reads. The answerable
questions are PubMedQA dev (gold articles in the corpus) and plain-language
paraphrases of dev questions (bench/data/paraphrased_questions.jsonl), weighing
the same: PubMedQA questions are their articles' titles, so on them alone the
rule learns "the question's words all occur in an abstract" and abstains on
almost every question a person would type.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.search.hybrid import SearchResult, run_search, term_overlap

RULE_PATH = Path(__file__).with_name("abstention_rule.json")
FEATURES = ("dense_top", "term_coverage", "leg_agreement")
AGREEMENT_DEPTH = 5
COVERAGE_DEPTH = 3
OBJECTIVE = (
    "maximise balanced accuracy: mean of the answered rate on answerable questions (each answerable set weighing"
    " the same) and the abstained rate on off-topic questions; the middle of the best thresholds"
)


def features(result: SearchResult) -> dict[str, float]:
    dense_top = result.dense[0][1] if result.dense else 0.0
    coverage = max(
        (
            term_overlap(result.terms, f"{h.title} {h.article.abstract_text if h.article else ''}")
            for h in result.hits[:COVERAGE_DEPTH]
        ),
        default=0.0,
    )
    top_dense = {p for p, _ in result.dense[:AGREEMENT_DEPTH]}
    top_bm25 = {p for p, _ in result.bm25[:AGREEMENT_DEPTH]}
    return {
        "dense_top": float(dense_top),
        "term_coverage": float(coverage),
        "leg_agreement": len(top_dense & top_bm25) / AGREEMENT_DEPTH,
    }


@dataclass
class AbstentionRule:
    """Abstain when the fitted probability that the library holds evidence is below ``threshold``."""

    coef: list[float]
    intercept: float
    threshold: float
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    provenance: dict = field(default_factory=dict)

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(c * values[name] for c, name in zip(self.coef, self.features, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def abstains(self, values: dict[str, float]) -> bool:
        return self.probability(values) < self.threshold

    def save(self, path: Path = RULE_PATH) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


_cache: dict[Path, tuple[int, AbstentionRule]] = {}


def load_rule(path: Path = RULE_PATH) -> AbstentionRule:
    """The saved rule (re-read when the file changes, e.g. after ``calibrate``)."""
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise UserError(
            f"No abstention rule at {path}: run `python -m retrieval calibrate` on a library first."
        ) from None
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        data = json.loads(path.read_text(encoding="utf-8"))
        _cache[path] = (stamp, AbstentionRule(**data))
    return _cache[path][1]


# ------------------------------------------------------------------ calibration
def fit(answerable: list[np.ndarray], offtopic: np.ndarray) -> tuple[AbstentionRule, dict[str, list[float] | float]]:
    """Logistic regression over the features, then the threshold maximising the balanced accuracy.

    ``answerable`` holds one feature matrix per set of answerable questions; each set weighs the same
    (fifty paraphrases count as much as five hundred title-like questions), and the answerable side as
    much as the off-topic side. Of the thresholds reaching the best score, the middle one is kept.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([*answerable, offtopic])
    y = np.r_[np.ones(sum(len(a) for a in answerable)), np.zeros(len(offtopic))]
    weights = np.r_[
        *[np.full(len(a), 0.5 / len(answerable) / len(a)) for a in answerable],
        np.full(len(offtopic), 0.5 / len(offtopic)),
    ]
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=weights * len(y))
    p_answerable = [model.predict_proba(a)[:, 1] for a in answerable]
    p_offtopic = model.predict_proba(offtopic)[:, 1]

    def score(threshold: float) -> float:
        answered = np.mean([np.mean(p >= threshold) for p in p_answerable])
        return float(answered + np.mean(p_offtopic < threshold)) / 2

    points = np.unique(np.r_[*p_answerable, p_offtopic, 0.0, 1.0])
    candidates = (points[:-1] + points[1:]) / 2
    scores = np.array([score(t) for t in candidates])
    best = candidates[scores >= scores.max() - 1e-12]
    threshold = float(best[len(best) // 2])
    rule = AbstentionRule([float(c) for c in model.coef_[0]], float(model.intercept_[0]), threshold)
    rates = {
        "abstain_on_answerable": [float(np.mean(p < threshold)) for p in p_answerable],
        "abstain_on_offtopic": float(np.mean(p_offtopic < threshold)),
    }
    return rule, rates


def abstention_rate(rule: AbstentionRule, rows: np.ndarray) -> float:
    return float(np.mean([rule.abstains(dict(zip(rule.features, row, strict=True))) for row in rows]))


def cross_validated_rates(answerable: list[np.ndarray], offtopic: np.ndarray, folds: int = 5) -> dict:
    """The rates on held-out folds: each question judged by a rule fitted without it."""
    rng = np.random.default_rng(0)
    fold_of = [rng.permutation(len(a)) % folds for a in answerable]
    fold_off = rng.permutation(len(offtopic)) % folds
    abstained_a = [0.0] * len(answerable)
    abstained_o = 0.0
    for f in range(folds):
        rule, _ = fit([a[k != f] for a, k in zip(answerable, fold_of, strict=True)], offtopic[fold_off != f])
        for g, (a, k) in enumerate(zip(answerable, fold_of, strict=True)):
            abstained_a[g] += abstention_rate(rule, a[k == f]) * np.sum(k == f)
        abstained_o += abstention_rate(rule, offtopic[fold_off == f]) * np.sum(fold_off == f)
    return {
        "abstain_on_answerable": [float(n / len(a)) for n, a in zip(abstained_a, answerable, strict=True)],
        "abstain_on_offtopic": float(abstained_o / len(offtopic)),
    }


def question_features(library: Library, questions: list[str]) -> np.ndarray:
    rows = [features(run_search(library, q, k=10)) for q in questions]
    return np.array([[r[name] for name in FEATURES] for r in rows], dtype=np.float64).reshape(-1, len(FEATURES))


def read_questions(path: Path, split: str | None = None) -> list[str]:
    """Questions of a JSONL file (a ``question`` field; only rows of ``split`` when given)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if split is None or r.get("split") == split]


def calibrate(
    library: Library, answerable_paths: list[Path], offtopic_path: Path, out: Path = RULE_PATH
) -> AbstentionRule:
    """Fit the rule on the library's answers to the questions, record how and how well, save it to ``out``.

    Answerable files contribute their ``split=dev`` rows; their ``split=test`` rows, where they have any,
    are held out and only measured.
    """
    answerable_q = [read_questions(p, "dev") for p in answerable_paths]
    offtopic_q = read_questions(offtopic_path)
    answerable = [question_features(library, qs) for qs in answerable_q]
    offtopic = question_features(library, offtopic_q)
    rule, rates = fit(answerable, offtopic)
    status = library.status()
    rule.provenance = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answerable": [
            f"{_display(p)} split=dev ({len(qs)} questions)"
            for p, qs in zip(answerable_paths, answerable_q, strict=True)
        ],
        "offtopic": f"{_display(offtopic_path)} ({len(offtopic_q)} questions)",
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
    for path in answerable_paths:
        held_out = read_questions(path, "test")
        if held_out:
            rule.provenance[f"abstain_on_answerable_test: {_display(path)}"] = abstention_rate(
                rule, question_features(library, held_out)
            )
    rule.save(out)
    return rule


def _display(path: Path) -> str:
    """A path relative to the project root (``../shared/...`` for the shared data beside it)."""
    root = Path(__file__).resolve().parents[2]
    resolved = path.resolve()
    for base, prefix in ((root, Path()), (root.parent, Path(".."))):
        if resolved.is_relative_to(base):
            return str(prefix / resolved.relative_to(base))
    return str(path)
