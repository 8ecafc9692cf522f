"""The Import page: uploads and PubMed queries run in the background, with progress, limits and clear failures."""

from __future__ import annotations

import threading

from ui_support import IMPORT_RECORDS, app_test, pubmed_xml, texts

from pages._shared.importing import files_work
from pages._shared.jobs import _registry
from retrieval.library import Library
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils

IMPORT = "pages/import_records.py"


def finish_job(at, data_dir):
    """Wait for the running import, then redraw the page."""
    jobs = _registry(str(data_dir.resolve()))
    job = jobs.recent(1)[0]
    assert jobs.wait(job, timeout=240), "the import did not finish"
    at.run()
    return job


def upload(at, *files):
    at.file_uploader[0].set_value(list(files))
    next(b for b in at.button if b.label == "Import files").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_upload_into_an_empty_library_then_ask_about_it(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir)  # Ask, on an empty library
    assert any("library is empty" in i.value for i in at.info)
    at.switch_page(IMPORT).run()
    upload(at, ("sepsis-and-sleep.xml", pubmed_xml(IMPORT_RECORDS), "text/xml"))
    job = finish_job(at, data_dir)
    assert job.state == "done" and job.summary.added == 10
    assert any("Import finished" in s.value and "10 added" in s.value for s in at.success)
    assert Library(Settings(data_dir=data_dir)).status()["vectors"] > 0
    at.switch_page("pages/ask.py").run()  # the library the app holds sees the import: no restart
    at.text_input[0].set_value("Does procalcitonin guidance shorten antibiotic treatment in sepsis?")
    at.button[0].click().run()
    assert "article?pmid=93000001" in texts(at)


def test_malformed_file_is_reported_and_the_records_before_it_are_kept(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    good = pubmed_xml(IMPORT_RECORDS[:2]).decode()
    broken = good.replace("</PubmedArticleSet>", "<PubmedArticle><MedlineCitation><PMID>1</PMID>")  # cut off
    at = app_test(monkeypatch, data_dir, IMPORT)
    upload(at, ("cut-off.xml", broken.encode(), "text/xml"))
    job = finish_job(at, data_dir)
    assert job.state == "done"
    assert job.summary.added == 2
    assert any("cut-off.xml" in m for m in job.messages)
    assert any("Records read before the problem were kept" in m for m in job.messages)
    shown = texts(at)
    assert "cut\\-off\\.xml" in shown and "2 added" in shown
    assert any("Import partly failed" in w.value for w in at.warning)  # not "finished": the history says failed
    assert not at.success
    assert not at.exception


def test_a_file_with_no_readable_record_is_reported_as_failed_in_one_sentence(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir, IMPORT)
    broken = b"<?xml version='1.0'?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>"
    upload(at, ("broken.xml", broken, "text/xml"))
    job = finish_job(at, data_dir)
    assert job.summary.added == 0
    assert any("Import failed" in e.value and "0 added" in e.value for e in at.error)
    assert not at.success and not any("Import finished" in w.value for w in at.warning)
    assert not any("were kept" in m for m in job.messages), job.messages  # nothing was read, so nothing kept


def test_unsupported_and_oversized_uploads_are_refused_with_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDLIT_MAX_UPLOAD_MB", "0")
    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir, IMPORT)
    upload(at, ("big.xml", pubmed_xml(IMPORT_RECORDS[:1]), "text/xml"))
    assert any("over the 0 MB upload limit" in e.value and "nothing was imported" in e.value for e in at.error)
    upload(at, ("records.json.gz", b"\x1f\x8b", "application/gzip"))
    assert any("records\\.json\\.gz is not a supported file type" in w.value for w in at.warning)
    assert not _registry(str(data_dir.resolve())).recent(1)


def test_pubmed_query_is_counted_first_then_fetched_in_the_background(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    with FakeEutils() as fake:
        for name, value in {"EUTILS_URL": fake.url, "API_KEY": "k", "EUTILS_BACKOFF_S": "0.01"}.items():
            monkeypatch.setenv(f"MEDLIT_{name}", value)
        at = app_test(monkeypatch, data_dir, IMPORT)
        at.text_input[0].set_value("all[sb]")
        next(b for b in at.button if b.label == "Count matching records").click().run()
        count = len(fake.records)
        assert any(f"**{count:,}** PubMed records match" in m.value for m in at.markdown)
        at.number_input[-1].set_value(5)
        next(b for b in at.button if b.label.startswith("Fetch")).click().run()
        job = finish_job(at, data_dir)
    assert job.state == "done", job.messages
    assert job.summary.added == 5
    assert any("Import finished" in s.value for s in at.success)
    assert any(run["kind"] == "pubmed" for run in Library(Settings(data_dir=data_dir)).store.recent_runs(3))


def test_pubmed_unreachable_is_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDLIT_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")  # nothing listens on port 9
    monkeypatch.setenv("MEDLIT_EUTILS_MAX_RETRIES", "0")
    at = app_test(monkeypatch, tmp_path / "library", IMPORT)
    at.text_input[0].set_value("sepsis")
    next(b for b in at.button if b.label == "Count matching records").click().run()
    assert not at.exception
    assert len(at.warning) == 1 and "\n" not in at.warning[0].value


def test_a_running_import_shows_progress_and_can_be_cancelled(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir, IMPORT)
    folder = data_dir / "uploads" / "held"
    folder.mkdir(parents=True)
    (folder / "records.xml").write_bytes(pubmed_xml(IMPORT_RECORDS))
    gate = threading.Event()

    def held_work(job):  # the upload waits until the test has pressed Cancel
        job.stage("parse", None)
        gate.wait(60)
        files_work(Library(Settings(data_dir=data_dir)), folder)(job)

    jobs = _registry(str(data_dir.resolve()))
    job = jobs.start("1 file: records.xml", held_work)
    at.run()
    assert any(p.proto.text.startswith("Reading records") for p in at.get("progress"))
    assert any("Importing:" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Cancel import").click().run()
    assert job.cancelled()
    gate.set()
    job = finish_job(at, data_dir)
    assert job.state == "cancelled" and job.summary.added == 0
    assert any("Import cancelled" in w.value for w in at.warning)
    assert not folder.exists()  # the saved upload is removed whatever the outcome
