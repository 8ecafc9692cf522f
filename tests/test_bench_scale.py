"""``bench scale``'s synthetic vectors: stored shard by shard, with an exact top-k merged shard by shard."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.scale_data import make_dataset, merge_top_k


def test_top_k_merged_over_shards_equals_the_top_k_of_the_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("bench.scale_data.SHARD", 700)
    rng = np.random.default_rng(5)
    data = make_dataset(2_000, 7, 10, tmp_path, lambda size: rng.standard_normal((size, 16)).astype(np.float32))
    stored = data.open().astype(np.float32)
    whole = np.argsort(-(data.queries @ stored.T), axis=1, kind="stable")[:, :10]
    assert stored.shape == (2_000, 16) and np.array_equal(data.exact, whole)
    assert sum(len(ids) for ids, _ in data.shards(size=300)) == 2_000


def test_merge_keeps_the_best_when_a_shard_is_smaller_than_k() -> None:
    best = (np.array([[0.9, 0.1]], np.float32), np.array([[4, 5]]))
    scores, ids = merge_top_k(best, np.array([[0.5]], np.float32), np.array([7]), 2)
    assert ids.tolist() == [[4, 7]] and scores.tolist() == [[np.float32(0.9), np.float32(0.5)]]
