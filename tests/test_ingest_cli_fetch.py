"""``python -m ingest pubmed`` and ``pmids`` against the fake NCBI, through its faults, into SQLite + FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cli import main
from retrieval.library import Library
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils

QUERY = "all[sb]"


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with FakeEutils(max_window=15) as server:
        for name, value in {
            "DATA_DIR": tmp_path / "library",
            "EUTILS_URL": server.url,
            "API_KEY": "test-key",
            "EUTILS_BACKOFF_S": "0.01",
            "EUTILS_TIMEOUT_S": "2",
            "EUTILS_MAX_WINDOW": "15",
            "EUTILS_BATCH_SIZE": "10",
        }.items():
            monkeypatch.setenv(f"MEDLIT_{name}", str(value))
        yield server


def library(tmp_path: Path) -> Library:
    return Library(Settings(data_dir=tmp_path / "library"))


def test_pubmed_query_through_faults_then_rerun_fetches_nothing(fake: FakeEutils, tmp_path: Path, capsys):
    fake.inject("429", "500", endpoint="esearch")
    fake.inject("truncate", "error", "hang", endpoint="efetch")
    assert main(["--quiet", "pubmed", QUERY, "--max", "25"]) == 0
    assert capsys.readouterr().out.strip() == "added 25 · updated 0 · deleted 0 · skipped 0 · failed 0"
    assert fake.pending_faults == 0
    lib = library(tmp_path)
    assert lib.status()["articles"] == 25 and lib.check().ok

    fetches = len(fake.requests_to("efetch"))
    assert main(["--quiet", "pubmed", QUERY, "--max", "25"]) == 0
    assert capsys.readouterr().out.strip().startswith("added 0 ")
    assert len(fake.requests_to("efetch")) == fetches


def test_pmids_reports_unknown_ones_and_keeps_the_rest(fake: FakeEutils, tmp_path: Path, capsys):
    known = sorted(fake.records)[:3]
    pmid_file = tmp_path / "list.txt"
    pmid_file.write_text(f"{known[0]}, {known[1]}\n99999999\n")
    assert main(["--quiet", "pmids", known[2], "--file", str(pmid_file)]) == 1
    out = capsys.readouterr()
    assert "1 PMID not found: 99999999" in out.err
    assert out.out.strip() == "added 3 · updated 0 · deleted 0 · skipped 0 · failed 1"
    assert sorted(library(tmp_path).store.all_pmids()) == known


def test_bad_pmid_and_dead_network_are_clear_errors(fake: FakeEutils, tmp_path: Path, capsys, monkeypatch):
    assert main(["pmids", "12x4"]) == 2
    assert "12x4" in capsys.readouterr().err
    monkeypatch.setenv("MEDLIT_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")  # nothing listens there
    monkeypatch.setenv("MEDLIT_EUTILS_MAX_RETRIES", "1")
    assert main(["--quiet", "pubmed", QUERY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "records committed before the failure are kept; run it again" in err
    assert "Traceback" not in err
