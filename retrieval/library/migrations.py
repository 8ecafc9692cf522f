"""Versioned schema of the SQLite library.

``PRAGMA user_version`` holds the number of migrations applied; each entry of
``MIGRATIONS`` runs once, in order, inside one transaction, so a library made by
an older MedLit is upgraded in place and never half-upgraded.
"""

from __future__ import annotations

import sqlite3

from retrieval.errors import UserError

ARTICLES = """
CREATE TABLE articles (
    pmid TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    abstract TEXT NOT NULL DEFAULT '',
    year INTEGER,
    journal TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    has_abstract INTEGER NOT NULL DEFAULT 0,
    is_retracted INTEGER NOT NULL DEFAULT 0,
    date_revised TEXT NOT NULL DEFAULT '',
    record_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_year ON articles(year);
CREATE INDEX articles_journal ON articles(journal);

CREATE TABLE article_types (
    pmid TEXT NOT NULL REFERENCES articles(pmid) ON DELETE CASCADE,
    pub_type TEXT NOT NULL,
    PRIMARY KEY (pmid, pub_type)
) WITHOUT ROWID;
CREATE INDEX article_types_type ON article_types(pub_type);

CREATE TABLE article_mesh (
    pmid TEXT NOT NULL REFERENCES articles(pmid) ON DELETE CASCADE,
    descriptor TEXT NOT NULL,
    major INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pmid, descriptor)
) WITHOUT ROWID;
CREATE INDEX article_mesh_descriptor ON article_mesh(descriptor COLLATE NOCASE);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, abstract, content='articles', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, abstract)
    VALUES ('delete', old.rowid, old.title, old.abstract);
END;
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, abstract)
    VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO articles_fts(rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
END;

-- chunk_id is the FAISS id. AUTOINCREMENT: an id is never reused, so a stale
-- vector in the index can never point at a different chunk.
CREATE TABLE chunks (
    chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,
    pmid TEXT NOT NULL REFERENCES articles(pmid) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BLOB
);
CREATE INDEX chunks_pmid ON chunks(pmid);
CREATE INDEX chunks_pending ON chunks(chunk_id) WHERE vector IS NULL;

CREATE TABLE deletions (
    pmid TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    deleted_at TEXT NOT NULL
);

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT ''
);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

COLLECTIONS = """
CREATE TABLE collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- pmid is deliberately not a foreign key: a citation a librarian curated stays
-- in the collection even if an update file deletes it from the library.
CREATE TABLE collection_items (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    pmid TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, pmid)
) WITHOUT ROWID;
CREATE INDEX collection_items_pmid ON collection_items(pmid);

CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    filters_json TEXT NOT NULL DEFAULT '{}',
    library_state_json TEXT NOT NULL DEFAULT '{}',
    result_pmids_json TEXT NOT NULL DEFAULT '[]',
    collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
"""

# Chemicals and diseases found in each article (retrieval.library.entities). Offsets count characters
# of the article's title (section 'title') or abstract (section 'abstract'). entity_status says an
# article was read, by which model, even when nothing was found in it; editing an article's title or
# abstract clears all three, so the next ingest reads it again.
ENTITIES = """
CREATE TABLE entities (
    pmid TEXT NOT NULL REFERENCES articles(pmid) ON DELETE CASCADE,
    section TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    concept TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (pmid, section, start, end)
) WITHOUT ROWID;
CREATE INDEX entities_concept ON entities(concept, pmid);

CREATE TABLE entity_relations (
    pmid TEXT NOT NULL REFERENCES articles(pmid) ON DELETE CASCADE,
    chemical TEXT NOT NULL,
    disease TEXT NOT NULL,
    PRIMARY KEY (pmid, chemical, disease)
) WITHOUT ROWID;
CREATE INDEX entity_relations_chemical ON entity_relations(chemical);

CREATE TABLE entity_status (
    pmid TEXT PRIMARY KEY REFERENCES articles(pmid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    extracted_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER articles_entities_au AFTER UPDATE OF title, abstract ON articles BEGIN
    DELETE FROM entities WHERE pmid = new.pmid;
    DELETE FROM entity_relations WHERE pmid = new.pmid;
    DELETE FROM entity_status WHERE pmid = new.pmid;
END;
"""

# Living saved searches and a team server: a saved PubMed query is re-run by `python -m ingest update`; every saved
# search remembers when it last ran and when its owner last looked, and which PMIDs it found when.
LIVING_SEARCHES = """
ALTER TABLE saved_searches ADD COLUMN kind TEXT NOT NULL DEFAULT 'library';
ALTER TABLE saved_searches ADD COLUMN last_run_at TEXT NOT NULL DEFAULT '';
ALTER TABLE saved_searches ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE saved_searches SET last_seen_at = created_at, last_run_at = created_at;

-- found_at is '' for what the search found on its first run (nothing new), else the run's time.
CREATE TABLE saved_search_hits (
    search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    pmid TEXT NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (search_id, pmid)
) WITHOUT ROWID;
CREATE INDEX saved_search_hits_found ON saved_search_hits(search_id, found_at);

-- A team server: who may do what (admins named in MEDLIT_ADMIN_EMAILS need no row), and who did what.
CREATE TABLE members (
    email TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('reader', 'curator', 'admin')),
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT ''
);
"""

# Private and shared collections (retrieval.library.team.Actor has the rules). Collections made before
# belong to the single user of a library without sign-in, and everyone saw them: they stay shared.
COLLECTION_OWNERS = """
ALTER TABLE collections ADD COLUMN owner TEXT NOT NULL DEFAULT 'local user';
ALTER TABLE collections ADD COLUMN visibility TEXT NOT NULL DEFAULT 'shared'
    CHECK (visibility IN ('private', 'shared'));
CREATE INDEX collections_owner ON collections(owner, visibility);
"""

# Saved searches get an owner, whose last look is the one "what's new" counts from; who sees one follows the
# collection it is attached to (retrieval.library.team.Actor.sees_saved_search). Those saved before belong,
# like the collections of migration 5, to the single user of a library without sign-in.
SAVED_SEARCH_OWNERS = """
ALTER TABLE saved_searches ADD COLUMN owner TEXT NOT NULL DEFAULT 'local user';
CREATE INDEX saved_searches_owner ON saved_searches(owner);
"""

# A keyword index outside the database (tantivy, retrieval.library.keyword) is kept in step by reading what
# changed since its last sync: the articles written and the deletions made from a time on, found by index.
KEYWORD_SYNC = """
CREATE INDEX articles_updated ON articles(updated_at);
CREATE INDEX deletions_deleted ON deletions(deleted_at);
"""

# Vectors kept once at scale (retrieval.library.vector_shards): a large library's chunk vectors lie in float16
# shard files beside the store, each chunk pointing at its row; ``vector`` stays the float32 BLOB of a small
# library. A chunk with neither is pending, and the partial index that finds pending chunks says so.
VECTOR_SHARDS = """
ALTER TABLE chunks ADD COLUMN shard INTEGER;
ALTER TABLE chunks ADD COLUMN shard_row INTEGER;
DROP INDEX chunks_pending;
CREATE INDEX chunks_pending ON chunks(chunk_id) WHERE vector IS NULL AND shard IS NULL;
CREATE TABLE vector_shards (
    shard INTEGER PRIMARY KEY,
    rows INTEGER NOT NULL,
    dim INTEGER NOT NULL
);
"""

# Compaction of vector shards (retrieval.library.vector_shards): a compacted shard's live rows move to the file
# of its next generation. ``live`` counts the chunks pointing at a shard, kept by triggers as chunks are deleted
# or given a vector elsewhere, so the dead share of every shard is known without reading the chunks; the
# partial index finds one shard's live rows in row order.
SHARD_COMPACTION = """
ALTER TABLE vector_shards ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vector_shards ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
CREATE INDEX chunks_shard ON chunks(shard, shard_row) WHERE shard IS NOT NULL;
UPDATE vector_shards SET live = (SELECT count(*) FROM chunks WHERE chunks.shard = vector_shards.shard);
CREATE TRIGGER chunks_shard_gone AFTER DELETE ON chunks WHEN OLD.shard IS NOT NULL BEGIN
    UPDATE vector_shards SET live = live - 1 WHERE shard = OLD.shard;
END;
CREATE TRIGGER chunks_shard_moved AFTER UPDATE OF shard ON chunks WHEN OLD.shard IS NOT NEW.shard BEGIN
    UPDATE vector_shards SET live = live - 1 WHERE shard = OLD.shard;
    UPDATE vector_shards SET live = live + 1 WHERE shard = NEW.shard;
END;
"""

MIGRATIONS: list[str] = [
    ARTICLES,
    COLLECTIONS,
    ENTITIES,
    LIVING_SEARCHES,
    COLLECTION_OWNERS,
    SAVED_SEARCH_OWNERS,
    KEYWORD_SYNC,
    VECTOR_SHARDS,
    SHARD_COMPACTION,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; return the schema version now in force."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise UserError(
            f"This library was written by a newer MedLit (schema {version}, this one knows {len(MIGRATIONS)})."
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole (``executescript`` would commit)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]
