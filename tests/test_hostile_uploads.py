"""Hostile uploads are refused with one sentence, within seconds and in bounded memory.

A gzip bomb (a few MB that unpack to gigabytes), XML nested a million levels deep, a 100,000-line
RIS file (not an import format), and file names with HTML or ``../``.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ui_support import IMPORT_RECORDS, ROOT, app_test, pubmed_xml

from ingest.formats import iter_upload
from ingest.formats.errors import ParseError
from pages._shared.jobs import _registry
from retrieval.errors import UserError

IMPORT = "pages/import_records.py"


def gzip_bomb(path: Path, gigabytes: int) -> int:
    """A valid-looking PubMed XML .gz that unpacks to ``gigabytes`` GB of empty elements; returns its size."""
    block = gzip.compress(b"<a/>" * (16 << 20), compresslevel=9)  # 64 MB unpacked, about 64 KB packed
    with path.open("wb") as out:
        out.write(gzip.compress(b'<?xml version="1.0"?>\n<PubmedArticleSet>'))
        for _ in range(gigabytes * 16):  # gzip members in a row unpack as one stream
            out.write(block)
    return path.stat().st_size


def test_a_gzip_bomb_is_refused_in_seconds_with_bounded_memory(tmp_path: Path):
    bomb = tmp_path / "bomb.xml.gz"
    packed = gzip_bomb(bomb, 4)
    assert packed < 8 << 20  # about 4 MB on disk, 4 GB unpacked
    probe = (
        "import json, resource, sys, time\n"
        "from ingest.formats import iter_file\n"
        "from pathlib import Path\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        "try:\n"
        "    n = sum(1 for _ in iter_file(Path(sys.argv[1])))\n"
        "    error = ''\n"
        "except Exception as e:\n"
        "    n, error = -1, f'{type(e).__name__}: {e}'\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "seconds = time.perf_counter() - started\n"
        "print(json.dumps({'n': n, 'error': error, 's': seconds, 'mb': (peak - before) / 1024}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(bomb)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    result = json.loads(done.stdout)
    assert result["error"].startswith("ParseError") and "refused" in result["error"], result
    assert result["mb"] < 600, result  # bounded memory; speed is measured, not asserted


def test_xml_nested_a_million_levels_is_refused_at_once():
    deep = b'<?xml version="1.0"?>\n<PubmedArticleSet>' + b"<a>" * 1_000_000 + b"</a>" * 1_000_000
    with pytest.raises(ParseError) as refused:
        list(iter_upload("deep.xml", io.BytesIO(deep)))
    assert "deep.xml" in str(refused.value) and "\n" not in str(refused.value)


def test_a_100k_line_ris_file_is_refused_at_once():
    """RIS is an export format only; the Import page's uploader does not offer it, and the reader refuses it."""
    ris = "".join(f"TY  - JOUR\nTI  - Title {n}\nER  - \n" for n in range(33_334)).encode()  # 100,002 lines
    with pytest.raises(UserError, match=r"refs\.ris is not a supported file type"):
        iter_upload("refs.ris", io.BytesIO(ris))
    assert '"ris"' not in (ROOT / "pages" / "import_records.py").read_text()  # not among the uploader's types


def test_file_names_with_html_or_dot_dot_stay_in_the_upload_folder_and_show_as_text(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir, IMPORT)
    hostile = "../../<img src=x onerror=alert(1)>.xml"
    at.file_uploader[0].set_value([(hostile, pubmed_xml(IMPORT_RECORDS[:1]), "text/xml")])
    next(b for b in at.button if b.label == "Import files").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = _registry(str(data_dir.resolve())).recent(1)[0]
    assert _registry(str(data_dir.resolve())).wait(job, timeout=240) and job.state == "done", job.messages
    assert job.summary.added == 1
    assert not (tmp_path / "<img src=x onerror=alert(1)>.xml").exists()  # nothing written outside uploads/
    assert not list(data_dir.glob("*.xml")) and not list(tmp_path.glob("*.xml"))
    at.run()
    shown = " ".join(s.value for s in at.success)
    assert "<img" not in shown.replace("\\<img", "")  # shown as text, escaped for Markdown
