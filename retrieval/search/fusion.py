"""Fusing the two legs' rankings into one score per article.

The fused score is a weighted sum of the two legs' min-max normalised scores
(an article missing from a leg gets 0 there). Chosen on two dev sets over the
5,124-article corpus (mean MRR of the two): 500 PubMedQA dev questions with
their two rarest content words removed (the questions as given are the
articles' titles, on which every method scores R@1 = 1.0), and 50 plain-language
paraphrases of dev questions (bench/data/paraphrased_questions.jsonl). Weighted
score fusion with dense weight 0.7 and an unweighted title: MRR 0.976 / 0.897,
against 0.969 / 0.724 for reciprocal rank fusion (k=60), 0.945 / 0.875 for dense
alone, 0.989 / 0.559 for BM25 alone (title weight 2). Dense weights 0.5 and 0.8
were 0.905 and 0.927 on the mean; a title weight of 2 was 0.929 at 0.7 (it helps
only when the question is the title).
"""

from __future__ import annotations

DENSE_WEIGHT = 0.7  # share of the dense leg in the fused score (BM25 gets the rest)


def weighted_fusion(dense: list[tuple[str, float]], bm25: list[tuple[str, float]]) -> dict[str, float]:
    """DENSE_WEIGHT x normalised dense score + the rest x normalised BM25 score, over both candidate lists."""
    weights = (DENSE_WEIGHT if bm25 else 1.0, 1.0 - DENSE_WEIGHT if dense else 1.0)
    fused: dict[str, float] = {}
    for weight, ranking in zip(weights, (dense, bm25), strict=True):
        for pmid, normalised in min_max(ranking).items():
            fused[pmid] = fused.get(pmid, 0.0) + weight * normalised
    return fused


def min_max(ranking: list[tuple[str, float]]) -> dict[str, float]:
    """Scores mapped onto [0, 1] within one candidate list (all 1.0 when they are equal)."""
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    low, high = min(scores), max(scores)
    return {pmid: (s - low) / (high - low) if high > low else 1.0 for pmid, s in ranking}
