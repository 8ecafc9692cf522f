"""Only a ``UserError`` reaches the user as its own sentence; anything else is a bug and says so.

Each test plants a programming error (the kind a ``zip(strict=True)`` mismatch
raises) where a page, a background import or a command line calls into the
library, and checks that it is shown as the short apology, never as if the
user's input were at fault, while the traceback goes to the log.
"""

from __future__ import annotations

import logging

import pytest
from ui_support import app_test

from pages._shared.jobs import JobRegistry
from retrieval.answers.llm import answer as llm_answer
from retrieval.answers.llm import verify
from retrieval.cli import main
from retrieval.errors import BUG_APOLOGY, UserError, reported
from retrieval.library import Library

BUG = "zip() argument 2 is longer than argument 1"
QUESTION = "Do inhaled steroids stunt growth in children with asthma?"


def planted_bug(*args, **kwargs):
    raise ValueError(BUG)


@pytest.fixture
def on_fixture(fixture_library: Library, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(fixture_library.settings.data_dir))
    return fixture_library


def logged_bug(caplog: pytest.LogCaptureFixture) -> bool:
    return any(r.exc_info and r.exc_info[0] is ValueError and r.levelno == logging.ERROR for r in caplog.records)


def test_cli_reports_a_bug_as_a_bug_not_as_bad_input(on_fixture, monkeypatch, capsys, caplog):
    monkeypatch.setattr("retrieval.search.hybrid.search", planted_bug)
    code = main(["search", "asthma"])
    err = capsys.readouterr().err
    assert code == 1
    assert BUG_APOLOGY in err
    assert "error:" not in err and BUG not in err
    assert logged_bug(caplog)


def test_cli_missing_support_threshold_is_one_line_and_exit_2(on_fixture, monkeypatch, capsys, tmp_path):
    def uncalibrated(*args, **kwargs):
        return verify.load_support_threshold(tmp_path, "an-uncalibrated-embedding-model", "torch")

    monkeypatch.setattr(llm_answer, "load_support_threshold", uncalibrated)
    code = main(["ask", QUESTION, "--mode", "llm"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: The support threshold for written answers was fitted on")
    assert "calibrate-verify" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_bad_setting_is_one_line_naming_the_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path / "library"))
    monkeypatch.setenv("MEDLIT_LLM_PROVIDER", "nonsense")
    assert main(["search", "asthma"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: MEDLIT_LLM_PROVIDER='nonsense' is not valid") and len(err.splitlines()) == 1


def test_reported_prints_a_user_error_as_its_sentence(capsys):
    def refused() -> int:
        raise UserError("The query is empty: type a question or some search words.")

    assert reported(refused) == 2
    assert capsys.readouterr().err == "error: The query is empty: type a question or some search words.\n"


def test_page_shows_a_bug_as_the_apology(fixture_library, monkeypatch, caplog):
    monkeypatch.setattr("retrieval.answers.ask.ask", planted_bug)
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    at.text_input[0].set_value(QUESTION)
    at.button[0].click().run()
    assert not at.exception
    assert not any(BUG in w.value for w in at.warning)
    assert any("Something went wrong while answering the question" in e.value for e in at.error)
    assert logged_bug(caplog)


def test_page_shows_a_language_model_failure_with_the_way_to_an_answer(fixture_library, monkeypatch):
    def no_model(*args, **kwargs):
        raise llm_answer.LanguageModelError("The llamacpp language model could not be loaded: no such file.")

    monkeypatch.setattr("retrieval.answers.ask.ask", no_model)
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    at.text_input[0].set_value(QUESTION)
    at.segmented_control[0].set_value("Language model")
    at.button[0].click().run()
    assert not at.exception and not at.error
    (shown,) = [w.value for w in at.warning]
    assert "could not be loaded" in shown and "Choose the Extractive answer style" in shown


def test_background_import_reports_a_bug_as_the_apology(caplog):
    jobs = JobRegistry()
    job = jobs.start("planted bug", planted_bug)
    assert jobs.wait(job, timeout=30)
    assert job.state == "failed"
    assert job.messages == ["The import stopped because of an unexpected error; the details are in the log."]
    assert logged_bug(caplog)


def test_background_import_shows_a_user_error_as_its_sentence():
    def refused(job) -> None:
        raise UserError("The PubMed query is empty; type search terms, e.g. 'aspirin AND stroke'.")

    jobs = JobRegistry()
    job = jobs.start("empty query", refused)
    assert jobs.wait(job, timeout=30)
    assert job.state == "failed"
    assert job.messages == ["The PubMed query is empty; type search terms, e.g. 'aspirin AND stroke'."]
