"""Collections and saved searches over the library's SQLite store."""

from __future__ import annotations

import pytest

from retrieval.library.collections import CollectionError, Collections, parse_tags
from retrieval.library.records import Article
from retrieval.library.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "library.sqlite")
    articles = [Article(pmid=str(p), title=f"Article {p}", year=2020) for p in (101, 102, 103)]
    store.upsert_articles(articles, "fixture", lambda a: [a.title])
    run = store.start_run("test", "fixture.xml")
    store.finish_run(run, "done", {"added": 3})
    return store


def test_create_rename_delete(store):
    collections = Collections(store)
    sepsis = collections.create("  Sepsis   review ", "for the guideline")
    assert (sepsis.name, sepsis.description, sepsis.size) == ("Sepsis review", "for the guideline", 0)
    with pytest.raises(CollectionError, match="already exists"):
        collections.create("sepsis REVIEW")
    with pytest.raises(CollectionError, match="needs a name"):
        collections.create("   ")
    other = collections.create("Asthma")
    with pytest.raises(CollectionError, match="already exists"):
        collections.rename(other.id, "Sepsis review")
    assert collections.rename(sepsis.id, "Sepsis (2024)").name == "Sepsis (2024)"
    assert collections.rename(sepsis.id, "SEPSIS (2024)").name == "SEPSIS (2024)"  # a change of case is allowed
    assert [c.name for c in collections.list_collections()] == ["Asthma", "SEPSIS (2024)"]
    collections.delete(other.id)
    assert collections.find("Asthma") is None
    with pytest.raises(CollectionError, match="no collection"):
        collections.get(other.id)


def test_items_notes_and_tags(store):
    collections = Collections(store)
    reading = collections.create("Reading")
    assert collections.add(reading.id, ["101", "102", "101"]) == 2
    assert collections.add(reading.id, ["102", "999999"]) == 1  # a PMID not (yet) in the library is kept
    with pytest.raises(CollectionError, match="not a PMID"):
        collections.add(reading.id, ["12a"])
    assert collections.pmids(reading.id) == ["101", "102", "999999"]
    item = collections.annotate(reading.id, "101", note=" read first ", tags="RCT, adults; rct, to read")
    assert (item.note, item.tags) == ("read first", ("RCT", "adults", "to read"))
    item = collections.annotate(reading.id, "101", tags=["adults"])
    assert (item.note, item.tags) == ("read first", ("adults",))  # the note stays when only tags change
    with pytest.raises(CollectionError, match="not in"):
        collections.annotate(reading.id, "103", note="x")
    assert [c.name for c in collections.containing("101")] == ["Reading"]
    assert collections.remove(reading.id, ["101", "103"]) == 1
    assert collections.pmids(reading.id) == ["102", "999999"]
    assert collections.get("reading").size == 2


def test_a_deleted_article_stays_in_its_collection(store):
    collections = Collections(store)
    kept = collections.create("Kept")
    collections.add(kept.id, ["103"])
    store.delete_articles(["103"], "update.xml")
    assert collections.pmids(kept.id) == ["103"]


def test_saved_search_keeps_its_provenance(store):
    collections = Collections(store)
    reading = collections.create("Reading")
    saved = collections.save_search(
        "", "statins myalgia", {"year_from": 2010, "publication_types": ["Meta-Analysis"]}, ["102", "101"], reading.id
    )
    assert saved.name == "statins myalgia"
    assert saved.filters == {"publication_types": ["Meta-Analysis"], "year_from": 2010}
    assert saved.result_pmids == ["102", "101"]
    assert saved.library_state["articles"] == 3
    assert saved.library_state["last_ingest"]["source"] == "fixture.xml"
    assert saved.created_at.endswith("Z")
    assert collections.saved_searches(reading.id) == [saved]
    collections.delete(reading.id)
    assert collections.saved_search(saved.id).collection_id is None  # the search outlives its collection
    collections.delete_saved_search(saved.id)
    assert collections.saved_searches() == []


def test_parse_tags():
    assert parse_tags("a, B;b\n c ,") == ("a", "B", "c")


def test_articles_added_in_the_second_of_a_look_are_not_new(store):
    collections = Collections(store)
    added = store.conn.execute("SELECT added_at FROM articles WHERE pmid = '101'").fetchone()[0]
    assert collections.added_since(added[:19] + ".999999Z", ["101", "102"]) == []  # same second, later microsecond
    assert collections.added_since(added[:19] + ".000001Z", ["101"]) == []
    assert collections.added_since("2000-01-01T00:00:00.000000Z", ["101", "102"]) == ["101", "102"]
