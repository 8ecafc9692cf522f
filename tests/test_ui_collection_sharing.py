"""On a team server the Collections page shows a reader their own and the shared collections, never someone
else's private ones, and offers no way to change a shared one; a curator chooses who sees a collection."""

from __future__ import annotations

import pytest
from ui_support import app_test, shared_ui_library, texts

from retrieval.library.collections import Collections
from retrieval.library.team import PRIVATE, SHARED, Actor, Team

COLLECTIONS = "pages/collections.py"
RITA = {"email": "rita.sharing@example.org", "name": "Rita Reader"}
CARL = {"email": "carl.sharing@example.org", "name": "Carl Curator"}


@pytest.fixture(scope="session")
def ui_library(library_factory):
    return shared_ui_library(library_factory)


@pytest.fixture(scope="module")
def team_collections(ui_library) -> dict[str, int]:
    """Ray's private reading list and a shared list a curator keeps, with his saved searches, made as they would."""
    store = ui_library.store
    Team(store).set_role(CARL["email"], "curator", by="admin@example.org")
    ray = Collections(store, Actor("ray.sharing@example.org", "reader", on_team=True))
    carl = Collections(store, Actor(CARL["email"], "curator", on_team=True))
    private = ray.create("Ray's private reading")
    ray.add(private.id, ["92000001"])
    shared = carl.create("Team sepsis list", visibility=SHARED)
    carl.add(shared.id, ["92000002"])
    carl.save_search("Team hand washing search", "hand washing", {}, ["92000003"], collection_id=shared.id)
    carl.save_search("Curator's own search", "hand hygiene", {}, ["92000003"])  # attached to none: his alone
    return {"private": private.id, "shared": shared.id}


def options(at) -> list[str]:
    return list(at.selectbox(key="coll_selected").options)


def test_a_reader_does_not_see_private_collections_of_others_and_cannot_change_shared_ones(
    ui_library, team_collections, monkeypatch
):
    at = app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS, user=RITA)
    assert "Team sepsis list (1 article) · shared" in options(at)
    assert not [o for o in options(at) if "Ray's private" in o]
    assert "New collections are private" in texts(at)
    assert not at.radio  # no choice of who sees a new collection: a reader's are private

    at.selectbox(key="coll_selected").set_value(team_collections["shared"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Only curators can change it" in texts(at)
    assert "Only curators can add to a shared collection." in texts(at)
    assert "Only curators can rename or delete a shared collection." in texts(at)
    labels = {b.label for b in at.button}
    assert not labels & {"Save notes and tags", "Delete collection", "Add to collection", "Save name and description"}
    assert "RIS (Zotero, EndNote)" in {b.label for b in at.download_button}  # reading and exporting stay open
    assert "Team hand washing search" in texts(at) and "Delete" not in labels  # nor the team's saved searches
    assert "Curator's own search" not in texts(at)

    at.text_input(key="create_name").set_value("Rita's migraine reading")
    next(b for b in at.button if b.label == "Create").click().run()
    mine = Collections(ui_library.store).get("Rita's migraine reading")
    assert (mine.owner, mine.visibility) == (RITA["email"], PRIVATE)
    assert "Rita's migraine reading (0 articles) · private" in options(at)
    assert "Private: only you see it." in texts(at)
    ray = Collections(ui_library.store, Actor("ray.sharing@example.org", "reader", on_team=True))
    assert ray.find("Rita's migraine reading") is None


def test_a_curator_shares_a_collection_of_their_own_and_the_audit_log_records_it(
    ui_library, team_collections, monkeypatch
):
    at = app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS, user=CARL)
    assert not [o for o in options(at) if "Ray's private" in o]  # private even from curators
    at.text_input(key="create_name").set_value("Carl's stroke drafts")
    next(b for b in at.button if b.label == "Create").click().run()
    drafts = Collections(ui_library.store).get("Carl's stroke drafts")
    assert "Delete" in {b.label for b in at.button}  # a curator deletes the team's saved searches
    assert drafts.visibility == PRIVATE  # the default, even for a curator

    at.radio(key=f"visibility_{drafts.id}").set_value(SHARED)
    next(b for b in at.button if b.label == "Save who sees it").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert Collections(ui_library.store).get(drafts.id).visibility == SHARED
    latest = Team(ui_library.store).audit(1)[0]
    assert (latest.who, latest.action, latest.subject) == (
        CARL["email"],
        "change",
        "collection Carl's stroke drafts: now shared",
    )
    assert "Carl's stroke drafts (0 articles) · shared" in options(at)
