"""The guard on the web pages: a query or question with identifiers is stopped, then sent redacted on request."""

from __future__ import annotations

import json
import logging

from test_guard_outbound import CHART_QUERY, DOB, NAME, RecordingModelServer
from ui_support import app_test

from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.settings import Settings
from tests.conftest import FIXTURE_ARTICLES
from tests.fake_eutils import FakeEutils

IMPORT = "pages/import_records.py"


def test_import_page_stops_a_query_with_identifiers_then_sends_it_redacted(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    with FakeEutils() as fake:
        for name, value in {"EUTILS_URL": fake.url, "API_KEY": "k", "EUTILS_BACKOFF_S": "0.01"}.items():
            monkeypatch.setenv(f"MEDLIT_{name}", value)
        at = app_test(monkeypatch, data_dir, IMPORT)
        at.text_input[0].set_value(CHART_QUERY)
        next(b for b in at.button if b.label == "Count matching records").click().run()
        assert not at.exception, [e.value for e in at.exception]
        warning = " ".join(w.value for w in at.warning)
        assert "Not sent to NCBI" in warning and "a person" in warning
        assert NAME not in warning and DOB not in warning
        assert fake.requests == []
        next(b for b in at.button if b.label == "Send the redacted query").click().run()
        assert not at.exception, [e.value for e in at.exception]
        sent = json.dumps([r.params for r in fake.requests])
        assert fake.requests and NAME not in sent and DOB not in sent and "apixaban" in sent
        assert any("PubMed records match" in m.value for m in at.markdown)
    assert not Library(Settings(data_dir=data_dir)).store.recent_runs(3)  # counting imports nothing


def use_remote_model(monkeypatch, url: str) -> None:
    """Answer with an OpenAI-compatible server at ``url``, guarded as a model on another host would be."""
    for name, value in {
        "LLM_PROVIDER": "openai",
        "LLM_MODEL": "m",
        "LLM_BASE_URL": url,
        "GUARD_LOCAL_LLM": "true",  # the loopback fake stands for a model on another host
    }.items():
        monkeypatch.setenv(f"MEDLIT_{name}", value)


def test_ask_page_keeps_identifiers_from_a_remote_model(library_factory, monkeypatch):
    # A library of its own: the app keeps each data folder's library (and the settings it was opened
    # with) for the life of the process, so the shared fixture library would keep the local model.
    library = library_factory(FIXTURE_ARTICLES[:3])
    with RecordingModelServer() as model:
        use_remote_model(monkeypatch, model.url)
        at = app_test(monkeypatch, library.settings.data_dir)
        at.text_input[0].set_value("Mrs. Dorothy Walsh, 91 years old: does vitamin D prevent falls?")
        at.segmented_control[0].set_value("Language model")
        at.button[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        warning = " ".join(w.value for w in at.warning)
        assert "Not sent to the remote language model" in warning and "Dorothy" not in warning
        assert model.bodies == []
        next(b for b in at.button if b.label == "Send the redacted question").click().run()
        assert not at.exception, [e.value for e in at.exception]
        sent = "".join(model.bodies)
        assert "Dorothy" not in sent and "91 years old" not in sent


def test_summaries_page_keeps_identifiers_from_a_remote_model_and_out_of_the_logs(library_factory, monkeypatch, caplog):
    library = library_factory(FIXTURE_ARTICLES[:3])  # its own: the app keeps a data folder's settings for the process
    topic = "Mrs. Dorothy Walsh, born 03/14/1931: statins after myocardial infarction"
    with RecordingModelServer() as model, caplog.at_level(logging.DEBUG):
        use_remote_model(monkeypatch, model.url)
        at = app_test(monkeypatch, library.settings.data_dir, "pages/summaries.py")
        at.text_input(key="summary_topic").set_value(topic)
        at.checkbox(key="summary_llm").check()
        next(b for b in at.button if b.label == "Summarise").click().run()
        assert not at.exception, [e.value for e in at.exception]
        warning = " ".join(w.value for w in at.warning)
        assert "Not sent to the remote language model" in warning and "a person's name" in warning
        assert "Dorothy" not in warning and "1931" not in warning and "PERSON" in warning  # the redacted topic
        assert model.bodies == [] and not [s for s in at.subheader if "Summary of" in s.value]

        next(b for b in at.button if b.label == "Summarise the redacted topic").click().run()
        assert not at.exception, [e.value for e in at.exception]
        sent = "".join(model.bodies)
        assert model.bodies and "Dorothy" not in sent and "1931" not in sent  # the stand-in model answers 500
        assert "statins after myocardial infarction" in sent and "Dorothy" not in " ".join(w.value for w in at.warning)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Dorothy" not in logged and "1931" not in logged
    assert Collections(library.store).saved_searches() == []  # summarising saves nothing
