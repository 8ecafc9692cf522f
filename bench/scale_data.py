"""Synthetic vectors for ``bench scale``, made and stored shard by shard so 10M vectors fit in a few GB.

Each shard is drawn from the same Gaussian mixture on the unit sphere, rounded to
float16 (how a library at scale keeps its vectors beside the store) and appended
to one ``.npy`` file on disk. The exact top-k of every query is merged shard by
shard over those stored vectors, so the whole matrix is never in memory: at 10M
it would be 15 GB as float32.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARD = 500_000  # vectors generated, searched and added at once: 770 MB of float32


@dataclass(frozen=True)
class Dataset:
    """Vectors on disk (float16, row number = id), the queries and their exact top-k ids."""

    vectors: Path
    queries: np.ndarray
    exact: np.ndarray

    def open(self) -> np.ndarray:
        return np.load(self.vectors, mmap_mode="r")

    def shards(self, size: int = SHARD) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, float32 vectors) blocks in row order, one in memory at a time."""
        stored = self.open()
        for start in range(0, len(stored), size):
            block = np.asarray(stored[start : start + size], dtype=np.float32)
            yield np.arange(start, start + len(block), dtype=np.int64), block

    def sample(self, size: int, seed: int) -> np.ndarray:
        """``size`` stored vectors picked at random, as float32 (a training sample)."""
        stored = self.open()
        rows = np.sort(np.random.default_rng(seed).choice(len(stored), size=min(size, len(stored)), replace=False))
        return np.asarray(stored[rows], dtype=np.float32)


def merge_top_k(
    best: tuple[np.ndarray, np.ndarray], scores: np.ndarray, ids: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` highest of the running (scores, ids) and one shard's (queries × shard) scores."""
    if scores.shape[1] > k:
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    shard_scores, shard_ids = np.take_along_axis(scores, top, axis=1), ids[top]
    all_scores = np.concatenate([best[0], shard_scores], axis=1)
    all_ids = np.concatenate([best[1], shard_ids], axis=1)
    order = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(all_scores, order, axis=1), np.take_along_axis(all_ids, order, axis=1)


def make_dataset(n: int, n_queries: int, k: int, folder: Path, make_block: Callable[[int], np.ndarray]) -> Dataset:
    """Write ``n`` vectors made by ``make_block(size)`` to ``folder``, with queries and exact top-k ids."""
    queries = make_block(n_queries)
    path = folder / "vectors.npy"
    stored = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=(n, queries.shape[1]))
    best = (np.full((n_queries, 0), -np.inf, np.float32), np.zeros((n_queries, 0), np.int64))
    for start in range(0, n, SHARD):
        block = make_block(min(SHARD, n - start)).astype(np.float16)
        stored[start : start + len(block)] = block
        ids = np.arange(start, start + len(block), dtype=np.int64)
        best = merge_top_k(best, queries @ block.astype(np.float32).T, ids, k)
    stored.flush()
    del stored
    return Dataset(path, queries, best[1])
