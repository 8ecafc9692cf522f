"""Small statistics shared by the benchmarks: medians over repeats and latency percentiles."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def percentiles(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """p50/p95 (and the count they rest on) of latency samples in milliseconds."""
    if not samples_ms:
        return {"n": 0, "p50_ms": float("nan"), "p95_ms": float("nan")}
    values = np.asarray(samples_ms, dtype=float)
    return {
        "n": len(values),
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p95_ms": round(float(np.percentile(values, 95)), 3),
    }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """Call ``fn`` and return its result with the wall time it took, in milliseconds."""
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


def progress(items: Sequence[T], what: str) -> Iterator[T]:
    """Iterate with a progress line on stderr (a long benchmark run in the background can be followed)."""
    from tqdm import tqdm

    return iter(tqdm(items, desc=what, file=sys.stderr, mininterval=10, dynamic_ncols=True))
