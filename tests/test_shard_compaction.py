"""Compaction of float16 vector shards: the rows of replaced and deleted chunks are given back, the library
reads and searches exactly as before, and a process killed at any point of a compaction leaves a library that
reads whole, checks clean and is finished by the next run."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.cli import main
from ingest.items import Deletion
from ingest.pipeline import ingest
from retrieval.library import Library
from retrieval.library.migrations import MIGRATIONS
from retrieval.library.records import AbstractSection
from retrieval.search.hybrid import search
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES, MALARIA, STATINS

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["statins after myocardial infarction", "artemisinin for severe malaria", "exercise and depression"]
NEVER = 1.0  # a dead share no shard exceeds: nothing is compacted


def sharded(data_dir: Path, dead_share: float = NEVER) -> Library:
    """A library keeping its vectors in shards from its first chunk on, compacting above ``dead_share``."""
    settings = Settings(
        data_dir=data_dir,
        vector_shards_min_vectors=1,
        extract_entities=False,
        vector_shard_compact_dead_share=dead_share,
    )
    return Library(settings)


def all_vectors(library: Library) -> dict[int, np.ndarray]:
    return {int(i): v for ids, vectors in library.store.iter_vectors() for i, v in zip(ids, vectors, strict=True)}


def answers(library: Library) -> list[list[tuple[str, float]]]:
    """Dense and hybrid results of a few questions, with their scores."""
    return [
        [(h.pmid, round(h.score, 6)) for h in search(library, q, k=8, method=method)]
        for q in QUESTIONS
        for method in ("dense", "hybrid")
    ]


def live_counts(library: Library) -> dict[int, int]:
    rows = library.store.conn.execute("SELECT shard, count(*) FROM chunks WHERE shard IS NOT NULL GROUP BY shard")
    return dict(rows.fetchall())


def with_dead_rows(data_dir: Path) -> Library:
    """A sharded library in which five articles were replaced by newer versions and one deleted, uncompacted."""
    library = sharded(data_dir)
    ingest(library, FIXTURE_ARTICLES, kind="test", source="fixture")
    newer = [
        dataclasses.replace(
            article,
            abstract=[AbstractSection(article.abstract_text + " A later revision restates the main finding.")],
            date_revised="2030-01-01",
        )
        for article in FIXTURE_ARTICLES[:5]
    ]
    assert ingest(library, newer, kind="test", source="update").updated == 5
    assert ingest(library, [Deletion((MALARIA[0],))], kind="test", source="update").deleted == 1
    return library


def test_compaction_gives_back_dead_rows_and_the_library_answers_the_same(tmp_path: Path):
    library = with_dead_rows(tmp_path)
    (state,) = library.store.shard_states()
    assert state.dead > 0 and state.live == library.status()["chunks"]
    assert {state.shard: state.live} == live_counts(library)  # the triggers count what the chunks say
    before_vectors, before_answers = all_vectors(library), answers(library)
    old_file = library.store.shards.path(state.shard)
    old_bytes = old_file.stat().st_size
    assert library.status()["vector_shards"]["dead_rows"] == state.dead

    done = sharded(tmp_path, dead_share=0.0).compact_vectors()
    fresh = sharded(tmp_path)  # another process, mapping the compacted file for the first time
    assert done.shards == 1 and done.rows == state.dead
    (after,) = fresh.store.shard_states()
    assert after.rows == after.live == state.live and after.generation == 1 and not after.damaged
    assert not old_file.exists()
    new_file = fresh.store.shards.path(after.shard, after.generation)
    assert done.bytes == old_bytes - new_file.stat().st_size > 0
    after_vectors = all_vectors(fresh)
    assert after_vectors.keys() == before_vectors.keys()
    assert all(np.array_equal(after_vectors[i], before_vectors[i]) for i in before_vectors)
    assert answers(fresh) == before_answers
    assert fresh.check().ok
    status = fresh.status()["vector_shards"]
    assert status["dead_rows"] == 0 and status["last_compaction"]["rows"] == state.dead


def test_a_reader_that_mapped_the_old_file_reads_the_compacted_one(tmp_path: Path):
    reader = with_dead_rows(tmp_path)
    before = all_vectors(reader)  # maps generation 0
    sharded(tmp_path, dead_share=0.0).compact_vectors()  # another process compacts meanwhile
    after = all_vectors(reader)
    assert after.keys() == before.keys() and all(np.array_equal(after[i], before[i]) for i in before)
    assert answers(reader) == answers(sharded(tmp_path))


def test_an_ingest_compacts_a_shard_once_its_dead_share_exceeds_the_setting(tmp_path: Path):
    library = sharded(tmp_path, dead_share=0.05)
    ingest(library, FIXTURE_ARTICLES, kind="test", source="fixture")
    original = next(a for a in FIXTURE_ARTICLES if a.pmid == STATINS[0])
    newer = dataclasses.replace(original, title=original.title + " (revised)", date_revised="2030-01-01")
    ingest(library, [newer], kind="test", source="update")  # a few dead rows: under 5%
    (state,) = library.store.shard_states()
    assert 0 < state.dead <= 0.05 * state.rows and state.generation == 0
    ingest(library, [Deletion(tuple(a.pmid for a in FIXTURE_ARTICLES[:8]))], kind="test", source="update")
    (state,) = library.store.shard_states()
    assert state.dead == 0 and state.generation == 1 and state.rows == library.status()["chunks"]
    assert library.check().ok
    assert set(h.pmid for h in search(library, "malaria", k=20, method="dense")) >= set(MALARIA) - {
        a.pmid for a in FIXTURE_ARTICLES[:8]
    }


def test_ingest_status_reports_dead_rows_and_the_last_compaction(tmp_path: Path, monkeypatch, capsys):
    with_dead_rows(tmp_path)
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "dead (" in out and "last compacted" not in out
    sharded(tmp_path, dead_share=0.0).compact_vectors()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert ", 0 dead (0.0%" in out and "last compacted" in out and "MB given back" in out


# A process that compacts and is killed (SIGKILL: no clean-up of any kind) at one point of the compaction.
KILLED_COMPACTION = """
import os, signal, sys
from retrieval.library.vector_shards import ShardFiles
from tests.test_shard_compaction import sharded

point = sys.argv[2]
real_copy, real_remove = ShardFiles.copy_live, ShardFiles.remove

def copy_live(self, shard, generation, rows, committed, dim):
    real_copy(self, shard, generation, rows[: len(rows) // 2] if point == "copying" else rows, committed, dim)
    if point in ("copying", "copied"):
        os.kill(os.getpid(), signal.SIGKILL)

def remove(self, paths):
    if point == "committed" and paths:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_remove(self, paths)

ShardFiles.copy_live, ShardFiles.remove = copy_live, remove
sharded(sys.argv[1], dead_share=0.0).compact_vectors()
"""


@pytest.mark.parametrize("point", ["copying", "copied", "committed"])
def test_a_compaction_killed_at_any_point_leaves_a_whole_library_that_the_next_run_finishes(tmp_path: Path, point):
    library = with_dead_rows(tmp_path)
    (state,) = library.store.shard_states()
    before_vectors, before_answers = all_vectors(library), answers(library)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLED_COMPACTION, str(tmp_path), point], cwd=ROOT, env=env)
    assert killed.returncode == -signal.SIGKILL

    reopened = sharded(tmp_path)
    (now,) = reopened.store.shard_states()
    assert now.generation == (1 if point == "committed" else 0)  # the switch is all or nothing
    report = reopened.check()
    assert report.ok and report.stray_vector_files == 1  # the new file, or the old one
    after = all_vectors(reopened)
    assert after.keys() == before_vectors.keys()
    assert all(np.array_equal(after[i], before_vectors[i]) for i in before_vectors)
    assert answers(reopened) == before_answers

    finished = sharded(tmp_path, dead_share=0.0)
    done = finished.compact_vectors()
    assert done.stray_bytes > 0
    (last,) = finished.store.shard_states()
    assert last.dead == 0 and last.rows == state.live
    assert sorted(p.name for p in finished.store.shards.folder.iterdir()) == [
        finished.store.shards.path(last.shard, last.generation).name
    ]
    report = finished.check()
    assert report.ok and report.stray_vector_files == 0
    assert answers(finished) == before_answers


def test_check_finds_a_chunk_pointing_past_its_shard_and_repair_embeds_it_again(tmp_path: Path):
    library = with_dead_rows(tmp_path)
    chunk = library.store.conn.execute("SELECT chunk_id FROM chunks WHERE shard IS NOT NULL LIMIT 1").fetchone()[0]
    library.store.conn.execute("UPDATE chunks SET shard_row = 1000000 WHERE chunk_id = ?", (chunk,))
    report = library.check()
    assert not report.ok and report.misplaced_vectors == 1
    repaired = library.check(repair=True)
    assert repaired.repaired and repaired.ok and library.store.misplaced_vectors() == 0


def test_a_library_from_before_compaction_counts_its_live_rows_when_upgraded(tmp_path: Path):
    library = with_dead_rows(tmp_path)
    expected = live_counts(library)
    library.store.close()
    conn = sqlite3.connect(tmp_path / "library.sqlite")
    conn.executescript(
        "DROP TRIGGER chunks_shard_gone; DROP TRIGGER chunks_shard_moved; DROP INDEX chunks_shard;"
        " ALTER TABLE vector_shards DROP COLUMN generation; ALTER TABLE vector_shards DROP COLUMN live;"
        f" PRAGMA user_version = {len(MIGRATIONS) - 1};"
    )
    conn.close()
    upgraded = sharded(tmp_path)
    assert {s.shard: s.live for s in upgraded.store.shard_states()} == expected
    assert upgraded.check().ok
