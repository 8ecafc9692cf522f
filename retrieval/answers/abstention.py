"""Abstention: say "no evidence" when the library holds nothing that bears on a question.

Search always returns *something*, so the answer must decide whether its best
hits are evidence or just the least unrelated abstracts. The decision is a
logistic rule over features of the search and of the question's subjects,
fitted on data rather than set by hand:

- ``dense_top``: cosine of the best chunk (how close in meaning anything is);
- ``term_coverage``: share of the question's content words found in one of the
  top articles (off-topic questions use words the library never mentions);
- ``leg_agreement``: overlap of the dense and BM25 top five (both legs find the
  same articles when there is a real topic match, unrelated ones when not);
- ``subject_missing``: the question names something (a drug, a gene, a
  pathogen...) no article of the library mentions (``retrieval.search.subjects``):
  its nearest neighbours are about something else;
- ``subject_in_top``: one of the top articles mentions every subject the library
  holds (a question about a drug and a condition that no article links gets
  articles about either one);
- ``rare_coverage``: like ``term_coverage``, but each word weighs by how rare it
  is in everyday English, so "proton beam" missing from the best article counts
  more than "patients" missing.

``python -m retrieval calibrate`` fits it (``retrieval.calibration.abstention``);
``ask`` reads the fit for the library's vectors (``retrieval.answers.calibrated``).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from retrieval.answers.calibrated import ABSTENTION_RULE, load_calibrated
from retrieval.library import Library
from retrieval.search.hybrid import SearchResult
from retrieval.search.subjects import SubjectCoverage, zipf
from retrieval.text import stem, stems, term_overlap

FEATURES = ("dense_top", "term_coverage", "leg_agreement", "subject_missing", "subject_in_top", "rare_coverage")
RARE_WEIGHT_CEILING = 6.0  # a word's weight is this minus its Zipf frequency (everyday words weigh ~0)
AGREEMENT_DEPTH = 5
COVERAGE_DEPTH = 3


def features(result: SearchResult, subjects: SubjectCoverage) -> dict[str, float]:
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
        "subject_missing": float(bool(subjects.missing)),
        "subject_in_top": float(subject_in_top(result, subjects)),
        "rare_coverage": rare_coverage(result),
    }


def rare_coverage(result: SearchResult) -> float:
    """The best top article's share of the question's words, each weighted by its rarity in everyday English."""
    weights: dict[str, float] = {}
    for word in result.terms:
        weights[stem(word)] = max(weights.get(stem(word), 0.0), max(0.0, RARE_WEIGHT_CEILING - zipf(word)))
    total = sum(weights.values())
    if not total:
        return 0.0
    best = 0.0
    for hit in result.hits[:COVERAGE_DEPTH]:
        present = stems(f"{hit.title} {hit.article.abstract_text if hit.article else ''}")
        best = max(best, sum(w for s, w in weights.items() if s in present) / total)
    return best


def subject_in_top(result: SearchResult, subjects: SubjectCoverage) -> bool:
    """Whether a top article mentions every subject the library holds (true for a question naming none), or, when
    it names two drugs or more, every drug asked about together: a note's "Pt on metoprolol for IHD, started
    Lamisil …" is answered by the one article on the two drugs, which never writes the reason for the first."""
    if not subjects.present:
        return True
    together = set(subjects.together)
    if len(subjects.chemicals) > 1:
        together |= set(subjects.naming_every_chemical)
    return any(h.pmid in together for h in result.hits[:COVERAGE_DEPTH])


@dataclass
class AbstentionRule:
    """Abstain when the fitted probability that the library holds evidence is below ``threshold``."""

    coef: list[float]
    intercept: float
    threshold: float
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    embedding_model: str = ""  # the vectors the rule was fitted on
    embedding_backend: str = ""
    provenance: dict = field(default_factory=dict)

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(c * values[name] for c, name in zip(self.coef, self.features, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def abstains(self, values: dict[str, float]) -> bool:
        return self.probability(values) < self.threshold

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def load_rule(library: Library) -> AbstentionRule:
    """The rule fitted for the library's vectors (its own fit, else the shipped default)."""
    return AbstentionRule(**load_calibrated(ABSTENTION_RULE, library.settings.data_dir, *library.vectors))
