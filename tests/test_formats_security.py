"""Hostile XML: the PubMed reader never fetches a URL, never reads a local file and never expands entities."""

from __future__ import annotations

import http.server
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.formats.errors import ParseError
from ingest.formats.pubmed_xml import iter_pubmed_xml
from retrieval.library.records import Article

ROOT = Path(__file__).resolve().parents[1]
PASSWD = "/etc/passwd"
# Parses stdin in a fresh process and reports its outcome and peak memory growth (VmHWM starts afresh at exec,
# so a large test session cannot hide a blow-up the way its own high-water mark would).
ISOLATED_PARSE = r"""
import io, json, sys
from ingest.formats.errors import ParseError
from ingest.formats.pubmed_xml import iter_pubmed_xml

def peak_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) // 1024

data = io.BytesIO(sys.stdin.buffer.read())
before = peak_mb()
try:
    articles = list(iter_pubmed_xml(data, "hostile.xml"))
    outcome = {"text_length": sum(len(a.title) + len(a.abstract_text) for a in articles)}
except ParseError as error:
    outcome = {"error": str(error)}
outcome["growth_mb"] = peak_mb() - before
print(json.dumps(outcome))
"""


def record(pmid: str, title: str, abstract: str = "") -> str:
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>{title}</ArticleTitle>"
        f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
    )


def document(doctype: str, *records: str) -> io.BytesIO:
    body = f'<?xml version="1.0"?>\n{doctype}\n<PubmedArticleSet>{"".join(records)}</PubmedArticleSet>'
    return io.BytesIO(body.encode("utf-8"))


def outcome(source: io.BytesIO) -> list[Article] | ParseError:
    """The records read, or the ParseError raised: both are acceptable answers to hostile input."""
    try:
        return [item for item in iter_pubmed_xml(source, "hostile.xml") if isinstance(item, Article)]
    except ParseError as error:
        return error


def all_text(articles: list[Article]) -> str:
    return " ".join(a.title + " " + a.abstract_text for a in articles)


def parse_isolated(source: io.BytesIO) -> dict:
    """Outcome of parsing ``source`` in a child process: ``error`` or ``text_length``, and ``growth_mb``."""
    done = subprocess.run(
        [sys.executable, "-c", ISOLATED_PARSE], input=source.getvalue(), cwd=ROOT, capture_output=True, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that serves anything and records every request made to it."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            payload = b'<!ENTITY leaked "SECRET-FROM-SERVER">' if self.path.endswith(".dtd") else b"SECRET-FROM-SERVER"
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_external_entity_never_reads_a_local_file() -> None:
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file://{PASSWD}">]>'
    result = outcome(document(doctype, record("101", "Title &xxe;", "Abstract &xxe; end")))
    passwd_start = Path(PASSWD).read_text(encoding="utf-8")[:20]
    if isinstance(result, ParseError):
        assert "hostile.xml" in str(result)
    else:
        assert [a.pmid for a in result] == ["101"]
        assert "root:" not in all_text(result)
        assert passwd_start not in all_text(result)
        assert result[0].title == "Title &xxe;"  # left unexpanded


def test_local_dtd_is_not_loaded() -> None:
    result = outcome(document(f'<!DOCTYPE PubmedArticleSet SYSTEM "file://{PASSWD}">', record("102", "T")))
    assert not isinstance(result, ParseError)
    assert [(a.pmid, a.title) for a in result] == [("102", "T")]


def test_no_url_is_ever_fetched(loopback_server: tuple[str, list[str]]) -> None:
    base, requests = loopback_server
    doctype = (
        f'<!DOCTYPE PubmedArticleSet SYSTEM "{base}/pubmed.dtd" ['
        f'<!ENTITY remote SYSTEM "{base}/remote-entity">'
        f'<!ENTITY % parameter SYSTEM "{base}/parameter.dtd"> %parameter;]>'
    )
    result = outcome(document(doctype, record("103", "Remote &remote;", "&leaked;")))
    assert requests == []
    if not isinstance(result, ParseError):
        assert "SECRET-FROM-SERVER" not in all_text(result)


def test_http_dtd_of_old_nlm_files_parses_offline(loopback_server: tuple[str, list[str]]) -> None:
    base, requests = loopback_server
    doctype = f'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" "{base}/x.dtd">'
    result = outcome(document(doctype, record("104", "Old file", "Text.")))
    assert not isinstance(result, ParseError)
    assert [(a.pmid, a.title, a.abstract_text) for a in result] == [("104", "Old file", "Text.")]
    assert requests == []


def test_billion_laughs_is_not_expanded() -> None:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]  # &lol9; would be 10^9 "lol"s: 3 GB
    result = parse_isolated(
        document(f"<!DOCTYPE PubmedArticleSet [{''.join(levels)}]>", record("105", "Laughs &lol9;", "&lol9;"))
    )
    assert result["growth_mb"] < 50
    if "error" in result:
        assert result["error"].startswith("hostile.xml declares XML entities")
    else:
        assert result["text_length"] < 1000


def test_quadratic_blowup_is_not_expanded() -> None:
    big = "x" * 100_000
    result = parse_isolated(
        document(f'<!DOCTYPE PubmedArticleSet [<!ENTITY big "{big}">]>', record("106", "Big", "&big;" * 2_000))
    )  # 200 MB of text if expanded
    assert result["growth_mb"] < 50
    if "error" in result:
        assert result["error"].startswith("hostile.xml declares XML entities")
    else:
        assert result["text_length"] < 20_000
