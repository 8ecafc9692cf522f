"""A fake NCBI E-utilities server on 127.0.0.1, serving real recorded PubMed records.

It answers ``esearch.fcgi``, ``epost.fcgi`` and ``efetch.fcgi`` (GET and
POST) the way NCBI does: history server (WebEnv/query_key), ``retstart`` /
``retmax``, ``rettype=count``, ``mindate``/``maxdate`` on the publication
date, and the esearch window cap (``max_window``, 9,999 at NCBI; tests make it
small). Tests script failures with ``inject`` and read what the client sent
in ``requests``.
"""

from __future__ import annotations

import json
import secrets
import socket
import struct
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.fake_eutils import responses
from tests.fake_eutils.faults import Fault, FaultKind
from tests.fake_eutils.records import FakeRecord, fake_records
from tests.fake_eutils.search import parse_pdat, search

ENDPOINTS = ("esearch", "epost", "efetch")
RATE_LIMIT_BODY = b'{"error":"API rate limit exceeded","count":"4"}'
BACKEND_ERROR = "Search Backend failed: Couldn't resolve #pmquerysrv-mz?, the address table is empty."


@dataclass
class RecordedRequest:
    """One request as the fake received it (query string and form body merged)."""

    endpoint: str
    method: str
    params: dict[str, str]
    received_at: float  # time.monotonic()
    client: str  # the peer's IP address
    fault: FaultKind | None
    delivered: list[str] = field(default_factory=list)  # PMIDs of the records in a well-formed efetch answer

    @property
    def ids(self) -> list[str]:
        return [i for i in self.params.get("id", "").split(",") if i]


@dataclass
class _Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml; charset=UTF-8"


@dataclass
class FakeEutils:
    """``with FakeEutils(max_window=50) as fake: Settings(eutils_url=fake.url)``."""

    max_window: int = 9999
    hang_s: float = 30.0  # how long a HANG fault keeps the client waiting (ended early by stop())
    records: dict[str, FakeRecord] = field(default_factory=fake_records)
    requests: list[RecordedRequest] = field(default_factory=list)
    # An NLM file mirror: a folder with baseline/ and updatefiles/ (e.g. MIRROR_SAMPLE), served under /pubmed/
    mirror: Path | None = None
    mirror_requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: deque[Fault] = deque()
        self._history: dict[str, list[list[str]]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def mirror_url(self) -> str:
        """The NLM mirror's update files folder, to use as ``Settings.update_mirror_url``."""
        assert self._server is not None, "start the fake server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/pubmed/updatefiles/"

    def mirror_answer(self, path: str) -> _Answer:
        """A folder listing (HTML, as NLM's server writes it) or a file of the mirror folder."""
        with self._lock:
            self.mirror_requests.append(path)
        relative = path.removeprefix("/pubmed/").strip("/")
        if self.mirror is None or ".." in relative.split("/"):
            return _Answer(404, b"Not found", "text/plain")
        target = self.mirror / relative
        if target.is_dir():
            links = "".join(f'<a href="{p.name}">{p.name}</a>\n' for p in sorted(target.iterdir()) if p.is_file())
            page = f"<html><head><title>Index of {path}</title></head><body><pre>{links}</pre></body></html>"
            return _Answer(200, page.encode(), "text/html")
        if target.is_file():
            return _Answer(200, target.read_bytes(), "application/octet-stream")
        return _Answer(404, b"Not found", "text/plain")

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeEutils:
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self._server.serve_forever, args=(0.02,), name="fake-eutils", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeEutils:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base address, to use as ``Settings.eutils_url``."""
        assert self._server is not None, "start the fake server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/entrez/eutils/"

    # ------------------------------------------------------------------ scripting
    def inject(self, *kinds: FaultKind | str, endpoint: str | None = None) -> None:
        """Fail the next requests (to ``endpoint``, or any), one fault per request, in this order."""
        with self._lock:
            self._faults.extend(Fault(FaultKind(k), endpoint) for k in kinds)

    @property
    def pending_faults(self) -> int:
        return len(self._faults)

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.endpoint == endpoint]

    def delivered_pmids(self) -> list[str]:
        """Every PMID the fake sent in a well-formed efetch answer, in order (repeats included)."""
        return [pmid for r in self.requests_to("efetch") for pmid in r.delivered]

    # ------------------------------------------------------------------ handling
    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.applies_to(endpoint):
                    self._faults.remove(fault)
                    return fault
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def answer(self, endpoint: str, params: dict[str, str]) -> tuple[_Answer, list[str]]:
        """The normal answer to a request, and the PMIDs of the records it carries."""
        if params.get("db", "pubmed") != "pubmed":
            return _Answer(body=responses.error_body(endpoint, f"Invalid db name specified: {params['db']}")), []
        if endpoint == "esearch":
            return self._esearch(params), []
        if endpoint == "epost":
            return self._epost(params), []
        return self._efetch(params)

    def _store(self, pmids: list[str], webenv: str | None) -> tuple[str, str]:
        with self._lock:
            if not webenv or webenv not in self._history:
                webenv = "MCID_" + secrets.token_hex(12)
                self._history[webenv] = []
            self._history[webenv].append(pmids)
            return webenv, str(len(self._history[webenv]))

    def _esearch(self, params: dict[str, str]) -> _Answer:
        term = params.get("term", "")
        mindate = maxdate = None
        if params.get("mindate") and params.get("maxdate"):  # NCBI uses the dates only as a pair
            try:
                mindate = parse_pdat(params["mindate"], end=False)
                maxdate = parse_pdat(params["maxdate"], end=True)
            except ValueError:
                return _Answer(body=responses.error_body("esearch", "Invalid date format"))
        hits = search(self.records.values(), term, mindate, maxdate)
        if params.get("rettype") == "count":
            return _Answer(body=responses.search_count(len(hits)))
        retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        if retstart >= self.max_window:
            return _Answer(
                body=responses.error_body(
                    "esearch",
                    f"Search Backend failed: Exception:\n'retstart' cannot be larger than {self.max_window - 1}. "
                    f"For PubMed, ESearch can only retrieve the first {self.max_window:,} records matching the query.",
                )
            )
        listed = hits[retstart : min(retstart + retmax, self.max_window)]
        history = self._store(hits, params.get("WebEnv")) if params.get("usehistory") == "y" else None
        return _Answer(body=responses.search_hits(len(hits), retstart, listed, term, history))

    def _epost(self, params: dict[str, str]) -> _Answer:
        ids = [i.strip() for i in params.get("id", "").split(",") if i.strip()]
        valid = [i for i in ids if i.isdigit()]
        if not valid:
            messages = ["Empty ID list; Nothing to store"]
            if ids:
                messages.append("Some IDs have invalid value and were omitted. Maximum ID value 18446744073709551615")
            return _Answer(body=responses.error_body("epost", *messages))
        webenv, query_key = self._store(valid, params.get("WebEnv"))
        return _Answer(body=responses.post_result(webenv, query_key))

    def _efetch(self, params: dict[str, str]) -> tuple[_Answer, list[str]]:
        if params.get("id"):
            wanted = [i.strip() for i in params["id"].split(",")]
        else:
            stored = self._history.get(params.get("WebEnv", ""), [])
            key = params.get("query_key", "")
            if not key.isdigit() or not 1 <= int(key) <= len(stored):
                return _Answer(body=responses.error_body("efetch", f"Unable to obtain query #{key}")), []
            retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
            wanted = stored[int(key) - 1][retstart : retstart + retmax]
        found = [self.records[p] for p in wanted if p in self.records]
        return _Answer(body=responses.articles([r.xml for r in found])), [r.pmid for r in found]


class _QuietServer(ThreadingHTTPServer):
    """Handler threads die with the process; connections the client dropped (after a timeout) are not news."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(fake: FakeEutils) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "Finatra"  # what NCBI's servers call themselves
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, form: bytes) -> None:
            url = urlsplit(self.path)
            if url.path.startswith("/pubmed/"):
                self._send(fake.mirror_answer(url.path), {})
                return
            endpoint = url.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".fcgi")
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            params.update({k: v[-1] for k, v in parse_qs(form.decode("utf-8")).items()})
            if endpoint not in ENDPOINTS:
                self._send(_Answer(404, b"Not found", "text/plain"), params)
                return
            fault = fake._take_fault(endpoint)
            request = RecordedRequest(
                endpoint, self.command, params, time.monotonic(), self.client_address[0], fault and fault.kind
            )
            fake._record(request)
            if fault is None:
                answer, request.delivered = fake.answer(endpoint, params)
                self._send(answer, params)
            else:
                self._fail(fault.kind, request)

        def _fail(self, kind: FaultKind, request: RecordedRequest) -> None:
            endpoint, params = request.endpoint, request.params
            if kind is FaultKind.INVALID_API_KEY:
                body = json.dumps({"error": "API key invalid", "api-key": params.get("api_key", ""), "type": "api-key"})
                self._send(_Answer(400, body.encode(), "application/json"), params)
            elif kind is FaultKind.TOO_MANY_REQUESTS:
                self._send(_Answer(429, RATE_LIMIT_BODY, "application/json"), params)
            elif kind.value.isdigit():
                self._send(_Answer(int(kind.value), b"<html><body>Server Error</body></html>", "text/html"), params)
            elif kind is FaultKind.HANG:
                fake._stopping.wait(fake.hang_s)
                self.close_connection = True
            elif kind is FaultKind.RESET:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
            elif kind is FaultKind.ERROR_BODY:
                self._send(_Answer(body=responses.error_body(endpoint, BACKEND_ERROR)), params)
            else:
                answer, delivered = fake.answer(endpoint, params)
                if kind is FaultKind.SHORT and endpoint == "efetch" and delivered:
                    request.delivered = delivered[:-1]
                    answer.body = responses.articles([fake.records[p].xml for p in request.delivered])
                if kind is FaultKind.TRUNCATE:
                    answer.body = answer.body[: len(answer.body) // 2]
                if kind is FaultKind.CUT:
                    self._send(answer, params, cut=True)
                else:
                    self._send(answer, params)

        def _send(self, answer: _Answer, params: dict[str, str], cut: bool = False) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Cache-Control", "private")
            self.send_header("X-RateLimit-Limit", "10" if params.get("api_key") else "3")
            self.send_header("Access-Control-Expose-Headers", "X-RateLimit-Limit,X-RateLimit-Remaining")
            self.end_headers()
            self.wfile.write(answer.body[: len(answer.body) // 2] if cut else answer.body)
            if cut:
                self.wfile.flush()
                self.close_connection = True

    return Handler
