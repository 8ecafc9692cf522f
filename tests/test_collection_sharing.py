"""Private and shared collections: who sees, changes, shares and deletes which, and what the audit log keeps."""

from __future__ import annotations

import sqlite3

import pytest

from retrieval.library.collections import CollectionError, Collections
from retrieval.library.migrations import MIGRATIONS, migrate
from retrieval.library.records import Article
from retrieval.library.store import Store
from retrieval.library.team import LOCAL_USER, PRIVATE, SHARED, Actor, Team

RITA = Actor("rita@example.org", "reader", on_team=True)
RAY = Actor("ray@example.org", "reader", on_team=True)
CARL = Actor("carl@example.org", "curator", on_team=True)
ADA = Actor("ada@example.org", "admin", on_team=True)


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "library.sqlite")
    articles = [Article(pmid=str(p), title=f"Article {p}", year=2020) for p in (101, 102, 103)]
    store.upsert_articles(articles, "fixture", lambda a: [a.title])
    return store


def audit_subjects(store: Store) -> list[str]:
    return [f"{e.who} {e.action} {e.subject}" for e in reversed(Team(store).audit())]


def older_store(tmp_path, migrations: int, row_sql: str) -> Store:
    """A library file as a MedLit with only the first ``migrations`` migrations left it, holding one row, opened now."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:migrations]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {migrations}")
    conn.execute(row_sql)
    conn.close()
    return Store(path)


def test_a_library_made_before_sharing_keeps_its_collections_shared_and_the_single_user_owns_them(tmp_path):
    # the schema of the MedLit before owners and visibility
    store = older_store(
        tmp_path, 4, "INSERT INTO collections (name, created_at, updated_at) VALUES ('Sepsis', 'then', 'then')"
    )
    [sepsis] = Collections(store).list_collections()
    assert (sepsis.owner, sepsis.visibility) == (LOCAL_USER, SHARED)
    assert [c.name for c in Collections(store, RITA).list_collections()] == ["Sepsis"]  # the team sees it
    with pytest.raises(CollectionError, match="only curators"):
        Collections(store, RITA).add(sepsis.id, ["101"])
    assert migrate(store.conn) == len(MIGRATIONS)


def test_without_sign_in_everything_is_shared_and_anything_may_be_changed(store):
    single = Collections(store)
    mine = single.create("Asthma")
    assert (mine.owner, mine.visibility) == (LOCAL_USER, SHARED)
    Collections(store, RITA).create("Rita's reading")
    assert [c.name for c in single.list_collections()] == ["Asthma", "Rita's reading"]  # one person: sees all
    assert single.add(mine.id, ["101"]) == 1 and single.rename(mine.id, "Asthma 2025").name == "Asthma 2025"
    single.delete(mine.id)
    assert single.find("Asthma 2025") is None


def test_a_reader_keeps_private_collections_that_no_one_else_sees(store):
    rita, ray = Collections(store, RITA), Collections(store, RAY)
    own = rita.create("Migraine", "for my clinic")
    assert (own.owner, own.visibility) == (RITA.who, PRIVATE)
    with pytest.raises(CollectionError, match="Only curators can create shared"):
        rita.create("For everyone", visibility=SHARED)
    assert rita.add(own.id, ["101", "102"]) == 2
    assert rita.annotate(own.id, "101", note="read first").note == "read first"
    assert [c.name for c in rita.list_collections()] == ["Migraine"]
    assert ray.list_collections() == [] and ray.find("Migraine") is None and ray.find(own.id) is None
    assert ray.containing("101") == [] and [c.name for c in rita.containing("101")] == ["Migraine"]
    with pytest.raises(CollectionError, match="no collection"):
        ray.add(own.id, ["103"])
    with pytest.raises(CollectionError, match="no collection"):
        ray.delete(own.id)
    with pytest.raises(CollectionError, match="cannot see"):  # the name is taken, without saying by what
        ray.create("migraine")
    with pytest.raises(CollectionError, match="Only a curator"):
        rita.set_visibility(own.id, SHARED)
    rita.delete(own.id)  # an owner may delete their own private collection
    assert rita.list_collections() == []
    assert audit_subjects(store) == []  # private work is nobody's business


def test_a_reader_sees_shared_collections_but_cannot_change_or_delete_them(store):
    shared = Collections(store, CARL).create("Sepsis guideline", visibility=SHARED)
    Collections(store, CARL).add(shared.id, ["101"])
    rita = Collections(store, RITA)
    assert [c.name for c in rita.list_collections()] == ["Sepsis guideline"]
    assert rita.changeable() == [] and not rita.may_change(shared)
    assert rita.pmids(shared.id) == ["101"]  # reading it is fine
    for change in (
        lambda: rita.add(shared.id, ["102"]),
        lambda: rita.remove(shared.id, ["101"]),
        lambda: rita.rename(shared.id, "Mine now"),
        lambda: rita.describe(shared.id, "changed"),
        lambda: rita.annotate(shared.id, "101", note="mine"),
        lambda: rita.delete(shared.id),
        lambda: rita.set_visibility(shared.id, PRIVATE),
    ):
        with pytest.raises(CollectionError, match=r"only curators|Only a curator"):
            change()
    assert rita.get(shared.id) == Collections(store).get(shared.id)  # nothing changed


def test_curators_share_their_own_change_shared_ones_and_the_audit_log_says_so(store):
    carl, ada = Collections(store, CARL), Collections(store, ADA)
    draft = carl.create("Stroke drafts")
    assert draft.visibility == PRIVATE and ada.find("Stroke drafts") is None
    carl.add(draft.id, ["101"])
    assert carl.set_visibility(draft.id, SHARED).shared
    stroke = ada.get("Stroke drafts")
    assert ada.may_change(stroke) and not ada.may_share(stroke)  # an admin changes it, its owner decides who sees it
    with pytest.raises(CollectionError, match="Only a curator who owns"):
        ada.set_visibility(stroke.id, PRIVATE)
    ada.add(stroke.id, ["102"])
    ada.rename(stroke.id, "Stroke")
    carl.delete(stroke.id)
    assert audit_subjects(store) == [
        "carl@example.org change collection Stroke drafts: now shared",
        "ada@example.org change collection Stroke drafts: added 1 articles",
        "ada@example.org change collection Stroke drafts: renamed to Stroke",
        "carl@example.org delete collection Stroke",
    ]


@pytest.mark.parametrize(
    ("actor", "owner", "visibility", "sees", "changes", "shares"),
    [
        (RITA, RITA.who, PRIVATE, True, True, False),
        (RITA, RAY.who, PRIVATE, False, False, False),
        (RITA, CARL.who, SHARED, True, False, False),
        (RITA, RITA.who, SHARED, True, False, False),  # shared once by a curator: a reader no longer changes it
        (CARL, CARL.who, PRIVATE, True, True, True),
        (CARL, RITA.who, PRIVATE, False, False, False),
        (CARL, LOCAL_USER, SHARED, True, True, False),
        (ADA, RITA.who, PRIVATE, False, False, False),  # private even from admins
        (Actor(), RITA.who, PRIVATE, True, True, True),  # the single user of a library without sign-in
    ],
)
def test_the_rules(actor: Actor, owner: str, visibility: str, sees: bool, changes: bool, shares: bool):
    assert actor.sees(owner, visibility) is sees
    assert actor.may_change(owner, visibility) is changes
    assert actor.may_share(owner) is shares


def test_saved_searches_made_before_owners_belong_to_the_single_user(tmp_path):
    # the schema of the MedLit before saved searches had owners
    store = older_store(
        tmp_path, 5, "INSERT INTO saved_searches (name, query, created_at) VALUES ('Old', 'asthma', 'then')"
    )
    [old] = Collections(store).saved_searches()
    assert old.owner == LOCAL_USER
    assert Collections(store, RITA).saved_searches() == []  # unattached: its owner's alone on a team server


def test_an_unattached_saved_search_is_its_owners_and_one_in_a_shared_collection_is_the_teams(store):
    rita, ray, carl = Collections(store, RITA), Collections(store, RAY), Collections(store, CARL)
    own = rita.save_search("Asthma mine", "asthma", {}, ["101"])
    watch = rita.save_pubmed_query("Inhaler watch", "asthma inhaler", ["102"])
    team_list = carl.create("Ward reading", visibility=SHARED)
    for_team = carl.save_search("Ward asthma", "asthma", {}, ["101"], collection_id=team_list.id)
    private_list = rita.create("Rita's list")
    in_private = rita.save_search("Listed asthma", "asthma", {}, [], collection_id=private_list.id)

    assert own.owner == RITA.who and for_team.owner == CARL.who
    assert [s.name for s in rita.saved_searches()] == ["Listed asthma", "Ward asthma", "Inhaler watch", "Asthma mine"]
    assert [s.name for s in ray.saved_searches()] == ["Ward asthma"]
    assert [s.name for s in ray.saved_searches(team_list.id)] == ["Ward asthma"]
    assert ray.unattached_saved_searches() == [] and ray.pubmed_queries() == []
    assert ray.find_pubmed_query("asthma inhaler") is None and rita.find_pubmed_query("asthma inhaler") == watch
    for hidden in (own.id, watch.id, in_private.id):
        with pytest.raises(CollectionError, match="no saved search"):
            ray.saved_search(hidden)
        with pytest.raises(CollectionError, match="no saved search"):
            ray.delete_saved_search(hidden)
    assert [s.name for s in Collections(store).pubmed_queries()] == ["Inhaler watch"]  # `ingest update` runs all

    with pytest.raises(CollectionError, match="only its owner"):  # the last look is the owner's
        rita.mark_seen(for_team.id)
    assert rita.saved_search(for_team.id).last_seen_at == for_team.last_seen_at
    carl.mark_seen(for_team.id)
    assert carl.saved_search(for_team.id).last_seen_at > for_team.last_seen_at


@pytest.mark.parametrize(
    ("actor", "owner", "collection", "sees"),
    [
        (RITA, RITA.who, None, True),
        (RAY, RITA.who, None, False),
        (ADA, RITA.who, None, False),
        (RAY, RITA.who, (CARL.who, SHARED), True),
        (RAY, RITA.who, (RITA.who, PRIVATE), False),
        (RITA, CARL.who, (RITA.who, PRIVATE), True),
        (Actor(), RITA.who, None, True),  # the single user of a library without sign-in sees every one
    ],
)
def test_who_sees_a_saved_search(actor: Actor, owner: str, collection: tuple[str, str] | None, sees: bool):
    assert actor.sees_saved_search(owner, collection) is sees
