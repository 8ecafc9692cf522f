"""IVF-PQ: the index for libraries of millions to tens of millions of chunk vectors.

An inverted file (``nlist`` lists around k-means centroids) whose entries are
product-quantised codes: each 384-d vector is cut into ``PQ_M`` sub-vectors and
each sub-vector stored as the number (``PQ_BITS`` bits) of its nearest centroid,
so a vector costs ``PQ_M`` bytes plus its 8-byte chunk id instead of 1,536.
The chunk ids are the inverted lists' own ids, so ID selectors, ``remove_ids``
and ``index_ids`` work exactly as for IVF-SQ8.

How the parameters were chosen (``python -m bench scale``: clustered synthetic vectors,
1,000 around each topic, recall@10 against exact search; figures in ``docs/scale.md``):

- PQ codes alone rank a topic's close neighbours poorly: at 100k vectors, 48-byte
  codes found 0.26 of the exact top 10 and 64-byte codes 0.37; yet 0.80 and 0.90
  of the exact top 10 were among the codes' best 100, and with 48 bytes 0.94 among
  the best 200 (50k vectors). So the index hands a pool of ``rerank_pool(k)``
  candidates to ``rerank``, which re-scores them exactly with the stored vectors.
  Re-ranking, not longer codes, buys the recall, and ``PQ_M`` = 48 keeps 10M
  vectors at 560 MB in memory, inside a 1 GB budget.
- ``nlist`` about sqrt(n) (1,024 lists at 1M, 4,096 at 10M): at 1M, 256 lists with
  a pool of 200 found 0.81 of the exact top 10 (each list mixed several topics,
  so the residuals the codes store were coarse); 1,024 lists with a pool of 500
  found 0.99, p95 5.4 ms on one core. Fewer than IVF-SQ8's 4·sqrt(n): assigning
  each vector to its list costs nlist·384 multiply-adds, the build's main cost on
  a CPU.
- ``PQ_MIN_VECTORS``: IVF-SQ8 measured 398 bytes a vector (398 MB at 1M), so
  from 2M vectors on it would take most of a gigabyte; IVF-PQ takes 56.
- No OPQ (a learnt rotation before the codes): the re-ranking reaches the recall
  target without it, and its training was not measured to the end on these
  cores. Real embeddings, whose variance is uneven across dimensions, may gain
  from it; ``bench scale`` is where to find out.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import faiss
import numpy as np

PQ_M = 48  # bytes of code per vector (sub-vectors of 384 / 48 = 8 dimensions)
PQ_BITS = 8  # 256 centroids per sub-vector
PQ_MIN_VECTORS = 2_000_000
RERANK_POOL = 500  # candidates re-scored exactly (at least RERANK_FACTOR x k when more than 125 are asked for)
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
