"""The FAISS index of chunk vectors: a derived, atomically replaced file.

Ids are SQLite ``chunk_id`` values (int64). The index type follows the library's
size: exact inner-product search (``flat``) while small, an inverted-file index
with 8-bit scalar quantisation (``ivf-sq8``) from ``approx_index_min_vectors`` on,
and an inverted file of product-quantised codes (``ivf-pq``, see ``retrieval.library.pq``)
from ``PQ_MIN_VECTORS`` on, where IVF-SQ8's ~400 bytes a vector would outgrow memory.
``sync`` makes the index hold exactly the embedded chunks of the store (adding
missing ids, removing stale ones), so an interrupted ingest heals on the next run.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from retrieval.library.pq import PQ_MIN_VECTORS, new_ivf_pq, pq_training_size, rerank
from retrieval.library.store import Store
from retrieval.settings import Settings

ExactVectors = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # ids -> (ids found, their float32 vectors)
Shards = Iterable[tuple[np.ndarray, np.ndarray]]  # (ids, vectors) blocks


@dataclass
class SyncReport:
    added: int = 0
    removed: int = 0
    rebuilt: bool = False
    total: int = 0


def index_ids(index: faiss.Index) -> np.ndarray:
    """Every id stored in an index (IDMap wrappers or IVF inverted lists)."""
    if isinstance(index, faiss.IndexIDMap2 | faiss.IndexIDMap):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    ivf = faiss.extract_index_ivf(index)
    invlists = ivf.invlists
    parts = []
    for list_no in range(ivf.nlist):
        size = invlists.list_size(list_no)
        if size:
            parts.append(faiss.rev_swig_ptr(invlists.get_ids(list_no), size).copy())
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def index_type(index: faiss.Index | None) -> str:
    if index is None:
        return "none"
    if isinstance(index, faiss.IndexIDMap2 | faiss.IndexIDMap):
        inner = faiss.downcast_index(index.index)
        return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"
    return "ivf-pq" if isinstance(faiss.downcast_index(faiss.extract_index_ivf(index)), faiss.IndexIVFPQ) else "ivf-sq8"


def ivf_lists(n_vectors: int) -> int:
    """Number of IVF lists: about 4·sqrt(n), the usual FAISS guidance, as a power of two."""
    return 2 ** max(6, round(math.log2(4 * math.sqrt(max(n_vectors, 1)))))


def new_index(dim: int, kind: str, n_vectors: int) -> faiss.Index:
    if kind == "flat":
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if kind == "hnsw":
        return faiss.IndexIDMap2(faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT))
    if kind == "ivf-sq8":
        quantizer = faiss.IndexFlatIP(dim)
        return faiss.IndexIVFScalarQuantizer(
            quantizer, dim, ivf_lists(n_vectors), faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
    if kind == "ivf-pq":
        return new_ivf_pq(dim, n_vectors)
    raise ValueError(f"unknown index type {kind!r}")


def kind_for(n_vectors: int, approx_min: int, pq_min: int | None = None) -> str:
    """The index type for a library of ``n_vectors``: exact while small, then IVF-SQ8, then IVF-PQ."""
    if n_vectors < approx_min:
        return "flat"
    return "ivf-sq8" if n_vectors < (PQ_MIN_VECTORS if pq_min is None else pq_min) else "ivf-pq"


def training_size(kind: str, n_vectors: int) -> int:
    """Vectors sampled to train an index: 64 per IVF list (FAISS's guidance), more for PQ codebooks."""
    if kind == "ivf-pq":
        return min(n_vectors, pq_training_size(n_vectors))
    return min(n_vectors, 64 * ivf_lists(n_vectors))


def build_from_shards(kind: str, dim: int, n_vectors: int, sample: np.ndarray | None, shards: Shards) -> faiss.Index:
    """Train on ``sample`` (if the kind needs training), then add ``shards`` one at a time.

    Only one shard is in memory at once, so a library of tens of millions of vectors builds
    in the memory of its index plus one shard.
    """
    index = new_index(dim, kind, n_vectors)
    if not index.is_trained:
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
    for ids, vectors in shards:
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
    return index


class VectorIndex:
    """Loads, searches, synchronises and atomically saves the library's FAISS index."""

    def __init__(self, path: Path, settings: Settings, exact: ExactVectors | None = None):
        """``exact`` looks up stored vectors by id: an IVF-PQ index re-ranks its candidates with them."""
        self.path = Path(path)
        self.settings = settings
        self.exact = exact
        self.index: faiss.Index | None = None
        self._stamp: tuple[int, int] | None = None

    # ------------------------------------------------------------------ loading
    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def load(self, mmap: bool = False) -> None:
        """(Re)load from disk; with ``mmap`` the IVF lists stay on disk (read-only use)."""
        stamp = self._file_stamp()
        if stamp is None:
            self.index = None
        else:
            flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
            try:
                self.index = faiss.read_index(str(self.path), flags)
            except RuntimeError:
                self.index = faiss.read_index(str(self.path))
            self._set_search_params()
        self._stamp = stamp

    def refresh(self) -> bool:
        """Reload if another process replaced the file; True when it did."""
        if self._file_stamp() != self._stamp:
            self.load(mmap=True)
            return True
        return False

    def _set_search_params(self) -> None:
        if self.index is None:
            return
        with contextlib.suppress(RuntimeError):
            faiss.extract_index_ivf(self.index).nprobe = self.settings.ivf_nprobe

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal) if self.index is not None else 0

    @property
    def kind(self) -> str:
        return index_type(self.index)

    # ------------------------------------------------------------------- search
    def search(self, query: np.ndarray, k: int, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, chunk ids) for one or more queries, among ``ids`` only when given; missing results are -1.

        The search runs on one OpenMP thread: one query is too little work to share, and on a
        busy 2-core machine waiting for the second thread made a flat search of 10,000 vectors
        take 24 ms instead of 0.7 ms.
        """
        query = np.atleast_2d(np.asarray(query, dtype=np.float32))
        if self.index is None or self.index.ntotal == 0 or (ids is not None and not len(ids)):
            return np.zeros((len(query), 0), np.float32), np.zeros((len(query), 0), np.int64)
        k = min(k, self.index.ntotal if ids is None else len(ids))
        params = None if ids is None else self._selector_params(np.asarray(ids, dtype=np.int64))
        with one_faiss_thread():
            if self.exact is not None and self.kind == "ivf-pq":
                return rerank(self.index, self.exact, query, k, params)
            return self.index.search(query, k, params=params)

    def _selector_params(self, ids: np.ndarray) -> faiss.SearchParameters:
        selector = faiss.IDSelectorBatch(ids)
        try:
            ivf = faiss.extract_index_ivf(self.index)
        except RuntimeError:
            return faiss.SearchParameters(sel=selector)
        return faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe)

    # --------------------------------------------------------------------- sync
    def wanted_kind(self, n_vectors: int) -> str:
        return kind_for(n_vectors, self.settings.approx_index_min_vectors)

    def sync(self, store: Store, dim: int, rebuild: bool = False) -> SyncReport:
        """Make the index hold exactly the store's embedded chunks, then save it atomically."""
        self.load(mmap=False)
        wanted = store.embedded_ids()
        kind = self.wanted_kind(len(wanted))
        report = SyncReport()
        if rebuild or self.index is None or self.kind != kind or self.index.d != dim:
            self.index = self._build(store, wanted, dim, kind)
            report.rebuilt, report.added = True, len(wanted)
        else:
            present = index_ids(self.index)
            stale = np.setdiff1d(present, wanted, assume_unique=True)
            missing = np.setdiff1d(wanted, present, assume_unique=True)
            if len(stale):
                self.index.remove_ids(faiss.IDSelectorBatch(stale))
                report.removed = len(stale)
            for ids, vectors in store.iter_vectors(missing):
                self.index.add_with_ids(vectors, ids)
                report.added += len(ids)
        report.total = self.ntotal
        if report.rebuilt or report.added or report.removed or not self.path.exists():
            self.save()
        return report

    def _build(self, store: Store, ids: np.ndarray, dim: int, kind: str) -> faiss.Index:
        rng = np.random.default_rng(0)
        chosen = np.sort(rng.choice(ids, size=training_size(kind, len(ids)), replace=False))
        sample = np.vstack([v for _, v in store.iter_vectors(chosen)]) if kind.startswith("ivf") else None
        index = build_from_shards(kind, dim, len(ids), sample, store.iter_vectors())
        self.index = index
        self._set_search_params()
        return index

    def save(self) -> None:
        """Write to a temporary file and rename over the old one: readers see old or new, never half."""
        assert self.index is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".faiss.tmp")
        faiss.write_index(self.index, str(tmp))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        self._stamp = self._file_stamp()


@contextlib.contextmanager
def one_faiss_thread() -> Iterator[None]:
    """FAISS on one OpenMP thread for this block (the setting is per calling thread)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def exact_search(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the ``k`` nearest ``vectors`` of each query by inner product (an index built for one use)."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, len(vectors)))[1]
