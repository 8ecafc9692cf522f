"""Collections of articles and saved searches: what librarians curate on top of the library.

Both live in the library's SQLite file (migration 2), so they travel with the
library and are backed up with it. A collection keeps its PMIDs even when an
update file deletes the article, so nothing a librarian curated silently
disappears. A saved search keeps its provenance (query, filters, date, the
library's size and last import, the PMIDs it returned), so a search can be
reported and re-run later with the same inputs.

A collection has an owner and is private (its owner's alone) or shared (the team's).
``Collections`` acts for one ``Actor`` and enforces the rules ``Actor`` states: what
it cannot see does not exist for it, what it may not change raises ``CollectionError``,
and every change to a shared collection is written to the audit log, here rather than
by each page, so no page can forget it. Private collections stay out of the audit log.
A saved search has an owner too: it is seen with the collection it is attached to, and one
attached to none is its owner's alone; only its owner's look resets what is new in it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from retrieval.errors import UserError
from retrieval.guard import check
from retrieval.library.store import Store, utc_now
from retrieval.library.team import SHARED, SINGLE_USER, VISIBILITIES, Actor, Team

MAX_NAME_CHARS = 120
_PMID = re.compile(r"^\d{1,9}$")


class CollectionError(UserError):
    """A collection operation the user asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Annotation:
    """What a librarian added to an article in a collection; exported as a note and as keywords."""

    note: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Collection:
    id: int
    name: str
    description: str
    created_at: str
    updated_at: str
    size: int = 0
    owner: str = ""
    visibility: str = SHARED

    @property
    def shared(self) -> bool:
        return self.visibility == SHARED


@dataclass(frozen=True)
class CollectionItem:
    pmid: str
    note: str = ""
    tags: tuple[str, ...] = ()
    added_at: str = ""

    @property
    def annotation(self) -> Annotation:
        return Annotation(self.note, self.tags)


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str
    filters: dict = field(default_factory=dict)
    library_state: dict = field(default_factory=dict)
    result_pmids: list[str] = field(default_factory=list)
    collection_id: int | None = None
    created_at: str = ""
    kind: str = "library"  # "library": words and filters over this library; "pubmed": a PubMed query kept current
    last_run_at: str = ""
    last_seen_at: str = ""  # when its owner last looked at what is new
    owner: str = ""


def parse_tags(text: str | Iterable[str]) -> tuple[str, ...]:
    """Tags from ``"rct, adults; to read"`` or a list: trimmed, in order, without duplicates (case-insensitive)."""
    parts = re.split(r"[,;\n]", text) if isinstance(text, str) else list(text)
    seen: dict[str, str] = {}
    for part in parts:
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


def library_state(store: Store) -> dict:
    """What the library held when a search ran: its counts and its last finished import."""
    counts = store.counts()
    last = next((r for r in store.recent_runs(20) if r.get("finished_at")), None)
    return {
        "articles": counts["articles"],
        "with_abstract": counts["with_abstract"],
        "retracted": counts["retracted"],
        "last_ingest": None
        if last is None
        else {k: last[k] for k in ("id", "kind", "source", "finished_at", "status", "added", "updated", "deleted")},
    }


_WITH_SIZE = "SELECT c.*, (SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) AS size"
# A saved search with the owner and visibility of its collection, which say who sees it.
_SAVED = (
    "SELECT s.*, c.owner AS collection_owner, c.visibility AS collection_visibility"
    " FROM saved_searches s LEFT JOIN collections c ON c.id = s.collection_id"
)


class Collections:
    """Collections and saved searches of one library's store, as ``actor`` may see and change them.

    The default actor is the single user of a library without sign-in (the command line, imports,
    the app on 127.0.0.1): it sees and may change everything.
    """

    def __init__(self, store: Store, actor: Actor = SINGLE_USER):
        self.store = store
        self.actor = actor

    # --------------------------------------------------------------- collections
    def list_collections(self) -> list[Collection]:
        """The collections this actor sees: the shared ones and their own private ones, by name."""
        sql, args = _WITH_SIZE + " FROM collections c", ()
        if self.actor.on_team:
            sql, args = sql + " WHERE c.visibility = 'shared' OR c.owner = ?", (self.actor.who,)
        rows = self.store.conn.execute(sql + " ORDER BY c.name COLLATE NOCASE", args).fetchall()
        return [_collection(r) for r in rows]

    def changeable(self) -> list[Collection]:
        """The collections this actor may add articles to, change or delete (the pickers of Search and Article)."""
        return [c for c in self.list_collections() if self.may_change(c)]

    def may_change(self, collection: Collection) -> bool:
        return self.actor.may_change(collection.owner, collection.visibility)

    def may_share(self, collection: Collection) -> bool:
        return self.actor.may_share(collection.owner)

    def find(self, name_or_id: str | int) -> Collection | None:
        """The collection of that name or id, if this actor may see it."""
        found = self._any(name_or_id)
        return found if found and self.actor.sees(found.owner, found.visibility) else None

    def _any(self, name_or_id: str | int) -> Collection | None:
        """The collection of that name or id, whoever owns it (names are unique across the library)."""
        column = "id" if isinstance(name_or_id, int) else "name"
        row = self.store.conn.execute(
            _WITH_SIZE + f" FROM collections c WHERE c.{column} = ?" + (" COLLATE NOCASE" if column == "name" else ""),
            (name_or_id,),
        ).fetchone()
        return _collection(row) if row else None

    def get(self, name_or_id: str | int) -> Collection:
        found = self.find(name_or_id)
        if found is None:
            raise CollectionError(f"There is no collection {name_or_id!r}; pick one from the list or create it first.")
        return found

    def create(self, name: str, description: str = "", visibility: str | None = None) -> Collection:
        """A new collection owned by this actor: private on a team server unless a curator shares it."""
        visibility = visibility or self.actor.new_visibility
        if visibility not in VISIBILITIES:
            raise CollectionError(f"A collection is {' or '.join(VISIBILITIES)}, not {visibility!r}.")
        if visibility == SHARED and not self.actor.may_share(self.actor.who):
            raise CollectionError("Only curators can create shared collections; create a private one instead.")
        name = self._valid_name(name)
        now = utc_now()
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO collections (name, description, created_at, updated_at, owner, visibility)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, description.strip(), now, now, self.actor.who, visibility),
            )
        created = self.get(int(cur.lastrowid))
        self._audit(created, "change", "created")
        return created

    def rename(self, collection_id: int, new_name: str) -> Collection:
        current = self._changeable(collection_id)
        new_name = self._valid_name(new_name, allow=current.id)
        if new_name == current.name:
            return current
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE collections SET name = ?, updated_at = ? WHERE id = ?", (new_name, utc_now(), current.id)
            )
        self._audit(current, "change", f"renamed to {new_name}")
        return self.get(current.id)

    def describe(self, collection_id: int, description: str) -> Collection:
        current = self._changeable(collection_id)
        if description.strip() == current.description:
            return current
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE collections SET description = ?, updated_at = ? WHERE id = ?",
                (description.strip(), utc_now(), current.id),
            )
        self._audit(current, "change", "description")
        return self.get(current.id)

    def set_visibility(self, collection_id: int, visibility: str) -> Collection:
        """Share a private collection with the team, or take one's own back: a curator's choice, for their own."""
        current = self.get(collection_id)
        if visibility not in VISIBILITIES:
            raise CollectionError(f"A collection is {' or '.join(VISIBILITIES)}, not {visibility!r}.")
        if not self.actor.may_share(current.owner):
            raise CollectionError(f"Only a curator who owns {current.name!r} can make it {visibility}; ask a curator.")
        if visibility == current.visibility:
            return current
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE collections SET visibility = ?, updated_at = ? WHERE id = ?",
                (visibility, utc_now(), current.id),
            )
        changed = self.get(current.id)
        self._audit(changed if changed.shared else current, "change", f"now {visibility}")
        return changed

    def delete(self, collection_id: int) -> None:
        """Remove a collection and its items; its saved searches stay, detached from it."""
        current = self._changeable(collection_id)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM collections WHERE id = ?", (current.id,))
        self._audit(current, "delete")

    def _changeable(self, collection_id: int) -> Collection:
        """The collection, if this actor may change it; else why not, in one sentence."""
        current = self.get(collection_id)
        if not self.may_change(current):
            raise CollectionError(
                f"{current.name!r} is shared: only curators can change or delete it. "
                "Copy its PMIDs into a collection of your own to work on them."
            )
        return current

    def _audit(self, collection: Collection, action: str, what: str = "") -> None:
        """Write a change to a shared collection to the audit log (who, when, what)."""
        if collection.shared:
            subject = f"collection {collection.name}" + (f": {what}" if what else "")
            Team(self.store).record(self.actor.who, action, subject)

    def _valid_name(self, name: str, allow: int | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise CollectionError("A collection needs a name; type one and try again.")
        if len(name) > MAX_NAME_CHARS:
            raise CollectionError(f"Collection names are at most {MAX_NAME_CHARS} characters; shorten it.")
        existing = self._any(name)
        if existing is not None and existing.id != allow:
            if not self.actor.sees(existing.owner, existing.visibility):
                raise CollectionError("That name is taken by a collection you cannot see; choose another name.")
            raise CollectionError(f"A collection named {existing.name!r} already exists; choose another name.")
        return name

    # --------------------------------------------------------------------- items
    def add(self, collection_id: int, pmids: Iterable[str]) -> int:
        """Add PMIDs (already present ones are left as they are); return how many were new."""
        current = self._changeable(collection_id)
        wanted = list(dict.fromkeys(str(p).strip() for p in pmids))
        bad = [p for p in wanted if not _PMID.match(p)]
        if bad:
            raise CollectionError(f"{bad[0]!r} is not a PMID (PMIDs are numbers such as 31452104); nothing was added.")
        now = utc_now()
        with self.store.transaction() as conn:
            added = sum(
                conn.execute(
                    "INSERT OR IGNORE INTO collection_items (collection_id, pmid, added_at) VALUES (?, ?, ?)",
                    (current.id, pmid, now),
                ).rowcount
                for pmid in wanted
            )
            conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (now, current.id))
        if added:
            self._audit(current, "change", f"added {added} articles")
        return added

    def remove(self, collection_id: int, pmids: Iterable[str]) -> int:
        current = self._changeable(collection_id)
        with self.store.transaction() as conn:
            removed = sum(
                conn.execute(
                    "DELETE FROM collection_items WHERE collection_id = ? AND pmid = ?", (current.id, str(pmid))
                ).rowcount
                for pmid in pmids
            )
            conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (utc_now(), current.id))
        if removed:
            self._audit(current, "change", f"removed {removed} articles")
        return removed

    def items(self, collection_id: int) -> list[CollectionItem]:
        rows = self.store.conn.execute(
            "SELECT pmid, note, tags, added_at FROM collection_items WHERE collection_id = ? ORDER BY added_at, pmid",
            (collection_id,),
        ).fetchall()
        return [CollectionItem(r["pmid"], r["note"], tuple(json.loads(r["tags"])), r["added_at"]) for r in rows]

    def pmids(self, collection_id: int) -> list[str]:
        return [item.pmid for item in self.items(collection_id)]

    def annotate(
        self, collection_id: int, pmid: str, *, note: str | None = None, tags: str | Sequence[str] | None = None
    ) -> CollectionItem:
        """Set the note and/or tags of an article in a collection (``None`` leaves a field unchanged).

        Notes and tags are exported with the collection, so text with patient identifiers is refused.
        """
        current = self._changeable(collection_id)
        typed = "\n".join([note or "", tags if isinstance(tags, str) else " ".join(tags or [])])
        if typed.strip() and not (found := check(typed)).clean:
            raise CollectionError(
                f"Not saved: the note looks like it holds patient identifiers ({found.kinds()}); "
                "notes are exported with the collection, so remove them first."
            )
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT note, tags FROM collection_items WHERE collection_id = ? AND pmid = ?", (current.id, pmid)
            ).fetchone()
            if row is None:
                raise CollectionError(f"PMID {pmid} is not in {current.name!r}; add it before annotating it.")
            new_note = row["note"] if note is None else note.strip()
            new_tags = json.loads(row["tags"]) if tags is None else list(parse_tags(tags))
            conn.execute(
                "UPDATE collection_items SET note = ?, tags = ? WHERE collection_id = ? AND pmid = ?",
                (new_note, json.dumps(new_tags, ensure_ascii=False), current.id, pmid),
            )
        self._audit(current, "change", f"note and tags of PMID {pmid}")
        return next(i for i in self.items(current.id) if i.pmid == pmid)

    def containing(self, pmid: str) -> list[Collection]:
        """The collections an article is in that this actor sees (the Article page lists them)."""
        ids = [
            r[0] for r in self.store.conn.execute("SELECT collection_id FROM collection_items WHERE pmid = ?", (pmid,))
        ]
        found = (self.find(int(i)) for i in ids)
        return sorted((c for c in found if c is not None), key=lambda c: c.name.casefold())

    # ----------------------------------------------------------- saved searches
    def save_search(
        self,
        name: str,
        query: str,
        filters: dict,
        result_pmids: Sequence[str],
        collection_id: int | None = None,
    ) -> SavedSearch:
        """Record a search with its provenance; the library state is taken now, from the store."""
        name = " ".join(name.split()) or " ".join(query.split())[:MAX_NAME_CHARS]
        if not name:
            raise CollectionError("A saved search needs a query or a name; type one and try again.")
        found = check(f"{name}\n{query}")
        if not found.clean:  # a saved search is kept and exported: patient identifiers never are
            raise CollectionError(
                f"Not saved: the search looks like it holds patient identifiers ({found.kinds()}); "
                "remove them and save it again."
            )
        if collection_id is not None:
            self.get(collection_id)
        now = moment()
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO saved_searches (name, query, filters_json, library_state_json, result_pmids_json,"
                " collection_id, created_at, last_run_at, last_seen_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    query,
                    json.dumps(filters, ensure_ascii=False, sort_keys=True),
                    json.dumps(library_state(self.store), ensure_ascii=False, sort_keys=True),
                    json.dumps(list(result_pmids)),
                    collection_id,
                    utc_now(),
                    now,
                    now,  # saving is looking: what it finds today is not news
                    self.actor.who,
                ),
            )
        return self.saved_search(int(cur.lastrowid))

    def _seen_searches(self, where: str = "", args: tuple = ()) -> list[SavedSearch]:
        """The saved searches matching ``where`` that this actor sees, newest first: the one place that filters them."""
        sql = _SAVED + (f" WHERE {where}" if where else "") + " ORDER BY s.id DESC"
        rows = self.store.conn.execute(sql, args)
        return [_saved(r) for r in rows if self.actor.sees_saved_search(r["owner"], _attached_to(r))]

    def saved_search(self, search_id: int) -> SavedSearch:
        found = self._seen_searches("s.id = ?", (search_id,))
        if not found:
            raise CollectionError(f"There is no saved search number {search_id}; it may have been deleted.")
        return found[0]

    def saved_searches(self, collection_id: int | None = None) -> list[SavedSearch]:
        """Every saved search this actor sees, newest first, or those attached to one collection."""
        if collection_id is None:
            return self._seen_searches()
        return self._seen_searches("s.collection_id = ?", (collection_id,))

    def unattached_saved_searches(self) -> list[SavedSearch]:
        """The saved searches attached to no collection (or to one since deleted) this actor sees, newest first."""
        return self._seen_searches("s.collection_id IS NULL")

    def owns(self, saved: SavedSearch) -> bool:
        """Whether the saved search is this actor's, so their look is the one that counts for what is new."""
        return self.actor.owns(saved.owner)

    # ------------------------------------------------------- living saved searches
    def save_pubmed_query(self, name: str, query: str, pmids: Sequence[str] = ()) -> SavedSearch:
        """Keep a PubMed query current: ``python -m ingest update`` re-runs it; ``pmids`` is what it finds today."""
        saved = self.save_search(name, query, {}, list(pmids))
        now = moment()
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE saved_searches SET kind = 'pubmed', last_run_at = ?, last_seen_at = ? WHERE id = ?",
                (now, now, saved.id),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO saved_search_hits (search_id, pmid, found_at) VALUES (?, ?, '')",
                [(saved.id, p) for p in pmids],
            )
        return self.saved_search(saved.id)

    def find_pubmed_query(self, query: str) -> SavedSearch | None:
        """The first saved PubMed query with this text this actor sees (one they cannot see does not stop a new one)."""
        found = self._seen_searches("s.kind = 'pubmed' AND s.query = ?", (query,))
        return found[-1] if found else None

    def pubmed_queries(self) -> list[SavedSearch]:
        """The saved PubMed queries this actor sees; the single user (``ingest update``) sees every one."""
        return self._seen_searches("s.kind = 'pubmed'")

    def record_run(self, search_id: int, pmids: Sequence[str]) -> list[str]:
        """Note a run of a saved search that found ``pmids``; return those it had not found before."""
        now = moment()
        with self.store.transaction() as conn:
            first = conn.execute("SELECT last_run_at FROM saved_searches WHERE id = ?", (search_id,)).fetchone()
            if first is None:
                raise CollectionError(f"There is no saved search number {search_id}; it may have been deleted.")
            had = {r[0] for r in conn.execute("SELECT pmid FROM saved_search_hits WHERE search_id = ?", (search_id,))}
            new = [p for p in dict.fromkeys(pmids) if p not in had]
            found_at = now if first[0] else ""  # a first run sets the baseline: nothing in it is news
            conn.executemany(
                "INSERT INTO saved_search_hits (search_id, pmid, found_at) VALUES (?, ?, ?)",
                [(search_id, p, found_at) for p in new],
            )
            conn.execute("UPDATE saved_searches SET last_run_at = ? WHERE id = ?", (now, search_id))
        return new if first[0] else []

    def new_since_seen(self, search_id: int) -> list[str]:
        """PMIDs a saved PubMed query found after its owner last looked, newest first."""
        rows = self.store.conn.execute(
            "SELECT h.pmid FROM saved_search_hits h JOIN saved_searches s ON s.id = h.search_id"
            " WHERE h.search_id = ? AND h.found_at != '' AND h.found_at > s.last_seen_at"
            " ORDER BY h.found_at DESC, h.pmid",
            (search_id,),
        )
        return [r[0] for r in rows]

    def added_since(self, since: str, pmids: Sequence[str]) -> list[str]:
        """Of ``pmids`` (a library search's results), those whose article came into the library after ``since``.

        Articles carry the second they came in (``added_at``), a look the microsecond (``moment``): compared as
        text, "12:00:16Z" sorts after "12:00:16.5Z", so an article added in the second of a look would count as
        new. The look is read to its second: what came in during that second is not new."""
        if not pmids:
            return []
        since = since[:19] + "Z" if len(since) > 20 else since
        marks = ",".join("?" * len(pmids))
        rows = self.store.conn.execute(
            f"SELECT pmid FROM articles WHERE added_at > ? AND pmid IN ({marks})", (since, *pmids)
        )
        found = {r[0] for r in rows}
        return [p for p in pmids if p in found]

    def mark_seen(self, search_id: int) -> None:
        """Its owner has looked: what is new is counted from now on. One last look per search, so only its owner's."""
        saved = self.saved_search(search_id)
        if not self.owns(saved):
            raise CollectionError(f"{saved.name!r} is {saved.owner}'s saved search: only its owner can mark it seen.")
        with self.store.transaction() as conn:
            conn.execute("UPDATE saved_searches SET last_seen_at = ? WHERE id = ?", (moment(), search_id))

    def delete_saved_search(self, search_id: int) -> None:
        """Delete a saved search this actor sees (one it cannot see does not exist for it)."""
        saved = self.saved_search(search_id)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved.id,))


def moment() -> str:
    """Now, to the microsecond: a run and a look in the same second must still come in order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _collection(row: sqlite3.Row) -> Collection:
    return Collection(
        row["id"],
        row["name"],
        row["description"],
        row["created_at"],
        row["updated_at"],
        row["size"],
        row["owner"],
        row["visibility"],
    )


def _attached_to(row: sqlite3.Row) -> tuple[str, str] | None:
    """The owner and visibility of the collection a saved search row is attached to, if it still exists."""
    return (row["collection_owner"], row["collection_visibility"]) if row["collection_visibility"] else None


def _saved(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(
        id=row["id"],
        name=row["name"],
        query=row["query"],
        filters=json.loads(row["filters_json"]),
        library_state=json.loads(row["library_state_json"]),
        result_pmids=json.loads(row["result_pmids_json"]),
        collection_id=row["collection_id"],
        created_at=row["created_at"],
        kind=row["kind"],
        last_run_at=row["last_run_at"],
        last_seen_at=row["last_seen_at"],
        owner=row["owner"],
    )
