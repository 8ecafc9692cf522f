"""Child process of ``bench scale``: load one saved index the way the library does and time searches.

Run in its own process so that its resident memory is the index's alone (plus
the interpreter), not the benchmark's vectors. Searches run with FAISS's default
thread count (what the library does) and again with one thread: on a small
machine shared with other work, OpenMP threads waiting for a busy core can cost
more than they save on a single query. With ``--vectors`` (the stored float16
vectors, row number = id, memory-mapped) an IVF-PQ index re-ranks its candidates
with them as the library does with its store; recall of the codes alone is
measured too. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

import faiss
import numpy as np
import psutil

from bench.stats import percentiles
from retrieval.library.vector_index import ExactVectors, VectorIndex
from retrieval.settings import Settings


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of the exact top-k ids that the index also returned."""
    k = exact.shape[1]
    return float(np.mean([len(set(f[f >= 0]) & set(e)) / k for f, e in zip(found, exact, strict=True)]))


def stored_vectors(path: str) -> ExactVectors:
    """Look-up of memory-mapped float16 vectors by id (ids are row numbers)."""
    stored = np.load(path, mmap_mode="r")

    def exact(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return ids, np.asarray(stored[ids], dtype=np.float32)

    return exact


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("queries")
    parser.add_argument("exact")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--vectors", help="float16 .npy of the indexed vectors, to re-rank IVF-PQ candidates")
    args = parser.parse_args()
    queries = np.load(args.queries)
    exact = np.load(args.exact)
    k = exact.shape[1]
    process = psutil.Process()
    before = process.memory_info().rss
    index = VectorIndex(args.index, Settings(), exact=stored_vectors(args.vectors) if args.vectors else None)
    start = time.perf_counter()
    index.load(mmap=True)
    load_ms = (time.perf_counter() - start) * 1000
    loaded = process.memory_info().rss
    extra = {}
    if index.exact is not None:  # first the codes alone: their recall, and the memory of the index without the vectors
        lookup, index.exact = index.exact, None
        extra[f"codes_only_recall_at_{k}"] = round(recall_at_k(index.search(queries, k)[1], exact), 4)
        extra["rss_index_only_bytes"] = process.memory_info().rss - before
        index.exact = lookup
    found = np.zeros_like(exact)
    timings: dict[str, list[float]] = {}
    for name, threads in (("default", faiss.omp_get_max_threads()), ("single", 1)):
        faiss.omp_set_num_threads(threads)
        samples = timings.setdefault(name, [])
        for _ in range(args.repeats):
            for i in range(len(queries)):
                start = time.perf_counter()
                _, ids = index.search(queries[i : i + 1], k)
                samples.append((time.perf_counter() - start) * 1000)
                found[i] = ids[0]
    searched = process.memory_info().rss
    print(
        json.dumps(
            {
                "kind": index.kind,
                "load_ms": round(load_ms, 1),
                "rss_loaded_bytes": loaded - before,
                "rss_after_search_bytes": searched - before,
                "search": percentiles(timings["default"]),
                "threads_default": faiss.omp_get_max_threads(),
                "search_by_threads": {name: percentiles(values) for name, values in timings.items()},
                f"recall_at_{k}": round(recall_at_k(found, exact), 4),
                **extra,
            }
        )
    )


if __name__ == "__main__":
    main()
