"""The What's new page: new articles per saved search since its owner last looked, until marked as seen."""

from __future__ import annotations

import pytest
from ui_support import UI_ARTICLES, app_test, texts

from retrieval.library.collections import Collections
from retrieval.library.team import SHARED, Actor

WHATS_NEW = "pages/whats_new.py"


@pytest.fixture
def library(library_factory):
    return library_factory(UI_ARTICLES[1:])


def test_new_articles_per_saved_search_until_marked_as_seen(library, monkeypatch):
    shelves = Collections(library.store)
    first, second = UI_ARTICLES[1].pmid, UI_ARTICLES[2].pmid
    saved = shelves.save_pubmed_query("Flu watch", "influenza vaccination", [first])  # today's results: no news
    assert shelves.record_run(saved.id, [first, second]) == [second]  # what `ingest update` found since
    library_search = shelves.save_search("Vaccines here", "influenza vaccination", {}, [first])
    shelves.store.conn.execute(
        "UPDATE saved_searches SET last_seen_at = '2000-01-01T00:00:00Z' WHERE id = ?", (library_search.id,)
    )  # its owner last looked before these articles came in
    shelves.store.conn.commit()

    at = app_test(monkeypatch, library.settings.data_dir, WHATS_NEW)
    shown = texts(at)
    assert "**Flu watch** · PubMed query · 1 new article since you looked" in shown
    assert f"PMID {second}" in shown
    assert "**Vaccines here** · library search" in shown and "0 new articles" not in shown.split("Vaccines here")[1]

    next(b for b in at.button if b.key == f"seen_{saved.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "**Flu watch** · PubMed query · 0 new articles since you looked" in texts(at)
    assert shelves.new_since_seen(saved.id) == []


def test_on_a_team_server_each_person_sees_their_own_saved_searches_and_the_shared_ones(library, monkeypatch):
    rita, ray = Actor("rita@example.org", "reader", on_team=True), Actor("ray@example.org", "reader", on_team=True)
    carl = Collections(library.store, Actor("carl@example.org", "curator", on_team=True))
    Collections(library.store, rita).save_pubmed_query("Flu watch", "influenza vaccination")
    Collections(library.store, ray).save_pubmed_query("Measles watch", "measles outbreak")
    ward = carl.create("Ward reading", visibility=SHARED)
    team_search = carl.save_search("Ward vaccines", "vaccination", {}, [], collection_id=ward.id)

    at = app_test(monkeypatch, library.settings.data_dir, WHATS_NEW, user={"email": rita.who, "name": "Rita"})
    shown = texts(at)
    assert "**Flu watch** · PubMed query · 0 new articles since you looked" in shown
    assert "Measles watch" not in shown  # another reader's own saved search
    assert "**Ward vaccines** · library search" in shown and "since carl@example\\.org looked" in shown
    assert not any(b.key == f"seen_{team_search.id}" for b in at.button)  # the last look is its owner's


def test_import_page_can_keep_a_pubmed_query_current(tmp_path, monkeypatch):
    from test_ui_import import finish_job

    from retrieval.library import Library
    from retrieval.settings import Settings
    from tests.fake_eutils import FakeEutils

    data_dir = tmp_path / "library"
    with FakeEutils() as fake:
        for name, value in {"EUTILS_URL": fake.url, "API_KEY": "k", "EUTILS_BACKOFF_S": "0.01"}.items():
            monkeypatch.setenv(f"MEDLIT_{name}", value)
        at = app_test(monkeypatch, data_dir, "pages/import_records.py")
        at.text_input[0].set_value("asthma")
        next(b for b in at.button if b.label == "Count matching records").click().run()
        next(c for c in at.checkbox if c.label.startswith("Keep this query current")).check()
        next(b for b in at.button if b.label.startswith("Fetch")).click().run()
        job = finish_job(at, data_dir)
    assert job.state == "done", job.messages
    [saved] = Collections(Library(Settings(data_dir=data_dir)).store).pubmed_queries()
    assert saved.query == "asthma" and saved.kind == "pubmed"
    assert any("What's new" in m for m in job.messages)
