"""``python -m ingest`` on real NLM files: baseline then updates, bad input, status and check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.cli import main
from retrieval.library import Library
from retrieval.library.vector_index import index_ids
from retrieval.settings import Settings
from tests.pubmed_xml_fixtures import synthetic_articles, write_pubmed_xml

NCBI = Path(__file__).resolve().parents[2] / "shared" / "data" / "ncbi"
SAMPLE = NCBI / "pmparser" / "pubmed_sample"
DELETED = {"41456105", "41557076", "41616784", "41618748", "41618749", "41618779"}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path / "library"))
    return tmp_path / "library"


def status(capsys: pytest.CaptureFixture) -> dict:
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_baseline_then_update_applies_deletions_and_rerun_adds_nothing(data_dir: Path, capsys):
    assert main(["--quiet", "files", str(SAMPLE / "baseline"), str(SAMPLE / "updatefiles")]) == 0
    out = capsys.readouterr()
    assert "checksum verified" in out.err
    assert out.out.strip().endswith("failed 0")
    library = Library(Settings(data_dir=data_dir))
    stored = set(library.store.all_pmids())
    assert stored and not stored & DELETED
    assert library.check().ok

    assert main(["--quiet", "files", str(SAMPLE / "baseline"), str(SAMPLE / "updatefiles")]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("added 0 · updated 0 · deleted 0 · skipped ")
    assert status(capsys)["articles"] == len(stored)


def test_deletion_in_a_later_file_removes_records_from_store_and_index(tmp_path: Path, data_dir: Path, capsys):
    records = synthetic_articles(12)
    write_pubmed_xml(tmp_path / "base0001.xml", records)
    doomed = [records[0][0], records[5][0]]
    write_pubmed_xml(tmp_path / "upd0002.xml", [], deletions=doomed)
    assert main(["--quiet", "files", str(tmp_path / "upd0002.xml"), str(tmp_path / "base0001.xml")]) == 0
    # given in the wrong order on purpose: files apply in NLM name order, the baseline first
    assert capsys.readouterr().out.strip() == "added 12 · updated 0 · deleted 2 · skipped 0 · failed 0"
    library = Library(Settings(data_dir=data_dir))
    assert not set(library.store.all_pmids()) & set(doomed)
    library.index.load()
    chunk_pmids = {r.pmid for r in library.store.chunk_rows(index_ids(library.index.index).tolist()).values()}
    assert len(chunk_pmids) == 10 and not chunk_pmids & set(doomed)
    assert library.check().ok


def test_malformed_file_is_reported_with_its_position_and_loses_nothing(tmp_path: Path, data_dir: Path, capsys):
    good = write_pubmed_xml(tmp_path / "a_good.xml", synthetic_articles(5))
    truncated = tmp_path / "b_truncated.xml"
    whole = write_pubmed_xml(tmp_path / "whole.xml", synthetic_articles(4, first_pmid=31_000_000)).read_bytes()
    truncated.write_bytes(whole[: len(whole) * 3 // 4])
    code = main(["--quiet", "files", str(good), str(truncated), str(NCBI / "biopython" / "Entrez" / "einfo4.xml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "b_truncated.xml" in err and "line" in err
    assert "einfo4.xml" in err
    assert "Traceback" not in err
    library = Library(Settings(data_dir=data_dir))
    pmids = set(library.store.all_pmids())
    assert {r[0] for r in synthetic_articles(5)} <= pmids
    assert "31000000" in pmids  # complete records before the damage are kept
    assert library.check().ok


def test_tampered_download_is_refused(tmp_path: Path, data_dir: Path, capsys):
    copy = tmp_path / "pubmed26n1334.xml.gz"
    shutil.copy(SAMPLE / "baseline" / "pubmed26n1334.xml.gz", copy)
    shutil.copy(SAMPLE / "baseline" / "pubmed26n1334.xml.gz.md5", tmp_path / "pubmed26n1334.xml.gz.md5")
    with copy.open("ab") as handle:
        handle.write(b"\0")
    assert main(["--quiet", "files", str(copy)]) == 1
    assert "pubmed26n1334.xml.gz" in capsys.readouterr().err
    assert status(capsys)["articles"] == 0


def test_missing_path_is_a_clear_error(data_dir: Path, capsys):
    assert main(["files", "/nonexistent/pubmed.xml"]) == 2
    assert capsys.readouterr().err.strip() == "error: No such file or folder: /nonexistent/pubmed.xml"


def test_status_reports_what_the_library_holds(tmp_path: Path, data_dir: Path, capsys):
    main(["--quiet", "files", str(write_pubmed_xml(tmp_path / "x.xml", synthetic_articles(3)))])
    report = status(capsys)
    assert {"articles", "chunks", "vectors", "index_type", "embedding_model", "embedding_device", "data_bytes"} <= set(
        report
    )
    assert (report["articles"], report["vectors"], report["index_type"]) == (3, 3, "flat")
    assert report["last_ingest"]["kind"] == "file" and report["last_ingest"]["added"] == 3


def test_status_names_the_backend_the_vectors_were_made_with(
    tmp_path: Path, data_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MEDLIT_EMBEDDING_BACKEND", "torch")
    main(["--quiet", "files", str(write_pubmed_xml(tmp_path / "x.xml", synthetic_articles(2)))])
    monkeypatch.setenv("MEDLIT_EMBEDDING_BACKEND", "torch-int8")  # a later session configured differently
    assert status(capsys)["embedding_backend"] == "torch"
    assert Library(Settings()).embedder.backend == "torch"  # queries use the vectors' own backend


def test_the_library_pins_the_model_and_chunk_size_its_vectors_were_made_with(
    tmp_path: Path, data_dir: Path, capsys, monkeypatch
):
    main(["--quiet", "files", str(write_pubmed_xml(tmp_path / "x.xml", synthetic_articles(2)))])
    monkeypatch.setenv("MEDLIT_EMBEDDING_MODEL", str(tmp_path / "another-model"))  # a later session's setting
    monkeypatch.setenv("MEDLIT_CHUNK_TOKENS", "64")
    shown = status(capsys)
    assert (shown["embedding_model"], shown["chunk_tokens"]) == ("all-MiniLM-L6-v2", 256)
    library = Library(Settings())
    assert library.vectors == ("all-MiniLM-L6-v2", "torch-int8") and library.embedder.name == "all-MiniLM-L6-v2"


def test_a_bulk_import_is_searchable_by_keyword_when_it_ends(tmp_path: Path, data_dir: Path):
    records = synthetic_articles(4)
    assert main(["--quiet", "files", "--bulk", str(write_pubmed_xml(tmp_path / "x.xml", records))]) == 0
    library = Library(Settings())
    assert [p for p, _ in library.keywords.search(records[2][1], 1)] == [records[2][0]]
