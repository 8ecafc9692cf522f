"""Vector storage: float32 BLOBs in SQLite against float16 shards beside it, at one library size after another.

For each size two stores are filled the same way through ``Store`` (one chunk per synthetic
record, clustered 384-d vectors written in the embedding's blocks): one keeps BLOBs, one shards
from its first vector. Measured for each: bytes on disk per vector, reading every vector back
(what an index rebuild reads), rebuilding an exact index from the store, and reading the 500
random vectors an IVF-PQ search re-ranks with. The BLOB store is then moved to shards as a
library crossing ``vector_shards_min_vectors`` is; in the shard store a share of the records is
deleted and the shards compacted, as the end of an ingest does once their dead share passes
``vector_shard_compact_dead_share``. float16 is checked against float32 on the
same vectors (cosine of the round trip, exact top-10 overlap), and on a real library's vectors
with ``--library``. The figures choose ``vector_shards_min_vectors`` (``docs/scale.md``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bench.report import BenchResult, Table
from bench.scale import DIM, POINTS_PER_CLUSTER, clustered_vectors
from bench.stats import median, percentiles, timed
from retrieval.library.library import EMBED_BLOCK
from retrieval.library.pq import RERANK_POOL
from retrieval.library.records import Article
from retrieval.library.store import Store
from retrieval.library.vector_index import build_from_shards, exact_search
from retrieval.settings import get_settings

HELP = "bytes per vector, read-back and index rebuild time of BLOB and float16 shard vector storage"
RECORD_BLOCK = 10_000  # synthetic records committed in one transaction
DELETED_SHARE = 0.3  # records deleted before the shards are compacted: over the default threshold of 0.25
AGREEMENT_VECTORS = 100_000  # vectors the float16 check searches (all of them below this size)
K = 10
STORAGE_HEADERS = ["vectors", "storage", "bytes/vector", "database MB", "shards MB", "write s", "read all s"]
STORAGE_HEADERS += ["rebuild s", f"{RERANK_POOL} by id p50 ms", "p95 ms", "move s", "compact s"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vectors", type=int, nargs="+", help="library sizes (default 100000 1000000; quick 20000)")
    parser.add_argument("--draws", type=int, default=50, help="re-ranking look-ups of 500 random vectors (default 50)")
    parser.add_argument("--queries", type=int, default=100, help="queries of the float16 top-10 check (default 100)")
    parser.add_argument("--library", type=Path, help="a library folder whose real vectors check float16 (read a copy)")
    parser.add_argument("--seed", type=int, default=0)


def synthetic(n: int, seed: int) -> Iterator[np.ndarray]:
    """``n`` clustered unit vectors (as ``bench scale`` makes them) in blocks of the embedding's size."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(16, n // POINTS_PER_CLUSTER), DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    for start in range(0, n, EMBED_BLOCK):
        yield clustered_vectors(min(EMBED_BLOCK, n - start), rng, centres)


def fill(store: Store, n: int, seed: int) -> float:
    """``n`` one-chunk records and their vectors; return the seconds spent writing the vectors."""
    with store.deferred_keyword_index():
        for start in range(0, n, RECORD_BLOCK):
            records = [Article(pmid=str(i), title=f"r{i}") for i in range(start, min(n, start + RECORD_BLOCK))]
            store.upsert_articles(records, "bench", lambda a: [a.title])
    writing = 0.0
    for block in synthetic(n, seed):
        ids = [cid for cid, _ in store.pending_chunks(len(block))]
        _, ms = timed(lambda ids=ids, block=block: store.set_vectors(ids, block))
        writing += ms / 1000
    return writing


def disk_bytes(folder: Path) -> dict[str, int]:
    database = sum(p.stat().st_size for p in folder.glob("library.sqlite*"))
    shards = sum(p.stat().st_size for p in (folder / "vectors").glob("*")) if (folder / "vectors").is_dir() else 0
    return {"database_bytes": database, "shard_bytes": shards, "total_bytes": database + shards}


def read_all(store: Store) -> int:
    return sum(len(ids) for ids, _ in store.iter_vectors())


def measure_reads(store: Store, n: int, repeats: int, draws: int, seed: int) -> dict:
    """Reading every vector, an exact index rebuilt from the store, and the re-ranking's random look-ups."""
    read_s = [timed(lambda: read_all(store))[1] / 1000 for _ in range(repeats)]
    rebuild_s = [
        timed(lambda: build_from_shards("flat", DIM, n, None, store.iter_vectors()))[1] / 1000 for _ in range(repeats)
    ]
    rng = np.random.default_rng(seed)
    ids = store.embedded_ids()
    lookups = [timed(lambda: store.vectors(rng.choice(ids, RERANK_POOL, replace=False)))[1] for _ in range(draws)]
    return {
        "read_all_s": round(median(read_s), 3),
        "read_vectors_per_s": round(n / median(read_s)),
        "rebuild_flat_s": round(median(rebuild_s), 3),
        f"lookup_{RERANK_POOL}": percentiles(lookups),
    }


def measure_size(n: int, args: argparse.Namespace, tmp: Path) -> list[dict]:
    rows = []
    for storage, shards_from in (("blobs", None), ("shards", 1)):
        folder = tmp / f"{storage}-{n}"
        store = Store(folder / "library.sqlite", shards_from=shards_from)
        start = time.perf_counter()
        write_s = fill(store, n, args.seed)
        fill_s = time.perf_counter() - start
        store.close()  # the last connection checkpoints the WAL: the file sizes are the library's
        row = {"vectors": n, "storage": storage, "fill_s": round(fill_s, 1), "write_vectors_s": round(write_s, 2)}
        row |= disk_bytes(folder)
        row["bytes_per_vector"] = round(row["total_bytes"] / n, 1)
        store = Store(folder / "library.sqlite")
        row |= measure_reads(store, n, args.repeats, args.draws, args.seed)
        store.close()
        row |= measure_move(folder, n) if storage == "blobs" else measure_compaction(folder, n, args.seed)
        rows.append(row)
    for storage in ("blobs", "shards"):
        shutil.rmtree(tmp / f"{storage}-{n}")
    return rows


def measure_move(folder: Path, n: int) -> dict:
    """Move the BLOB store's vectors to shards, as a library crossing the threshold does at its next ingest."""
    store = Store(folder / "library.sqlite", shards_from=1)
    moved, ms = timed(store.move_vectors_to_shards)
    store.close()
    assert moved == n, f"moved {moved} of {n} vectors"
    return {"move_to_shards_s": round(ms / 1000, 1), "after_move": disk_bytes(folder)}


def measure_compaction(folder: Path, n: int, seed: int) -> dict:
    """Delete ``DELETED_SHARE`` of the records, then compact: seconds, rows and bytes given back, and whether every
    live vector reads back bit for bit."""
    store = Store(folder / "library.sqlite")
    gone = np.random.default_rng(seed).choice(n, int(n * DELETED_SHARE), replace=False)
    store.delete_articles([str(i) for i in gone], "bench")
    before = np.vstack([v for _, v in store.iter_vectors()])
    done, ms = timed(lambda: store.compact_vectors(get_settings().vector_shard_compact_dead_share))
    after = np.vstack([v for _, v in store.iter_vectors()])
    store.close()
    assert len(after) == n - len(gone) and np.array_equal(before, after), "compaction changed a vector"
    return {
        "compact_s": round(ms / 1000, 1),
        "compacted": {"shards": done.shards, "rows": done.rows, "bytes": done.bytes},
        "after_compaction": disk_bytes(folder),
    }


def fp16_agreement(vectors: np.ndarray, queries: np.ndarray, k: int = K) -> dict:
    """How far float16 storage moves vectors and search: cosine of each vector's round trip, and the share of each
    query's exact top ``k`` over the float32 vectors that the float16 vectors also rank in their top ``k``."""
    vectors = np.asarray(vectors, dtype=np.float32)
    rounded = vectors.astype(np.float16).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(rounded, axis=1)
    cosines = np.sum(vectors * rounded, axis=1) / np.where(norms > 0, norms, 1.0)
    exact, stored = exact_search(vectors, queries, k), exact_search(rounded, queries, k)
    overlap = np.array([len(set(a) & set(b)) / k for a, b in zip(exact, stored, strict=True)])
    return {
        "vectors": len(vectors),
        "queries": len(queries),
        "min_cosine": round(float(cosines.min()), 9),
        "mean_cosine": round(float(cosines.mean()), 9),
        f"top{k}_overlap_mean": round(float(overlap.mean()), 4),
        f"top{k}_overlap_min": round(float(overlap.min()), 4),
    }


def overlaps(agreement: dict) -> list[float]:
    return [agreement[f"top{K}_overlap_mean"], agreement[f"top{K}_overlap_min"]]


def library_vectors(folder: Path) -> np.ndarray:
    """Every vector of a library, read from a copy of its database (opening a store may upgrade its schema)."""
    with tempfile.TemporaryDirectory(prefix="medlit-vectors-") as tmp:
        for path in folder.glob("library.sqlite*"):
            shutil.copy2(path, tmp)
        if (folder / "vectors").is_dir():
            shutil.copytree(folder / "vectors", Path(tmp) / "vectors")
        store = Store(Path(tmp) / "library.sqlite")
        vectors = np.vstack([v for _, v in store.iter_vectors()])
        store.close()
    return vectors


def real_agreement(folder: Path, n_queries: int, seed: int) -> dict:
    """float16 against float32 on a library's vectors, queried with ``n_queries`` of its own chunks (held out)."""
    vectors = library_vectors(folder)
    held_out = np.random.default_rng(seed).choice(len(vectors), n_queries, replace=False)
    rest = np.setdiff1d(np.arange(len(vectors)), held_out)
    return {"library": str(folder)} | fp16_agreement(vectors[rest], vectors[held_out])


def run(args: argparse.Namespace) -> BenchResult:
    settings = get_settings()
    sizes = args.vectors or ([20_000] if args.quick else [100_000, 1_000_000])
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="medlit-vector-store-") as tmp:
        for n in sizes:
            rows.extend(measure_size(n, args, Path(tmp)))
    sample = np.vstack(list(synthetic(min(max(sizes), AGREEMENT_VECTORS) + args.queries, args.seed + 1)))
    agreement = {"synthetic": fp16_agreement(sample[args.queries :], sample[: args.queries])}
    if args.library:
        agreement["library"] = real_agreement(args.library, args.queries, args.seed)
    lookup = f"lookup_{RERANK_POOL}"
    tables = [
        Table(
            f"Vector storage ({DIM}-d synthetic vectors, one chunk a record; reads warm, medians of {args.repeats})",
            STORAGE_HEADERS,
            [
                [
                    r["vectors"],
                    r["storage"],
                    r["bytes_per_vector"],
                    r["database_bytes"] / 2**20,
                    r["shard_bytes"] / 2**20,
                    r["write_vectors_s"],
                    r["read_all_s"],
                    r["rebuild_flat_s"],
                    r[lookup]["p50_ms"],
                    r[lookup]["p95_ms"],
                    r.get("move_to_shards_s"),
                    r.get("compact_s"),
                ]
                for r in rows
            ],
        ),
        Table(
            f"float16 against float32 (exact top-{K})",
            ["source", "queries", "min cosine", "mean cosine", f"top-{K} overlap", "worst query"],
            [
                [name, a["queries"], f"{a['min_cosine']:.9f}", f"{a['mean_cosine']:.9f}", *overlaps(a)]
                for name, a in agreement.items()
            ],
        ),
    ]
    notes = [
        f"now vector_shards_min_vectors = {settings.vector_shards_min_vectors:,}",
        "bytes/vector: the whole store (database with its records and chunks, plus shards) over the vectors.",
        "rebuild: an exact (flat) index filled from the store, so the reading dominates; move: the BLOB store's"
        " vectors moved to shards (the database keeps the freed pages for the chunks that come next).",
        f"compact: {DELETED_SHARE:.0%} of the shard store's records deleted, then its shards rewritten with their"
        " live rows only (Store.compact_vectors, as the end of an ingest); every live vector reads back the same.",
    ]
    return BenchResult(
        command="vector-store",
        params={"vectors": sizes, "repeats": args.repeats, "draws": args.draws, "queries": args.queries, "dim": DIM}
        | {"seed": args.seed, "library": str(args.library) if args.library else None},
        figures={"storage": rows, "float16": agreement},
        tables=tables,
        settings=settings,
        notes=notes,
    )
