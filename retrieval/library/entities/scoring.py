"""Strict mention-level and document-level relation scores, as the BioCreative V CDR task counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(100 * p, 2),
        "recall": round(100 * r, 2),
        "f1": round(100 * f, 2),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def mention_scores(
    gold: Sequence[Iterable[tuple[int, int, str]]],
    pred: Sequence[Iterable[tuple[int, int, str]]],
    types: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Exact (start, end, type) matches per type and over ``types`` together, summed over documents."""
    out = {}
    for wanted in [*types, "all"]:
        tp = n_pred = n_gold = 0
        for g, p in zip(gold, pred, strict=True):
            gs = {x for x in g if (wanted == "all" and x[2] in types) or x[2] == wanted}
            ps = {x for x in p if (wanted == "all" and x[2] in types) or x[2] == wanted}
            tp += len(gs & ps)
            n_pred += len(ps)
            n_gold += len(gs)
        out[wanted] = prf(tp, n_pred, n_gold)
    return out


def relation_scores(gold: Sequence[set[tuple[str, str]]], pred: Sequence[set[tuple[str, str]]]) -> dict[str, float]:
    """Document-level (chemical id, disease id) pairs, micro-averaged."""
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    return prf(tp, sum(len(p) for p in pred), sum(len(g) for g in gold))
