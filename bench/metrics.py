"""Ranking metrics of retrieval against one gold article per question."""

from __future__ import annotations

K = 10


def gold_rank(pmids: list[str], gold: str) -> int | None:
    """1-based rank of the gold PMID in a result list, None when absent."""
    return pmids.index(gold) + 1 if gold in pmids else None


def retrieval_metrics(ranks: list[int | None], k: int = K) -> dict[str, float]:
    """Recall@1, Recall@k (share of questions with the gold article that high) and mean reciprocal rank."""
    n = len(ranks) or 1
    return {
        "recall_at_1": round(sum(r == 1 for r in ranks) / n, 4),
        f"recall_at_{k}": round(sum(r is not None and r <= k for r in ranks) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
    }
