"""``python -m ingest files --ray``: a real local Ray with 2 workers builds the library the plain pipeline builds."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from bench.library_diff import compare
from ingest.cli import main
from ingest.distributed.embed import work_units
from ingest.distributed.parse import parse_file
from ingest.formats import ParseError
from retrieval.library import Library
from retrieval.library.embedding import length_batches
from retrieval.library.library import EMBED_BLOCK
from retrieval.settings import Settings
from tests.pubmed_xml_fixtures import synthetic_articles, write_pubmed_xml


@pytest.fixture
def nlm_files(tmp_path: Path) -> Path:
    """A baseline and an update file: the update revises 5 records, adds 6 and deletes one of each file's."""
    folder = tmp_path / "nlm"
    folder.mkdir()
    records = synthetic_articles(36)
    write_pubmed_xml(folder / "pubmed26n0001.xml", records[:30])
    revised = [(pmid, f"{title} (revised)", f"{abstract} Revised.") for pmid, title, abstract in records[5:10]]
    write_pubmed_xml(folder / "pubmed26n0002.xml.gz", revised + records[30:], deletions=[records[0][0], records[31][0]])
    return folder


def ingest_into(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, *args: str) -> str:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(data_dir))
    assert main(["--quiet", "files", *args]) == 0
    return capsys.readouterr().out.strip()


def test_ray_with_two_workers_builds_the_plain_pipelines_library(
    tmp_path: Path, nlm_files: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    import ray

    plain_line = ingest_into(tmp_path / "plain", monkeypatch, capsys, str(nlm_files))
    ray_out = ingest_into(tmp_path / "ray", monkeypatch, capsys, str(nlm_files), "--ray", "--workers", "2")
    # the summary is the last line: Ray prints a notice of its own when it replaces a worker that died under load
    ray_line = ray_out.splitlines()[-1]

    assert ray_line == plain_line == "added 36 · updated 5 · deleted 2 · skipped 0 · failed 0"
    assert not ray.is_initialized()  # the local instance the command started is shut down again
    plain, on_ray = Library(Settings(data_dir=tmp_path / "plain")), Library(Settings(data_dir=tmp_path / "ray"))
    diff = compare(plain, on_ray)
    assert (diff.articles, diff.chunks, diff.vectors) == (34, 34, 34)
    assert diff.same_articles and diff.same_chunks and diff.same_vector_count and diff.check_ok
    assert diff.min_cosine >= 0.9999
    revised = on_ray.store.get_article(synthetic_articles(36)[7][0])
    assert revised is not None and revised.title.endswith("(revised)")
    runs = on_ray.store.recent_runs(5)  # one run per file, as the plain pipeline records: `update` reads them
    assert sorted(Path(r["source"]).name for r in runs) == ["pubmed26n0001.xml", "pubmed26n0002.xml.gz"]
    assert {r["status"] for r in runs} == {"done"}
    assert not list((tmp_path / "ray").glob("vector-shards-*"))  # the shards are gone once applied


def test_a_parse_task_returns_the_records_before_the_damage_and_the_error(tmp_path: Path):
    whole = write_pubmed_xml(tmp_path / "whole.xml", synthetic_articles(6)).read_bytes()
    damaged = tmp_path / "pubmed26n0003.xml"
    damaged.write_bytes(whole[: len(whole) * 3 // 4])

    parsed = parse_file(str(damaged))
    replayed = []
    with pytest.raises(ParseError, match=r"pubmed26n0003\.xml"):
        replayed.extend(parsed.replay())
    assert replayed and replayed == parsed.items  # what the writer commits before reporting the damage


def test_work_units_are_the_batches_the_plain_pipeline_embeds_together():
    rows = [(1000 + i, "word " * (i % 37 + 1)) for i in range(EMBED_BLOCK + 100)]
    units = work_units(rows, batch_size=16)

    ids = [i for unit in units for i in unit["ids"]]
    assert sorted(ids) == [chunk_id for chunk_id, _ in rows]
    first_block = [text for _, text in rows[:EMBED_BLOCK]]
    plain_batches = [[first_block[i] for i in batch] for batch in length_batches(first_block, 16)]
    assert [unit["texts"] for unit in units[: len(plain_batches)]] == plain_batches
    assert [len(u["ids"]) for u in units[len(plain_batches) :]] == [16] * 6 + [4]  # the second block: 100 chunks
    assert all(np.isin(unit["ids"], [c for c, _ in rows[EMBED_BLOCK:]]).all() for unit in units[len(plain_batches) :])


def test_without_ray_installed_the_flag_says_how_to_get_it(
    tmp_path: Path, nlm_files: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path / "library"))
    monkeypatch.setitem(sys.modules, "ray", None)  # what an install without the extra finds

    assert main(["--quiet", "files", str(nlm_files), "--ray"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: --ray needs Ray, which is not installed: run `make install-ray`."


def test_ray_workers_send_no_usage_report(monkeypatch: pytest.MonkeyPatch):
    from ingest.distributed.cluster import worker_runtime
    from retrieval.environment import set_process_environment

    monkeypatch.delenv("RAY_USAGE_STATS_ENABLED", raising=False)
    set_process_environment()
    assert worker_runtime(local=True)["env_vars"]["RAY_USAGE_STATS_ENABLED"] == "0"
