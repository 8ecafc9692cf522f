"""The guard before every outbound call: PubMed queries and PMID lists to NCBI, questions to a remote model.

Identifiers stop the call (no request reaches the server) with one sentence saying what was
found; the redacted version goes out when asked for; nothing identifying is kept in the
library's import history or saved searches.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.cli import main as ingest_main
from ingest.eutils import iter_pmids, iter_query
from retrieval.answers.llm.answer import LanguageModelError, generate_verified
from retrieval.answers.llm.outbound import is_remote
from retrieval.guard import IdentifiersFound
from retrieval.library import Library
from retrieval.library.collections import CollectionError, Collections
from retrieval.library.records import AbstractSection, Article
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils
from tests.library_support import hits

CHART_QUERY = "Mr. Harold Jenkins DOB 03/14/1952 apixaban"
NAME, DOB = "Harold Jenkins", "03/14/1952"


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with FakeEutils(max_window=15) as server:
        for name, value in {
            "DATA_DIR": tmp_path / "library",
            "EUTILS_URL": server.url,
            "API_KEY": "test-key",
            "EUTILS_BACKOFF_S": "0.01",
            "EUTILS_TIMEOUT_S": "2",
        }.items():
            monkeypatch.setenv(f"MEDLIT_{name}", str(value))
        yield server


def everything_sent(fake: FakeEutils) -> str:
    return json.dumps([r.params for r in fake.requests])


def test_a_query_with_identifiers_is_not_sent_and_the_redacted_one_is(fake: FakeEutils, tmp_path: Path, capsys):
    assert ingest_main(["--quiet", "pubmed", CHART_QUERY]) == 2
    err = capsys.readouterr().err
    assert "Not sent to NCBI" in err and "a person's name" in err and "--send-redacted" in err
    assert NAME not in err and DOB not in err
    assert fake.requests == []  # nothing reached the server

    assert ingest_main(["--quiet", "pubmed", CHART_QUERY, "--send-redacted"]) == 0
    sent = everything_sent(fake)
    assert fake.requests and NAME not in sent and DOB not in sent and "apixaban" in sent
    history = json.dumps(Library(Settings(data_dir=tmp_path / "library")).store.recent_runs(5), default=str)
    assert "<PERSON>" in history and NAME not in history and DOB not in history


def test_fetch_functions_refuse_before_any_request(fake: FakeEutils):
    settings = Settings()
    with pytest.raises(IdentifiersFound):
        iter_query(settings, "patient Anna Schmidt methotrexate hair loss")
    with pytest.raises(IdentifiersFound):
        iter_pmids(settings, ["31452104", "MRN", "4471902"])
    assert fake.requests == []


def test_pmid_lists_send_only_pmids_when_redacted(fake: FakeEutils, tmp_path: Path, capsys):
    known = sorted(fake.records)[:2]
    listing = tmp_path / "list.txt"
    listing.write_text(f"{known[0]} {known[1]}\nPatient MRN 4471902\n")
    assert ingest_main(["--quiet", "pmids", "--file", str(listing)]) == 2
    assert fake.requests == [] and "4471902" not in capsys.readouterr().err
    assert ingest_main(["--quiet", "pmids", "--file", str(listing), "--send-redacted"]) == 0
    assert "4471902" not in everything_sent(fake)
    assert sorted(Library(Settings(data_dir=tmp_path / "library")).store.all_pmids()) == known


def test_saved_searches_never_keep_identifiers(tmp_path: Path):
    store = Collections(Library(Settings(data_dir=tmp_path)).store)
    with pytest.raises(CollectionError) as refused:
        store.save_search("Mrs. Kowalski bronchiectasis", "", None, [])
    assert "Kowalski" not in str(refused.value)
    assert store.saved_searches() == []


def test_collection_notes_never_keep_identifiers(tmp_path: Path):
    store = Collections(Library(Settings(data_dir=tmp_path)).store)
    shelf = store.create("reading")
    store.add(shelf.id, ["101"])
    with pytest.raises(CollectionError) as refused:
        store.annotate(shelf.id, "101", note="Discussed with Mrs. Kowalski, MRN 30041177")
    assert "Kowalski" not in str(refused.value) and "30041177" not in str(refused.value)
    assert store.annotate(shelf.id, "101", note="RCT, read first", tags="to read").note == "RCT, read first"


# ------------------------------------------------------------------ remote language models
@pytest.mark.parametrize(
    ("provider", "url", "remote"),
    [
        ("llamacpp", None, False),
        ("ollama", None, False),
        ("ollama", "http://127.0.0.1:11434", False),
        ("ollama", "http://localhost:11434", False),
        ("ollama", "http://[::1]:11434", False),
        ("ollama", "http://gpu-box.internal:11434", True),
        ("ollama", "http://10.0.0.7:11434", True),
        ("openai", None, True),
        ("openai", "http://127.0.0.1:8000/v1", False),
        ("openai", "https://models.example.org/v1", True),
    ],
)
def test_which_models_are_remote(provider: str, url: str | None, remote: bool):
    assert is_remote(Settings(llm_provider=provider, llm_base_url=url)) is remote


class RecordingModelServer:
    """An OpenAI-compatible endpoint on loopback that records each request body and answers 500."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                outer.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


EVIDENCE = Article(
    pmid="34000002",
    title="Apixaban in very old patients",
    year=2021,
    abstract=[AbstractSection("In a 97-year-old man enrolled on 12 March 2019, apixaban caused no major bleeding.")],
)
HITS = hits([EVIDENCE])


def test_a_remote_model_never_gets_identifiers(tmp_path: Path):
    with RecordingModelServer() as model:
        # The server is on loopback; guard_local_llm makes it count as remote, as a model on another host would.
        settings = Settings(
            data_dir=tmp_path, llm_provider="openai", llm_model="m", llm_base_url=model.url, guard_local_llm=True
        )
        library = Library(settings)
        with pytest.raises(IdentifiersFound) as refused:
            generate_verified(library, f"{CHART_QUERY}: is it safe?", HITS)
        assert "Send the redacted question" in str(refused.value) and NAME not in str(refused.value)
        assert model.bodies == []

        with pytest.raises(LanguageModelError):  # the fake answers 500: what matters is what it received
            generate_verified(library, f"{CHART_QUERY}: is it safe?", HITS, send_redacted=True)
        sent = "".join(model.bodies)
        assert model.bodies and "apixaban" in sent and "<PERSON>" in sent
        for identifier in (NAME, DOB, "97-year-old", "12 March 2019"):  # question and evidence alike
            assert identifier not in sent


def test_a_local_model_gets_the_question_as_typed(tmp_path: Path):
    with RecordingModelServer() as model:
        library = Library(Settings(data_dir=tmp_path, llm_provider="openai", llm_model="m", llm_base_url=model.url))
        with pytest.raises(LanguageModelError):
            generate_verified(library, f"{CHART_QUERY}: is it safe?", HITS)
        assert NAME in "".join(model.bodies)


def test_a_redacted_question_is_searched_without_its_placeholders(fixture_library):
    from retrieval.answers.ask import ask

    answer = ask(
        fixture_library,
        "Mr. Harold Jenkins, MRN 88123456: does rosuvastatin prevent cardiovascular events?",
        send_redacted=True,
    )
    assert "Harold" not in answer.question and "<PERSON>" in answer.question
    assert not answer.abstained and "91000001" in answer.cited_pmids
    assert not any("PERSON" in m or "MEDICAL" in m for m in answer.missing)
