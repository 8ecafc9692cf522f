"""Vectors kept as float16 shards beside the store: the same library as with BLOBs, kept right through
replacements, deletions, damage, killed writes and the move of a library that outgrew its BLOBs."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from bench.vector_store import fp16_agreement, library_vectors
from ingest.items import Deletion
from ingest.pipeline import ingest
from retrieval.library import Library, store, vector_shards
from retrieval.library.records import AbstractSection
from retrieval.library.vector_index import index_ids
from retrieval.library.vector_shards import DamagedShardError, ShardFiles
from retrieval.search.hybrid import search
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES, MALARIA, STATINS, TOPICS

CORPUS_LIBRARY = Path(os.environ.get("MEDLIT_CORPUS_LIBRARY", Path(__file__).resolve().parents[2] / "corpus-lib"))


def sharded(data_dir: Path) -> Library:
    """A library that keeps its vectors in shards from its first chunk on (no entities: they play no part here)."""
    return Library(Settings(data_dir=data_dir, vector_shards_min_vectors=1, extract_entities=False))


def blob_vectors(library: Library) -> int:
    return library.store.conn.execute("SELECT count(*) FROM chunks WHERE vector IS NOT NULL").fetchone()[0]


def float16(vector: np.ndarray) -> np.ndarray:
    """A float32 vector as a shard gives it back."""
    return vector.astype(np.float16).astype(np.float32)


def all_vectors(library: Library) -> dict[int, np.ndarray]:
    return {int(i): v for ids, vectors in library.store.iter_vectors() for i, v in zip(ids, vectors, strict=True)}


@pytest.fixture(scope="module")
def shard_library(tmp_path_factory) -> Library:
    library = sharded(tmp_path_factory.mktemp("shards"))
    ingest(library, FIXTURE_ARTICLES, kind="test", source="fixture")
    return library


def test_a_small_library_keeps_its_blobs(fixture_library: Library):
    assert fixture_library.store.vector_storage() == "blobs"
    assert blob_vectors(fixture_library) == fixture_library.status()["vectors"] > 0
    assert not (fixture_library.settings.data_dir / "vectors").exists()


def test_ingest_with_shards_keeps_each_vector_once_and_checks_clean(shard_library: Library):
    status = shard_library.status()
    assert status["vector_storage"] == "shards" and blob_vectors(shard_library) == 0
    assert status["vectors"] == status["chunks"] > 0 and status["pending_embeddings"] == 0
    assert sum(s.rows for s in shard_library.store.shard_states()) == status["chunks"]
    assert shard_library.check().ok


def test_shards_hold_the_blob_library_vectors_to_float16(shard_library: Library, fixture_library: Library):
    by_chunk = {
        (r[0], r[1]): r[2] for r in fixture_library.store.conn.execute("SELECT pmid, ord, chunk_id FROM chunks")
    }
    blobs = all_vectors(fixture_library)
    for pmid, ord_, chunk_id in shard_library.store.conn.execute("SELECT pmid, ord, chunk_id FROM chunks"):
        stored = shard_library.store.vectors(np.array([chunk_id]))[1][0]
        assert np.array_equal(stored, float16(blobs[by_chunk[pmid, ord_]]))


@pytest.mark.parametrize("method", ["dense", "hybrid"])
def test_search_finds_the_same_articles_as_the_blob_library(shard_library, fixture_library, method: str):
    for topic in TOPICS:
        blob_hits = [h.pmid for h in search(fixture_library, topic, k=10, method=method)]
        shard_hits = [h.pmid for h in search(shard_library, topic, k=10, method=method)]
        assert shard_hits == blob_hits, topic


def test_float16_search_agrees_with_float32_on_the_fixture_library(fixture_library: Library):
    vectors = library_vectors(fixture_library.settings.data_dir)
    queries = np.vstack([fixture_library.embed_query(topic) for topic in TOPICS])
    agreement = fp16_agreement(vectors, queries)
    assert agreement["min_cosine"] >= 0.9999 and agreement["top10_overlap_mean"] == 1.0


@pytest.mark.skipif(not (CORPUS_LIBRARY / "library.sqlite").exists(), reason=f"no corpus library at {CORPUS_LIBRARY}")
def test_float16_search_agrees_with_float32_on_the_corpus_library():
    vectors = library_vectors(CORPUS_LIBRARY)
    held_out = np.random.default_rng(0).choice(len(vectors), 200, replace=False)
    rest = np.setdiff1d(np.arange(len(vectors)), held_out)
    agreement = fp16_agreement(vectors[rest], vectors[held_out])
    assert agreement["vectors"] > 10_000 - 200
    assert agreement["min_cosine"] >= 0.9999
    assert agreement["top10_overlap_mean"] >= 0.99 and agreement["top10_overlap_min"] >= 0.9


def test_a_newer_version_replaces_the_vector_and_a_deletion_removes_it(tmp_path: Path):
    library = sharded(tmp_path)
    ingest(library, FIXTURE_ARTICLES, kind="test", source="fixture")
    old_chunks = [r[0] for r in library.store.conn.execute("SELECT chunk_id FROM chunks WHERE pmid = ?", (STATINS[0],))]
    before = library.store.article_vectors([STATINS[0]])[STATINS[0]]
    original = next(a for a in FIXTURE_ARTICLES if a.pmid == STATINS[0])
    newer = dataclasses.replace(
        original,
        title="Artemether against quinine for severe malaria in African children",
        abstract=[AbstractSection("Artemether cleared parasites faster than quinine in children with malaria.")],
        date_revised="2030-01-01",
    )
    assert ingest(library, [newer], kind="test", source="update").updated == 1
    assert len(library.store.vectors(np.array(old_chunks))[0]) == 0  # the old rows are never served again
    after = library.store.article_vectors([STATINS[0]])[STATINS[0]]
    question = library.embed_query("artemether for severe malaria in children")
    assert float(before @ after) < 0.9 and float(after @ question) > float(before @ question)
    library.index.load()
    assert not set(old_chunks) & set(index_ids(library.index.index).tolist())
    assert STATINS[0] in [h.pmid for h in search(library, "artemether quinine malaria children", k=5)]
    assert library.check().ok

    chunks = [r[0] for r in library.store.conn.execute("SELECT chunk_id FROM chunks WHERE pmid = ?", (MALARIA[0],))]
    assert ingest(library, [Deletion((MALARIA[0],))], kind="test", source="update").deleted == 1
    assert len(library.store.vectors(np.array(chunks))[0]) == 0
    assert library.store.article_vectors([MALARIA[0]]) == {}
    library.index.load()
    assert not set(chunks) & set(index_ids(library.index.index).tolist())
    assert library.check().ok


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_check_finds_a_damaged_shard_and_repair_embeds_its_chunks_again(tmp_path: Path, damage: str):
    library = sharded(tmp_path)
    ingest(library, FIXTURE_ARTICLES[:12], kind="test", source="fixture")
    before = all_vectors(library)
    (state,) = library.store.shard_states()
    path = library.store.shards.path(state.shard)
    if damage == "missing":
        path.unlink()
    else:
        os.truncate(path, path.stat().st_size // 2 + 3)  # half the rows and a piece of one more
    fresh = sharded(tmp_path)  # another process opening the damaged library
    report = fresh.check()
    assert not report.ok and report.damaged_vector_shards == 1
    assert any(path.name in problem for problem in report.problems)
    with pytest.raises(DamagedShardError):
        fresh.store.vectors(np.array(sorted(before)))
    repaired = fresh.check(repair=True)
    assert repaired.repaired and repaired.ok
    after = all_vectors(fresh)
    assert after.keys() == before.keys()
    assert all(float(after[i] @ before[i]) > 0.98 for i in before)  # the same model embeds the same text
    assert fresh.check().ok


def test_a_write_killed_after_its_bytes_and_before_its_commit_is_overwritten_by_the_next(tmp_path: Path, monkeypatch):
    library = sharded(tmp_path)
    ingest(library, FIXTURE_ARTICLES[:6], kind="test", source="fixture")
    (committed,) = library.store.shard_states()
    real_append = ShardFiles.append

    def dies_after_writing(self, shard, start, vectors, generation=0):
        real_append(self, shard, start, vectors, generation)
        raise KeyboardInterrupt  # the process stops before the rows pointing at these bytes are committed

    monkeypatch.setattr(ShardFiles, "append", dies_after_writing)
    with pytest.raises(KeyboardInterrupt):
        ingest(library, FIXTURE_ARTICLES[6:], kind="test", source="fixture")
    (after_kill,) = library.store.shard_states()
    assert after_kill.rows == committed.rows and after_kill.intact > committed.rows  # bytes beyond the commit
    assert library.store.count_pending() > 0
    monkeypatch.setattr(ShardFiles, "append", real_append)

    again = sharded(tmp_path)
    ingest(again, FIXTURE_ARTICLES[6:], kind="test", source="fixture")
    (state,) = again.store.shard_states()
    assert state.intact == state.rows == again.status()["chunks"]
    assert again.check().ok
    assert set(h.pmid for h in search(again, "malaria", k=len(MALARIA), method="dense")) == set(MALARIA)


def test_a_shard_that_lost_rows_is_never_written_past(tmp_path: Path):
    shards = ShardFiles(tmp_path)
    shards.append(0, 0, np.ones((4, 8), np.float32))
    os.truncate(shards.path(0), 2 * 8 * 2)
    with pytest.raises(DamagedShardError):
        shards.append(0, 4, np.ones((1, 8), np.float32))


def test_a_full_shard_is_followed_by_a_new_one(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(store, "SHARD_ROWS", 8)
    library = sharded(tmp_path)
    ingest(library, FIXTURE_ARTICLES[:10], kind="test", source="fixture")
    states = library.store.shard_states()
    assert len(states) > 1 and all(s.rows <= 8 for s in states)
    assert sum(s.rows for s in states) == library.status()["chunks"] and library.check().ok


def test_a_blob_library_that_outgrows_its_blobs_moves_them_to_shards_resumably(tmp_path: Path, monkeypatch):
    library = Library(Settings(data_dir=tmp_path))
    ingest(library, FIXTURE_ARTICLES[:20], kind="test", source="fixture")
    before = all_vectors(library)
    chunks = library.status()["chunks"]
    monkeypatch.setattr(store, "MOVE_BLOCK", 5)
    real_append = ShardFiles.append
    calls = []

    def dies_on_the_third_block(self, shard, start, vectors, generation=0):
        calls.append(len(vectors))
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_append(self, shard, start, vectors, generation)

    monkeypatch.setattr(ShardFiles, "append", dies_on_the_third_block)
    grown = Library(Settings(data_dir=tmp_path, vector_shards_min_vectors=chunks))
    with pytest.raises(KeyboardInterrupt):
        grown.sync_index()
    monkeypatch.setattr(ShardFiles, "append", real_append)
    assert grown.store.vector_storage() == "moving" and 0 < blob_vectors(grown) < chunks
    half = all_vectors(grown)  # the library reads each vector from where it lies meanwhile
    assert half.keys() == before.keys()
    assert all(np.array_equal(half[i], before[i]) or np.array_equal(half[i], float16(before[i])) for i in before)

    ingest(grown, FIXTURE_ARTICLES[20:], kind="test", source="fixture")  # the next ingest finishes the move
    assert grown.store.vector_storage() == "shards" and blob_vectors(grown) == 0
    moved = all_vectors(grown)
    assert all(np.array_equal(moved[i], float16(before[i])) for i in before)
    assert grown.check().ok


def test_the_shard_folder_is_not_an_ingest_scratch_folder():
    from ingest.liveness import SCRATCH_PREFIX

    assert not vector_shards.SHARD_FOLDER.startswith(SCRATCH_PREFIX)  # interrupted ingests' scratch is removed
