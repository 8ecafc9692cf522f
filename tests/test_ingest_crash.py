"""kill -9 in the middle of an ingest, then the same command again: the same library as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.library import Library
from retrieval.settings import Settings
from tests.pubmed_xml_fixtures import synthetic_articles, write_pubmed_xml

ROOT = Path(__file__).resolve().parents[1]
COUNT = 1200


def ingest_command(data_dir: Path, path: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", "--quiet", "files", str(path)]


def environment(data_dir: Path, shards: bool = False) -> dict[str, str]:
    """The ingest's environment; ``shards``: its vectors go to float16 shards from the first chunk on."""
    env = {**os.environ, "MEDLIT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return env | ({"MEDLIT_VECTOR_SHARDS_MIN_VECTORS": "1"} if shards else {})


def run_to_end(data_dir: Path, path: Path, shards: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        ingest_command(data_dir, path),
        cwd=ROOT,
        env=environment(data_dir, shards),
        capture_output=True,
        text=True,
        timeout=600,
    )


def library_counts(data_dir: Path) -> tuple[int, int, int]:
    """(articles, chunks, embedded chunks), read without disturbing the writer."""
    db = data_dir / "library.sqlite"
    if not db.exists():
        return (0, 0, 0)
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks),"
                " (SELECT count(*) FROM chunks WHERE vector IS NOT NULL OR shard IS NOT NULL)"
            ).fetchone()
    except sqlite3.OperationalError:  # schema not created yet
        return (0, 0, 0)


MOMENTS = {
    # some records committed, others not yet parsed
    "while storing records": lambda a, c, e: 0 < a < COUNT,
    # every record committed, none embedded yet
    "while embedding": lambda a, c, e: a == COUNT and e < c,
    # the same, with the vectors going to float16 shards: the kill may land between a shard's bytes and their commit
    "while embedding into shards": lambda a, c, e: a == COUNT and e < c,
}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return write_pubmed_xml(tmp_path_factory.mktemp("xml") / "pubmed-test.xml.gz", synthetic_articles(COUNT))


@pytest.fixture(scope="module")
def reference(tmp_path_factory, source: Path) -> dict:
    data_dir = tmp_path_factory.mktemp("reference")
    done = run_to_end(data_dir, source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(f"added {COUNT:,} ")
    return Library(Settings(data_dir=data_dir)).status()


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_9_then_rerun_gives_the_same_library(tmp_path: Path, source: Path, reference: dict, moment: str):
    reached = MOMENTS[moment]
    shards = "shards" in moment
    process = subprocess.Popen(
        ingest_command(tmp_path, source),
        cwd=ROOT,
        env=environment(tmp_path, shards),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while not reached(*library_counts(tmp_path)):
        assert process.poll() is None, "the ingest ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    interrupted = library_counts(tmp_path)
    assert interrupted[0] < COUNT or interrupted[2] < interrupted[1], "the kill came too late to test anything"

    again = run_to_end(tmp_path, source, shards)
    assert again.returncode == 0, again.stderr
    library = Library(Settings(data_dir=tmp_path))
    status = library.status()
    for key in ("articles", "chunks", "vectors", "pending_embeddings", "with_abstract"):
        assert status[key] == reference[key], key
    assert status["vector_storage"] == ("shards" if shards else "blobs")
    assert library.check().ok
