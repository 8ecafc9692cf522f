"""Index scale: build time, size, memory, latency and recall of each FAISS index type.

Vectors are synthetic but clustered (a Gaussian mixture on the unit sphere, like
sentence embeddings of a literature with topics), so approximate indexes face a
realistic neighbourhood structure. Every index type the library can choose
(``retrieval.library.vector_index.new_index``) is built the way the library builds it
(trained on a sample, then added shard by shard from vectors stored as float16 on
disk, see ``bench.scale_data``), saved, and probed in a fresh process. The result says
at which size the exact index gets too slow, i.e. what ``approx_index_min_vectors``
should be, and what IVF-PQ costs and finds at 1M-10M vectors.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench.children import run_child
from bench.report import BenchResult, Table
from bench.scale_data import Dataset, make_dataset
from bench.stats import median
from retrieval.library.vector_index import build_from_shards, training_size
from retrieval.settings import get_settings

HELP = "build time, size, memory, latency and recall of the FAISS index types on synthetic vectors"
KINDS = ("flat", "ivf-sq8", "hnsw", "ivf-pq")
DIM = 384
POINTS_PER_CLUSTER = 1000
NOISE = 1.0  # norm of a point's offset from its cluster centre (before normalising): cosine to it ≈ 0.7
K = 10
REPEAT_BUILDS_WITHIN_S = 120.0  # a build is repeated (up to --repeats) only while the builds so far took less
THREAD_WORDS = {"default": "FAISS's default threads", "single": "one FAISS thread"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vectors", type=int, nargs="+", help="library sizes to test (default 100000 1000000; quick 20000)"
    )
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="index types (default all)")
    parser.add_argument("--queries", type=int, help="single-vector queries per index (default 200; quick 50)")
    parser.add_argument(
        "--latency-budget-ms",
        type=float,
        default=20.0,
        help="exact search p95 above this calls for an approximate index",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--build-threads",
        type=int,
        default=0,
        help="FAISS threads while building (default 0: FAISS's default; 1 on a machine busy with other work)",
    )


def clustered_vectors(n: int, rng: np.random.Generator, centres: np.ndarray, block: int = 100_000) -> np.ndarray:
    """``n`` unit vectors scattered around random cluster centres (built block by block to bound memory)."""
    out = np.empty((n, centres.shape[1]), dtype=np.float32)
    for start in range(0, n, block):
        size = min(block, n - start)
        part = centres[rng.integers(0, len(centres), size)]
        part += rng.standard_normal(part.shape, dtype=np.float32) * np.float32(NOISE / np.sqrt(centres.shape[1]))
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start : start + size] = part
    return out


def dataset(n: int, n_queries: int, seed: int, folder: Path) -> Dataset:
    """``n`` clustered vectors on disk with ``n_queries`` queries from the same mixture and their exact top-k."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(16, n // POINTS_PER_CLUSTER), DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return make_dataset(n, n_queries, K, folder, lambda size: clustered_vectors(size, rng, centres))


def build(kind: str, data: Dataset, seed: int) -> tuple[faiss.Index, float]:
    """Build the index as ``VectorIndex._build`` does (same training sample, shard by shard); return it and seconds."""
    start = time.perf_counter()
    n = len(data.open())
    sample = data.sample(training_size(kind, n), seed) if kind.startswith("ivf") else None
    index = build_from_shards(kind, DIM, n, sample, data.shards())
    return index, time.perf_counter() - start


def probe(index_path: Path, queries: Path, exact: Path, repeats: int, vectors: Path | None) -> dict:
    """Search the saved index in a fresh process (see ``bench.scale_probe``); ``vectors`` to re-rank with."""
    args = ["-m", "bench.scale_probe", str(index_path), str(queries), str(exact), "--repeats", str(repeats)]
    args += ["--vectors", str(vectors)] if vectors is not None else []
    return json.loads(run_child(args, what=f"the probe of {index_path.name}").stdout)


def measure_size(n: int, kinds: list[str], n_queries: int, repeats: int, seed: int, tmp: Path) -> list[dict]:
    start = time.perf_counter()
    data = dataset(n, n_queries, seed, tmp)
    made_s = time.perf_counter() - start
    np.save(tmp / "queries.npy", data.queries)
    np.save(tmp / "exact.npy", data.exact)
    rows = []
    for kind in kinds:
        build_s: list[float] = []
        while len(build_s) < repeats and sum(build_s) < REPEAT_BUILDS_WITHIN_S:
            index, seconds = build(kind, data, seed)
            build_s.append(seconds)
        path = tmp / f"{kind}.faiss"
        faiss.write_index(index, str(path))
        del index
        measured = probe(
            path, tmp / "queries.npy", tmp / "exact.npy", repeats, data.vectors if kind == "ivf-pq" else None
        )
        rows.append(
            {
                "vectors": n,
                "kind": kind,
                "build_s": round(median(build_s), 3),
                "builds": len(build_s),
                "index_bytes": path.stat().st_size,
                "rss_bytes": measured["rss_after_search_bytes"],
                "index_rss_bytes": measured.get("rss_index_only_bytes", measured["rss_after_search_bytes"]),
                "load_ms": measured["load_ms"],
                "search": measured["search"],
                "search_by_threads": measured["search_by_threads"],
                f"recall_at_{K}": measured[f"recall_at_{K}"],
                f"codes_only_recall_at_{K}": measured.get(f"codes_only_recall_at_{K}"),
                "dataset_s": round(made_s, 1),
            }
        )
        path.unlink()
    data.vectors.unlink()
    return rows


def recommend(rows: list[dict], budget_ms: float, current: int) -> dict:
    """The size from which exact search would exceed the latency budget.

    Exact search is linear in the number of vectors, so its p95 per vector at
    the largest size tested (where the scan dominates fixed costs) extrapolates.
    Both thread settings are worked out; the advice follows the faster one.
    """
    flat = [r for r in rows if r["kind"] == "flat" and r["search"]["n"]]
    out: dict = {"latency_budget_ms": budget_ms, "current_approx_index_min_vectors": current}
    if not flat:
        out.update(recommended_approx_index_min_vectors=None, reason="no exact (flat) index was measured")
        return out
    largest = max(flat, key=lambda r: r["vectors"])
    per_million = {
        name: largest["search_by_threads"][name]["p95_ms"] / largest["vectors"] * 1e6 for name in ("default", "single")
    }
    threads = min(per_million, key=per_million.get)
    threshold = int(float(f"{budget_ms / per_million[threads] * 1e6:.2g}"))
    out.update(
        flat_p95_ms_per_million_vectors={name: round(v, 2) for name, v in per_million.items()},
        faiss_threads=threads,
        recommended_approx_index_min_vectors=threshold,
        approx_recall_at_10={f"{r['kind']}@{r['vectors']}": r[f"recall_at_{K}"] for r in rows if r["kind"] != "flat"},
        reason=(
            f"exact search with {THREAD_WORDS[threads]} costs {per_million[threads]:.1f} ms p95 per million vectors "
            f"here, so it passes the {budget_ms:g} ms budget at about {threshold:,} vectors"
        ),
    )
    return out


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    sizes = args.vectors or ([20_000] if args.quick else [100_000, 1_000_000])
    n_queries = args.queries or (50 if args.quick else 200)
    rows: list[dict] = []
    if args.build_threads:
        faiss.omp_set_num_threads(args.build_threads)
    with tempfile.TemporaryDirectory(prefix="medlit-scale-") as tmp:
        for n in sizes:
            rows.extend(measure_size(n, args.kinds, n_queries, args.repeats, args.seed, Path(tmp)))
    advice = recommend(rows, args.latency_budget_ms, settings.approx_index_min_vectors)
    table = Table(
        f"Index scale ({DIM}-d clustered vectors, {n_queries} single-vector queries, nprobe {settings.ivf_nprobe})",
        ["vectors", "index", "build s", "index MB", "RSS MB", "p50 ms", "p95 ms", "1-thread p50", "recall@10"],
        [
            [
                r["vectors"],
                r["kind"],
                r["build_s"],
                r["index_bytes"] / 2**20,
                r["index_rss_bytes"] / 2**20,
                r["search"]["p50_ms"],
                r["search"]["p95_ms"],
                r["search_by_threads"]["single"]["p50_ms"],
                r[f"recall_at_{K}"],
            ]
            for r in rows
        ],
    )
    notes = [
        f"recommended approx_index_min_vectors: {advice['recommended_approx_index_min_vectors']} "
        f"(now {advice['current_approx_index_min_vectors']}): {advice['reason']}",
        "RSS: resident memory of a fresh process after loading the index as the library does (mmap) and searching.",
        "ivf-pq: RSS counts the index alone (codes-only searches); its re-ranking reads the stored float16 vectors"
        " through a memory map, whose pages the figures' rss_bytes adds.",
    ]
    return BenchResult(
        command="scale",
        params={
            "vectors": sizes,
            "kinds": args.kinds,
            "queries": n_queries,
            "k": K,
            "repeats": args.repeats,
            "dim": DIM,
            "points_per_cluster": POINTS_PER_CLUSTER,
            "seed": args.seed,
            "build_threads": args.build_threads or faiss.omp_get_max_threads(),
        },
        figures={"indexes": rows, "recommendation": advice},
        tables=[table],
        settings=settings,
        notes=notes,
    )
