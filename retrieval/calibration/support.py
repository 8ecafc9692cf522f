"""Calibrating the support thresholds of ``retrieval.answers.llm.verify`` on real abstracts.

A sentence is "supported" by an abstract when its embedding is close enough to
one of the abstract's sentences and enough of its content words occur in the
abstract. How close and how much are empirical questions, answered on PubMedQA:

- supported: each sentence of an article's conclusion (``long_answer``) against
  the rest of the same abstract, the conclusion's own sentences removed. A
  conclusion restates and generalises the results, much as an answer sentence
  does, so this is a fair and rather hard positive;
- unsupported, related: the same sentence against the ``NEIGHBOURS`` other
  articles whose titles are closest to the question, as a wrong citation among
  the evidence of one answer would be;
- unsupported, random: against a random other article (reported only).

The thresholds are the pair keeping the most supported sentences while
precision on supported vs related sentences (one to one) reaches
``target_precision``. They are fitted on the ``dev`` split and measured on
``test`` too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.answers.calibrated import SUPPORT_THRESHOLD, library_file
from retrieval.answers.llm.verify import (
    Embed,
    SupportThreshold,
    content_terms,
    evidence_sentences,
    term_coverage,
)
from retrieval.errors import UserError
from retrieval.library.records import Article
from retrieval.text import split_sentences

if TYPE_CHECKING:
    from retrieval.library import Library

NEIGHBOURS = 4  # an answer sees five articles: the right one and four related ones
TARGET_PRECISION = 0.95
DEFAULT_EVAL = Path("../shared/data/eval/pubmedqa.jsonl")
COSINE_GRID = np.round(np.arange(0.30, 0.90, 0.02), 2)
COVERAGE_GRID = np.round(np.arange(0.0, 0.85, 0.05), 2)


@dataclass
class Scores:
    """Cosine and content-word coverage of claim/abstract pairs of one kind."""

    cosine: np.ndarray
    coverage: np.ndarray

    def kept(self, threshold: SupportThreshold) -> float:
        return float(np.mean((self.cosine >= threshold.cosine) & (self.coverage >= threshold.coverage)))


@dataclass
class SupportScores:
    supported: Scores
    related: Scores
    random: Scores

    def rates(self, threshold: SupportThreshold) -> dict[str, float]:
        recall, related = self.supported.kept(threshold), self.related.kept(threshold)
        return {
            "kept_supported": round(recall, 4),
            "kept_related_unsupported": round(related, 4),
            "kept_random_unsupported": round(self.random.kept(threshold), 4),
            "precision_1_to_1": round(recall / (recall + related), 4) if recall + related else 1.0,
        }


def read_rows(path: Path, split: str) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, filter(str.strip, lines)) if row.get("split") == split]


def support_scores(embed: Embed, articles: Mapping[str, Article], rows: list[dict], seed: int = 0) -> SupportScores:
    """Scores of every conclusion sentence against its own abstract (conclusion removed), related and random ones."""
    rows = [r for r in rows if r["pmid"] in articles and r.get("long_answer")]
    if len(rows) <= NEIGHBOURS:
        raise UserError(
            f"Only {len(rows)} of the evaluation articles are in the library: "
            "import ../shared/data/corpus first (`make corpus`)."
        )
    docs = [evidence_sentences(articles[r["pmid"]]) for r in rows]
    own = [[k for k, s in enumerate(d) if s not in r["long_answer"]] or [0] for d, r in zip(docs, rows, strict=True)]
    claims = [(c, i) for i, r in enumerate(rows) for c in split_sentences(r["long_answer"])]
    owner = np.array([i for _, i in claims])

    # One embedding pass: claims, questions (to find related articles), every abstract sentence.
    flat = [s for d in docs for s in d]
    vectors = embed([c for c, _ in claims] + [r["question"] for r in rows] + flat)
    claims_v, questions_v, sentences_v = np.split(vectors, [len(claims), len(claims) + len(rows)])
    sims = claims_v @ sentences_v.T
    starts = np.cumsum([0] + [len(d) for d in docs])

    def cosine(i: int, j: int, subset: list[int] | None = None) -> float:
        row = sims[i, starts[j] : starts[j + 1]]
        return float(row[subset].max() if subset is not None else row.max())

    claim_terms = [content_terms(c) for c, _ in claims]
    doc_terms = [content_terms(" ".join(d)) for d in docs]
    own_terms = [content_terms(" ".join(d[k] for k in keep)) for d, keep in zip(docs, own, strict=True)]

    title_sims = questions_v @ questions_v.T
    np.fill_diagonal(title_sims, -np.inf)
    related = np.argsort(-title_sims, axis=1)[:, :NEIGHBOURS]
    rng = np.random.default_rng(seed)
    random_doc = (owner + rng.integers(1, len(rows), size=len(owner))) % len(rows)

    def against(pairs: list[tuple[int, int]]) -> Scores:
        return Scores(
            np.array([cosine(i, j) for i, j in pairs]),
            np.array([term_coverage(claim_terms[i], doc_terms[j]) for i, j in pairs]),
        )

    claim_ids = range(len(claims))
    return SupportScores(
        supported=Scores(
            np.array([cosine(i, owner[i], own[owner[i]]) for i in claim_ids]),
            np.array([term_coverage(claim_terms[i], own_terms[owner[i]]) for i in claim_ids]),
        ),
        related=against([(i, int(j)) for i in claim_ids for j in related[owner[i]]]),
        random=against([(i, int(random_doc[i])) for i in claim_ids]),
    )


def choose_threshold(
    scores: SupportScores, target_precision: float = TARGET_PRECISION, coverage_grid: np.ndarray = COVERAGE_GRID
) -> SupportThreshold:
    """The thresholds keeping the most supported sentences at the target precision (then the fewest related)."""
    best: tuple[float, float] | None = None
    chosen = SupportThreshold(float(COSINE_GRID[-1]), float(coverage_grid[-1]))
    for cos in COSINE_GRID:
        for cov in coverage_grid:
            threshold = SupportThreshold(float(cos), float(cov))
            rates = scores.rates(threshold)
            key = (rates["kept_supported"], -rates["kept_related_unsupported"])
            if rates["precision_1_to_1"] >= target_precision and (best is None or key > best):
                best, chosen = key, threshold
    return chosen


def calibrate_support_threshold(
    embed: Embed,
    articles: Mapping[str, Article],
    eval_path: Path = DEFAULT_EVAL,
    *,
    embedding_model: str,
    embedding_backend: str = "",
    target_precision: float = TARGET_PRECISION,
    held_out_split: str | None = "test",
) -> dict:
    """Fit the thresholds on the ``dev`` split, measure them on ``held_out_split``; returns what to save."""
    dev = support_scores(embed, articles, read_rows(eval_path, "dev"))
    threshold = choose_threshold(dev, target_precision)
    result = {
        "cosine": threshold.cosine,
        "coverage": threshold.coverage,
        "embedding_model": embedding_model,
        "embedding_backend": embedding_backend,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": f"{eval_path} (PubMedQA conclusion sentences vs abstracts)",
        "rule": f"most supported sentences kept with precision >= {target_precision} "
        f"on supported vs related-article sentences (1:1)",
        "sentences_dev": len(dev.supported.cosine),
        "rates_dev": dev.rates(threshold),
    }
    cosine_only = choose_threshold(dev, target_precision, coverage_grid=np.zeros(1))
    result["cosine_only_for_comparison"] = {"cosine": cosine_only.cosine, "rates_dev": dev.rates(cosine_only)}
    if held_out_split:
        held_out = support_scores(embed, articles, read_rows(eval_path, held_out_split))
        result[f"sentences_{held_out_split}"] = len(held_out.supported.cosine)
        result[f"rates_{held_out_split}"] = held_out.rates(threshold)
    return result


def calibrate_verify(library: Library, eval_path: Path = DEFAULT_EVAL, out: Path | None = None) -> tuple[dict, Path]:
    """Calibrate on the articles of ``library`` (which must hold the PubMedQA corpus) and save to ``out``.

    ``out`` defaults to the library's own calibration file; returns what was saved and where.
    """
    pmids = sorted({row["pmid"] for split in ("dev", "test") for row in read_rows(eval_path, split)})
    result = calibrate_support_threshold(
        library.embed_texts,
        library.store.get_articles(pmids),
        eval_path,
        embedding_model=library.embedding_model,
        embedding_backend=library.embedding_backend,
    )
    out = out or library_file(library.settings.data_dir, SUPPORT_THRESHOLD)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result, out
