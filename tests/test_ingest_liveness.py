"""A run a killed process left 'running' is closed as interrupted, with what it committed, and its scratch folders
removed; a live one's never are."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from ingest.liveness import INTERRUPTED, LOCK_FILE, SCRATCH_PREFIX, close_interrupted_runs
from retrieval.library import Library
from retrieval.library.records import Article
from retrieval.settings import Settings

HOLD_LOCK = "import fcntl, sys, time; f = open(sys.argv[1], 'a+b'); fcntl.flock(f, fcntl.LOCK_SH); print(1, flush=True)"


def test_only_runs_no_live_ingest_can_own_are_closed(tmp_path):
    library = Library(Settings(data_dir=tmp_path))
    run = library.store.start_run("upload", "records.xml")
    articles = [Article(pmid=str(p), title=f"Article {p}") for p in (101, 102)]
    library.store.upsert_articles(articles, "records.xml", lambda a: [a.title])
    ingest = subprocess.Popen(  # an ingest in another process, holding the lock as every ingest does
        [sys.executable, "-c", HOLD_LOCK + "; time.sleep(120)", str(tmp_path / LOCK_FILE)], stdout=subprocess.PIPE
    )
    scratch = tmp_path / f"{SCRATCH_PREFIX}left"  # vector shards of a Ray ingest, or of that live one
    scratch.mkdir()
    try:
        assert ingest.stdout.readline().strip() == b"1"
        assert close_interrupted_runs(library) == []  # the run may be that live ingest's
        assert library.store.recent_runs(1)[0]["status"] == "running" and scratch.is_dir()
    finally:
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait(30)
    [closed] = close_interrupted_runs(library)
    assert (closed["id"], closed["status"], closed["added"]) == (run, INTERRUPTED, 2)
    assert not scratch.exists()
    assert "records it committed are kept" in closed["message"] and closed["finished_at"]
    assert close_interrupted_runs(library) == []  # closed once
