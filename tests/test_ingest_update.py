"""``python -m ingest update``: NLM update files from a mirror, and saved PubMed queries kept current.

The fake E-utilities server also serves an NLM mirror: the shared baseline and update samples
(``../shared/data/ncbi/pmparser/pubmed_sample``), as folder listings and files, on loopback.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.update import file_key, last_applied
from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.library.migrations import MIGRATIONS
from retrieval.settings import Settings
from tests.conftest import SHARED_DATA
from tests.fake_eutils import FakeEutils

SAMPLE = SHARED_DATA / "ncbi" / "pmparser" / "pubmed_sample"
BASELINE = SAMPLE / "baseline" / "pubmed26n1334.xml.gz"
UPDATE = "pubmed26n1335.xml.gz"
QUERY = "insulin"


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with FakeEutils(mirror=SAMPLE) as server:
        for name, value in {
            "DATA_DIR": tmp_path / "library",
            "EUTILS_URL": server.url,
            "UPDATE_MIRROR_URL": server.mirror_url,
            "API_KEY": "test-key",
            "EUTILS_BACKOFF_S": "0.01",
            "EUTILS_TIMEOUT_S": "5",
        }.items():
            monkeypatch.setenv(f"MEDLIT_{name}", str(value))
        yield server


def library(tmp_path: Path) -> Library:
    return Library(Settings(data_dir=tmp_path / "library"))


def test_nlm_file_names_order_by_year_then_number():
    assert file_key("pubmed26n1335.xml.gz") > file_key("pubmed26n1334.xml.gz") > file_key("pubmed25n1400.xml.gz")
    assert file_key("pubmed26n1335.xml.gz.md5") is None and file_key("README.txt") is None


def test_update_applies_only_files_newer_than_the_last_one_applied(fake: FakeEutils, tmp_path: Path, capsys):
    assert main(["--quiet", "files", str(BASELINE)]) == 0
    lib = library(tmp_path)
    before = set(lib.store.all_pmids())
    assert len(before) == 30 and last_applied(lib) == (26, 1334)
    capsys.readouterr()

    assert main(["--quiet", "update", "--no-queries"]) == 0
    out = capsys.readouterr()
    assert f"update files: {UPDATE}" in out.err
    lib = library(tmp_path)
    after = set(lib.store.all_pmids())
    assert len(after - before) > 0 and last_applied(lib) == (26, 1335)
    assert lib.check().ok
    assert not any((tmp_path / "library" / "updates").iterdir())  # downloads are removed once applied
    runs = lib.store.recent_runs(1)
    assert runs[0]["kind"] == "update" and runs[0]["source"].endswith(UPDATE) and runs[0]["status"] == "done"

    fetched = [p for p in fake.mirror_requests if p.endswith(".gz")]
    assert main(["--quiet", "update", "--no-queries"]) == 0  # nothing newer: nothing downloaded
    assert "none newer than the last one applied" in capsys.readouterr().err
    assert [p for p in fake.mirror_requests if p.endswith(".gz")] == fetched


def test_a_mirror_folder_on_disk_works_and_a_new_library_takes_every_listed_file(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path / "library"))
    mirror = f"file://{SAMPLE / 'updatefiles'}/"
    assert main(["--quiet", "update", "--no-queries", "--mirror", mirror]) == 0
    assert f"update files: {UPDATE}" in capsys.readouterr().err
    assert last_applied(library(tmp_path)) == (26, 1335)


def test_a_damaged_update_file_stops_the_update_before_any_later_file(fake: FakeEutils, tmp_path: Path, capsys):
    mirror = tmp_path / "mirror" / "updatefiles"
    mirror.mkdir(parents=True)
    body = (SAMPLE / "updatefiles" / UPDATE).read_bytes()
    (mirror / UPDATE).write_bytes(body[:-10])  # cut short: its MD5 no longer matches
    shutil.copy(SAMPLE / "updatefiles" / f"{UPDATE}.md5", mirror / f"{UPDATE}.md5")
    later = "pubmed26n1336.xml.gz"
    (mirror / later).write_bytes(body)
    (mirror / f"{later}.md5").write_text(f"MD5({later})= {hashlib.md5(body).hexdigest()}\n")
    fake.mirror = tmp_path / "mirror"

    assert main(["--quiet", "files", str(BASELINE)]) == 0
    assert main(["--quiet", "update", "--no-queries"]) == 2
    err = capsys.readouterr().err
    assert UPDATE in err and "No later update file was applied" in err
    lib = library(tmp_path)
    assert last_applied(lib) == (26, 1334) and len(lib.store.all_pmids()) == 30


def test_saved_pubmed_queries_list_what_is_new_until_their_owner_looks(fake: FakeEutils, tmp_path: Path, capsys):
    matching = sorted(p for p, r in fake.records.items() if QUERY in r.words)
    held_back = {p: fake.records.pop(p) for p in matching[:2]}  # published at NCBI only later
    assert main(["--quiet", "pubmed", QUERY, "--save", "Insulin watch"]) == 0
    shelves = Collections(library(tmp_path).store)
    [saved] = shelves.pubmed_queries()
    assert saved.name == "Insulin watch" and shelves.new_since_seen(saved.id) == []  # the first run is the baseline

    fake.records.update(held_back)
    assert main(["--quiet", "update", "--no-files"]) == 0
    assert "saved query 'Insulin watch': 2 new" in capsys.readouterr().err
    shelves = Collections(library(tmp_path).store)
    assert sorted(shelves.new_since_seen(saved.id)) == sorted(held_back)
    assert set(held_back) <= set(library(tmp_path).store.all_pmids())  # and they are in the library

    shelves.mark_seen(saved.id)
    assert shelves.new_since_seen(saved.id) == []
    assert main(["--quiet", "update", "--no-files"]) == 0
    assert "saved query 'Insulin watch': 0 new" in capsys.readouterr().err
    assert Collections(library(tmp_path).store).new_since_seen(saved.id) == []


def test_schema_upgrade_keeps_old_saved_searches_with_nothing_new(tmp_path: Path):
    """A library written before living searches: its saved searches count as seen when they were saved."""
    tmp_path.mkdir(exist_ok=True)
    conn = sqlite3.connect(tmp_path / "library.sqlite")
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute(
        "INSERT INTO saved_searches (name, query, created_at) VALUES ('statins', 'statins', '2026-01-02T03:04:05Z')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    [saved] = Collections(Library(Settings(data_dir=tmp_path)).store).saved_searches()
    assert (saved.kind, saved.last_seen_at, saved.last_run_at) == ("library", saved.created_at, saved.created_at)
