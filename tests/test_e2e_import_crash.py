"""kill -9 the web server in the middle of an import started from the Import page, then start it again.

The first server is killed while it stores or embeds an uploaded file; the library then holds a run
still marked 'running' and records not yet searchable. The restarted server resumes the upload (its
folder survived), the Import page reports it, the interrupted run is closed as interrupted, and
``python -m ingest check`` is clean. Both servers and the browser run on loopback and are stopped.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, serve, server_process
from test_ingest_crash import environment, library_counts

from retrieval.library import Library
from retrieval.settings import Settings
from tests.pubmed_xml_fixtures import synthetic_articles, write_pubmed_xml

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]
ROOT = Path(__file__).resolve().parents[1]
COUNT = 700  # a first batch of 500 is committed while the rest is still being read
RESUME_MS = 600_000  # the restarted server embeds all 700 records on two shared cores


def runs(data_dir: Path) -> list[tuple[str, str, str]]:
    """(kind, status, message) of every ingest run, oldest first."""
    with sqlite3.connect(f"file:{data_dir / 'library.sqlite'}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute("SELECT kind, status, message FROM ingest_runs ORDER BY id").fetchall()


def test_kill_9_during_a_web_import_then_restart_resumes_it_and_check_is_clean(tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    data_dir = tmp_path / "library"
    upload = write_pubmed_xml(tmp_path / "pubmed-crash.xml.gz", synthetic_articles(COUNT))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=WAIT_MS)

        with server_process(data_dir, tmp_path / "server-1.log") as (process, url):
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{url}/import_records")
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
            expect(page.get_by_text("pubmed-crash.xml.gz")).to_be_visible()
            page.get_by_role("button", name="Import files").click()
            deadline = time.monotonic() + 300
            while not ((counts := library_counts(data_dir))[0] > 0 and (counts[0] < COUNT or counts[2] < counts[1])):
                assert process.poll() is None and time.monotonic() < deadline, "the import ended before the kill"
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
            page.close()

        articles, chunks, embedded = library_counts(data_dir)
        assert articles < COUNT or embedded < chunks, "the kill came too late to test anything"
        assert runs(data_dir)[-1][:2] == ("upload", "running")  # nobody lived to record its end
        assert list((data_dir / "uploads").iterdir()), "the upload's folder survives the kill"

        with serve(data_dir, tmp_path / "server-2.log") as url:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{url}/import_records")  # the first page run of the new server resumes the import
            expect(page.get_by_text("Import finished")).to_be_visible(timeout=RESUME_MS)
            expect(page.get_by_text("The server was stopped during the import of pubmed-crash.xml.gz")).to_be_visible()
            assert page.get_by_test_id("stException").count() == 0
        browser.close()

    check = subprocess.run(
        [sys.executable, "-m", "ingest", "check"],
        cwd=ROOT,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    status = Library(Settings(data_dir=data_dir)).status()
    assert status["articles"] == COUNT and status["pending_embeddings"] == 0
    assert status["vectors"] == status["chunks"] >= COUNT
    history = runs(data_dir)
    assert history[0][:2] == ("upload", "interrupted") and "stopped before it finished" in history[0][2]
    assert [status for _, status, _ in history[1:]] == ["done"] and "running" not in {s for _, s, _ in history}
    assert not list((data_dir / "uploads").iterdir())  # the resumed upload cleaned up after itself
