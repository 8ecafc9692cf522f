"""IVF-PQ: the index for libraries of millions to tens of millions of chunk vectors.

An inverted file (``nlist`` lists around k-means centroids) whose entries are
product-quantised codes: each 384-d vector is cut into ``PQ_M`` sub-vectors and
each sub-vector stored as the number (``PQ_BITS`` bits) of its nearest centroid,
so a vector costs ``PQ_M`` bytes plus its 8-byte chunk id instead of 1,536.
The chunk ids are the inverted lists' own ids, so ID selectors, ``remove_ids``
and ``index_ids`` work exactly as for IVF-SQ8.

How the parameters were chosen (clustered synthetic vectors of 1,000 points around
each topic, recall@10 against exact search; commands and figures in ``docs/scale.md``):

- PQ codes alone rank a topic's close neighbours poorly: at 100k vectors, 48-byte
  codes found 0.26 of the exact top 10 and 64-byte codes 0.37. But 0.80 and 0.90
  of the exact top 10 were among the codes' best 100, so the index hands a pool
  of ``rerank_pool(k)`` candidates to ``rerank``, which re-scores them exactly with
  the stored vectors. Re-ranking, not longer codes, buys the recall, so ``PQ_M``
  = 48 keeps 10M vectors at 560 MB in memory, inside the 1 GB target.
- ``nlist`` is about sqrt(n)/3 (1,024 lists at 10M), fewer than IVF-SQ8's 4·sqrt(n):
  assigning every vector to its list costs n·nlist·384 multiply-adds and is the
  build's main cost on a CPU, while the scan of ``ivf_nprobe`` lists of codes stays
  far inside the 50 ms budget.
- ``PQ_MIN_VECTORS``: IVF-SQ8 measured 398 bytes a vector (398 MB at 1M), so
  from 2M vectors on it would take most of a gigabyte; IVF-PQ takes 56.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import faiss
import numpy as np

PQ_M = 48  # bytes of code per vector (sub-vectors of 384 / 48 = 8 dimensions)
PQ_BITS = 8  # 256 centroids per sub-vector
PQ_MIN_VECTORS = 2_000_000
RERANK_POOL = 500  # candidates re-scored exactly for a top-10 (at least RERANK_FACTOR x k for larger k)
RERANK_FACTOR = 4


def pq_lists(n_vectors: int) -> int:
    """Number of IVF lists for IVF-PQ: about sqrt(n) as a power of two, at least 64."""
    return 2 ** max(6, round(math.log2(math.sqrt(max(n_vectors, 1)))))


def pq_training_size(n_vectors: int) -> int:
    """Training sample: 64 vectors per list for the coarse k-means, at least 65,536 for the 256-word codebooks."""
    return max(64 * pq_lists(n_vectors), 256 * 256)


def new_ivf_pq(dim: int, n_vectors: int) -> faiss.Index:
    """An untrained IVF-PQ index by inner product, sized for ``n_vectors``."""
    quantizer = faiss.IndexFlatIP(dim)
    return faiss.IndexIVFPQ(quantizer, dim, pq_lists(n_vectors), PQ_M, PQ_BITS, faiss.METRIC_INNER_PRODUCT)


def rerank_pool(k: int) -> int:
    return max(RERANK_POOL, RERANK_FACTOR * k)


def rerank(
    index: faiss.Index,
    exact: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    queries: np.ndarray,
    k: int,
    params: faiss.SearchParameters | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids) by exact inner product among the index's best ``rerank_pool(k)`` candidates.

    ``exact`` returns the stored vectors of the ids it still has (a chunk deleted
    since the index was built simply drops out). Missing results are -1 as in FAISS.
    """
    pool = min(rerank_pool(k), int(index.ntotal))
    _, candidates = index.search(queries, pool, params=params)
    scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    for row, (query, found) in enumerate(zip(queries, candidates, strict=True)):
        known, vectors = exact(found[found >= 0])
        if not len(known):
            continue
        exact_scores = vectors @ query
        best = np.argsort(-exact_scores, kind="stable")[:k]
        scores[row, : len(best)] = exact_scores[best]
        ids[row, : len(best)] = known[best]
    return scores, ids
