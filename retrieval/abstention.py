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

``python -m retrieval calibrate`` fits it on answerable questions (PubMedQA dev,
whose gold articles are in the corpus) against off-topic questions
(bench/data/offtopic_questions.jsonl), picks the probability threshold that
maximises balanced accuracy (mean of the two correct-decision rates; ties go to
fewer abstentions on answerable questions), and saves rule and provenance to
``abstention_rule.json`` beside this file, which ``ask`` reads.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.library import Library
from retrieval.search import SearchResult, run_search, term_overlap

RULE_PATH = Path(__file__).with_name("abstention_rule.json")
FEATURES = ("dense_top", "term_coverage", "leg_agreement")
AGREEMENT_DEPTH = 5
COVERAGE_DEPTH = 3
OBJECTIVE = "maximise balanced accuracy (mean of answered-rate on answerable and abstained-rate on off-topic)"


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
        raise FileNotFoundError(
            f"No abstention rule at {path}: run `python -m retrieval calibrate` on a library first."
        ) from None
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        data = json.loads(path.read_text(encoding="utf-8"))
        _cache[path] = (stamp, AbstentionRule(**data))
    return _cache[path][1]


# ------------------------------------------------------------------ calibration
def fit(answerable: np.ndarray, offtopic: np.ndarray) -> tuple[AbstentionRule, dict[str, float]]:
    """Logistic regression over the features, and the threshold maximising balanced accuracy."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([answerable, offtopic])
    y = np.r_[np.ones(len(answerable)), np.zeros(len(offtopic))]
    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=1000).fit(x, y)
    p_answerable, p_offtopic = model.predict_proba(answerable)[:, 1], model.predict_proba(offtopic)[:, 1]
    best: tuple[float, float, float] | None = None  # (balanced accuracy, -abstain on answerable, threshold)
    for threshold in np.unique(np.r_[p_answerable, p_offtopic]):
        abstain_answerable = float(np.mean(p_answerable < threshold))
        abstain_offtopic = float(np.mean(p_offtopic < threshold))
        key = ((1 - abstain_answerable + abstain_offtopic) / 2, -abstain_answerable, float(threshold))
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    threshold = best[2]
    rule = AbstentionRule([float(c) for c in model.coef_[0]], float(model.intercept_[0]), threshold)
    rates = {
        "abstain_on_answerable": float(np.mean(p_answerable < threshold)),
        "abstain_on_offtopic": float(np.mean(p_offtopic < threshold)),
    }
    return rule, rates


def cross_validated_rates(answerable: np.ndarray, offtopic: np.ndarray, folds: int = 5) -> dict[str, float]:
    """Both rates on held-out folds: each question judged by a rule fitted without it."""
    rng = np.random.default_rng(0)
    fold_a = rng.permutation(len(answerable)) % folds
    fold_o = rng.permutation(len(offtopic)) % folds
    wrong_a = wrong_o = 0
    for f in range(folds):
        rule, _ = fit(answerable[fold_a != f], offtopic[fold_o != f])
        wrong_a += sum(rule.abstains(dict(zip(FEATURES, row, strict=True))) for row in answerable[fold_a == f])
        wrong_o += sum(not rule.abstains(dict(zip(FEATURES, row, strict=True))) for row in offtopic[fold_o == f])
    return {
        "abstain_on_answerable": wrong_a / len(answerable),
        "abstain_on_offtopic": 1 - wrong_o / len(offtopic),
    }


def question_features(library: Library, questions: list[str]) -> np.ndarray:
    rows = [features(run_search(library, q, k=10)) for q in questions]
    return np.array([[r[name] for name in FEATURES] for r in rows], dtype=np.float64)


def read_questions(path: Path, split: str | None = None) -> list[str]:
    """Questions of a JSONL file (a ``question`` field; only rows of ``split`` when given)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if split is None or r.get("split") == split]


def calibrate(
    library: Library,
    answerable_path: Path,
    offtopic_path: Path,
    out: Path = RULE_PATH,
    held_out_split: str | None = "test",
) -> AbstentionRule:
    """Fit the rule on the library, record how and how well, save it to ``out``."""
    answerable_q = read_questions(answerable_path, "dev")
    offtopic_q = read_questions(offtopic_path)
    answerable, offtopic = question_features(library, answerable_q), question_features(library, offtopic_q)
    rule, rates = fit(answerable, offtopic)
    status = library.status()
    rule.provenance = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answerable": f"{_display(answerable_path)} split=dev ({len(answerable_q)} questions)",
        "offtopic": f"{_display(offtopic_path)} ({len(offtopic_q)} questions)",
        "library": {"articles": status["articles"], "embedding_model": status["embedding_model"]},
        "model": "logistic regression (class-balanced) over " + ", ".join(FEATURES),
        "objective": OBJECTIVE,
        "rates_on_fitting_data": rates,
        "rates_cross_validated_5_fold": cross_validated_rates(answerable, offtopic),
    }
    if held_out_split:
        held_out = question_features(library, read_questions(answerable_path, held_out_split))
        rule.provenance[f"abstain_on_answerable_{held_out_split}"] = float(
            np.mean([rule.abstains(dict(zip(FEATURES, row, strict=True))) for row in held_out])
        )
    rule.save(out)
    return rule


def _display(path: Path) -> str:
    """A path relative to the project root (``../shared/...`` for the shared data beside it)."""
    root = Path(__file__).resolve().parents[1]
    resolved = path.resolve()
    for base, prefix in ((root, Path()), (root.parent, Path(".."))):
        if resolved.is_relative_to(base):
            return str(prefix / resolved.relative_to(base))
    return str(path)
