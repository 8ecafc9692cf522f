"""IVF-PQ: built from shards, close to exact search once re-ranked, ID filters honoured, chosen by size."""

from __future__ import annotations

import numpy as np
import pytest

from bench.scale import clustered_vectors
from retrieval.library import Library, vector_index
from retrieval.library.records import Article
from retrieval.library.vector_index import VectorIndex, build_from_shards, index_ids, kind_for
from retrieval.settings import Settings

DIM = 384
N = 12_000


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(chunk ids, vectors around 12 topics, queries from the same topics)."""
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((12, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    ids = np.arange(N, dtype=np.int64) * 3 + 11  # not row numbers: the index must keep the given ids
    return ids, clustered_vectors(N, rng, centres), clustered_vectors(60, rng, centres)


@pytest.fixture(scope="module")
def index(data, tmp_path_factory) -> VectorIndex:
    ids, vectors, _ = data
    shards = [(ids[s : s + 5_000], vectors[s : s + 5_000]) for s in range(0, N, 5_000)]
    built = build_from_shards("ivf-pq", DIM, N, vectors[::2], iter(shards))
    path = tmp_path_factory.mktemp("pq") / "index.faiss"
    by_id = dict(zip(ids.tolist(), range(N), strict=True))

    def exact(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return wanted, vectors[[by_id[int(i)] for i in wanted]]

    loaded = VectorIndex(path, Settings(ivf_nprobe=16), exact=exact)
    loaded.index = built
    loaded.save()
    loaded.load(mmap=True)
    return loaded


def exact_top(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :k]]


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / truth.shape[1] for f, t in zip(found, truth, strict=True)]))


def test_built_from_shards_it_holds_every_id_and_says_what_it_is(index, data):
    ids, _, _ = data
    assert index.kind == "ivf-pq" and index.ntotal == N
    assert np.array_equal(np.sort(index_ids(index.index)), ids)


def test_reranked_search_finds_the_exact_top_hit_and_beats_the_codes_alone(index, data):
    ids, vectors, queries = data
    truth = exact_top(vectors, ids, queries, 10)
    scores, found = index.search(queries, 10)
    assert np.mean(found[:, 0] == truth[:, 0]) >= 0.9
    assert np.all(np.diff(scores, axis=1) <= 0)
    codes_only = VectorIndex(index.path, index.settings)
    codes_only.load(mmap=True)
    _, rough = codes_only.search(queries, 10)
    assert recall(found, truth) >= 0.9 and recall(found, truth) > recall(rough, truth) + 0.1


def test_id_filtered_search_returns_only_allowed_ids(index, data):
    ids, vectors, queries = data
    allowed = ids[ids % 2 == 1][::4]
    _, found = index.search(queries, 5, allowed)
    assert set(found[found >= 0].tolist()) <= set(allowed.tolist())
    mask = np.isin(ids, allowed)
    truth = exact_top(vectors[mask], ids[mask], queries, 1)
    assert np.mean(found[:, 0] == truth[:, 0]) >= 0.8


def test_the_index_kind_follows_the_library_size():
    assert kind_for(99, approx_min=100, pq_min=1_000) == "flat"
    assert kind_for(100, approx_min=100, pq_min=1_000) == "ivf-sq8"
    assert kind_for(1_000, approx_min=100, pq_min=1_000) == "ivf-pq"
    assert kind_for(100_000, approx_min=100_000) == "ivf-sq8"  # small libraries keep today's choice


def test_a_library_past_the_pq_size_syncs_to_ivf_pq_and_reranks_with_its_stored_vectors(tmp_path, monkeypatch, data):
    monkeypatch.setattr(vector_index, "PQ_MIN_VECTORS", 3_000)
    _, vectors, queries = data
    library = Library(Settings(data_dir=tmp_path, approx_index_min_vectors=1_000))
    articles = [Article(pmid=str(7000 + i), title=f"Synthetic {i}") for i in range(4_000)]
    library.store.upsert_articles(articles, "synthetic", lambda a: [a.title])
    pending = np.array([cid for cid, _ in library.store.pending_chunks(10_000)])
    library.store.set_vectors(pending, vectors[:4_000])
    assert library.sync_index().rebuilt and library.index.kind == "ivf-pq"
    _, found = library.index.search(queries, 1)
    assert np.mean(found[:, 0] == pending[np.argmax(queries @ vectors[:4_000].T, axis=1)]) >= 0.9
    library.store.delete_articles([a.pmid for a in articles[:10]], "synthetic")
    assert library.sync_index().removed == 10 and library.check().ok
