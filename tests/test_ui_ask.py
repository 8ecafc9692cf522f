"""The Ask page on the shared fixture library: cited answers, abstention, empty-library guidance."""

from __future__ import annotations

import pytest
from ui_support import app_test, page_links, texts

from tests.library_support import STATINS, VITAMIN_D


def asked(monkeypatch, library, question: str):
    """The Ask page after ``question`` was asked, checked to have run without an exception."""
    at = app_test(monkeypatch, library.settings.data_dir)
    at.text_input[0].set_value(question)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_ask_answers_with_citations_that_open_the_cited_articles(fixture_library, monkeypatch):
    at = asked(
        monkeypatch,
        fixture_library,
        "Do statins prevent heart attacks and strokes in people at low cardiovascular risk?",
    )
    shown = texts(at)
    assert "Bottom line" in shown
    cited = [e.label for e in at.expander]
    assert cited and all(label.startswith(f"[{i}]") for i, label in enumerate(cited, start=1))
    cited_pmids = {p for p in STATINS if f"article?pmid={p}" in shown}
    assert cited_pmids, "the answer should cite one of the statin articles"
    assert "Statin therapy and major vascular events" in shown
    # the sentence the answer rests on is highlighted inside the cited abstract
    assert ":orange-background[" in shown
    assert "Cited articles" in shown
    # each cited article's full record opens with the quoted sentence highlighted, as the citation marks do
    opened = [link.proto.query_string for link in at.page_link if link.label == "Open full record"]
    assert opened and all("quote=" in q for q in opened), opened


def test_ask_abstains_when_the_library_has_no_evidence(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    at.text_input[0].set_value("What is the melting point of tungsten carbide in industrial furnaces?")
    at.button[0].click().run()
    assert not at.exception
    assert any("No article in this library mentions" in w.value for w in at.warning) or any(
        "No evidence in this library" in i.value for i in at.info
    )
    assert "import_records" in page_links(at)
    assert not at.expander  # no source is cited for an abstention
    assert "Closest articles — they do not answer your question" in texts(at)


def test_empty_question_gets_a_sentence_not_a_traceback(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    at.button[0].click().run()
    assert not at.exception
    assert any("empty" in w.value.lower() for w in at.warning)


def test_empty_library_explains_what_to_do(tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / "empty")
    assert any("library is empty" in i.value for i in at.info)
    assert page_links(at) == ["import_records"]
    assert not at.text_input  # nothing to ask yet


@pytest.mark.llm
def test_language_model_mode_streams_then_shows_a_checked_answer(fixture_library, monkeypatch):
    """The real local model: tokens reach the page while it writes; the final answer cites the library."""
    from retrieval.answers.ask import ask as original

    streamed: list[str] = []

    def recording_ask(*args, on_token=None, **kwargs):
        def relay(token: str) -> None:
            streamed.append(token)
            on_token(token)

        return original(*args, on_token=relay if on_token else None, **kwargs)

    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    at.text_input[0].set_value("Does annual high-dose vitamin D prevent falls in older women?")
    at.segmented_control[0].set_value("Language model")
    monkeypatch.setattr("retrieval.answers.ask.ask", recording_ask)
    at.button[0].click().run(timeout=900)
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert streamed, "the page received no token while the model wrote"
    assert any(f"article?pmid={p}" in shown for p in VITAMIN_D)
    assert "Answer written by the language model and checked" in shown or "quoted from the abstracts" in shown


def test_a_yes_no_question_shows_its_verdict_and_the_stances(fixture_library, monkeypatch):
    at = asked(
        monkeypatch,
        fixture_library,
        "Does rosuvastatin reduce cardiovascular events in adults with high C-reactive protein?",
    )
    shown = texts(at)
    assert ":green-badge[Yes]" in shown and "Says yes" in shown
    assert len(at.get("vega_lite_chart")) == 1  # the consensus bar


def test_a_pmid_typed_as_the_question_opens_that_article(fixture_library, monkeypatch):
    at = asked(monkeypatch, fixture_library, "PMID: 91000001")
    assert "Rosuvastatin for primary prevention" in texts(at)


def test_a_very_long_question_is_echoed_as_one_bounded_line_not_a_heading(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    question = "Do statins prevent heart attacks in people at low cardiovascular risk? " * 70  # about 5,000 characters
    at.text_input[0].set_value(question)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    echoed = [m.value for m in at.markdown if m.value.startswith("**Q:**")]
    assert echoed and len(echoed[0]) < 400 and echoed[0].endswith("…")
    assert not any(m.value.lstrip().startswith("#") and "statins" in m.value for m in at.markdown)


def test_the_answer_style_cannot_be_switched_off(fixture_library, monkeypatch):
    """Issue 11 item 9: clicking the chosen style again keeps it chosen (the thin-records browser walk clicks it);
    with none chosen the page would answer in a style nobody picked."""
    at = app_test(monkeypatch, fixture_library.settings.data_dir)
    style = at.segmented_control[0]
    assert style.label == "Answer style"
    assert style.proto.required and style.value == "Extractive"


def test_the_answer_shows_how_a_misspelt_word_was_read(fixture_library, monkeypatch):
    question = "Does rosuvastatn reduce cardiovascular events in adults with high C-reactive protein?"
    at = asked(monkeypatch, fixture_library, question)
    assert "Read as: rosuvastatn → rosuvastatin." in texts(at)


def test_a_refusal_still_shows_how_the_question_was_read(fixture_library, monkeypatch):
    at = asked(monkeypatch, fixture_library, "Does rosuvastatn help patients with dupilumab-treated eczema?")
    shown = texts(at)
    assert "No article in this library mentions dupilumab" in shown
    assert "Read as: rosuvastatn → rosuvastatin." in shown
