"""SQLite store of articles, their chunks and vectors, and ingest provenance.

SQLite is the library's source of truth. Vectors are kept beside their chunks
(float32 BLOBs in a small library, float16 shard files beside the database in a
large one, see ``retrieval.library.vector_shards``), so the FAISS index is a
derived file that can always be rebuilt or repaired from here without
re-embedding. Every write is one transaction: a crash leaves the last committed
state, never a half-written record.

This module owns every SQL statement of the library but the schema
(``migrations``) and the curated collections (``collections``): search legs,
filters and facets ask the store, so a query plan is read and changed in one place.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.errors import UserError
from retrieval.library.filters import SearchFilters
from retrieval.library.migrations import migrate
from retrieval.library.records import Article, json_hash
from retrieval.library.vector_shards import DTYPE, SHARD_FOLDER, SHARD_ROWS, DamagedShardError, ShardFiles

Chunker = Callable[[Article], list[str]]
ID_BATCH = 500  # ids bound in one ``IN (...)``: well under SQLite's limit on bound parameters
DEFERRED_META = "fts5_deferred_triggers"  # the FTS5 triggers' SQL while a bulk load runs without them
# Where new vectors go: BLOBs (absent: every library began so), shards while the BLOBs move there, shards.
STORAGE_META = "vector_storage"
BLOBS, MOVING, SHARDS = "blobs", "moving", "shards"
EMBEDDED = "(vector IS NOT NULL OR shard IS NOT NULL)"  # a chunk with a vector, in either place
MISPLACED = (  # a chunk (alias c) that points at no committed shard row
    "c.shard IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM vector_shards v WHERE v.shard = c.shard AND c.shard_row < v.rows)"
)
MOVE_BLOCK = 20_000  # BLOB vectors moved to shards in one transaction (30 MB of float32)
COMPACTION_META = "vector_compaction"  # what the last compaction that rewrote anything did, and when
READ_TRIES = 3  # reads of vectors begun again when a compaction removed the file their snapshot named


class UnknownCollectionError(UserError):
    """A filter names a collection the library does not have."""


@dataclass(frozen=True)
class FilterClause:
    """A boolean SQL expression over ``articles a`` and its bound parameters (user values never enter the SQL)."""

    sql: str
    params: tuple = ()


def batches(ids: Sequence, size: int = ID_BATCH) -> Iterator[list]:
    """``ids`` in lists of at most ``size``, for ``IN (...)`` queries."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class UpsertResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: int
    pmid: str
    ord: int
    text: str


@dataclass
class ArticleEntities:
    """What entity extraction found in one article, ready to store."""

    pmid: str
    entities: list[tuple[str, int, int, str, str, str, str]]  # section, start, end, type, text, concept, name
    relations: list[tuple[str, str]]  # (chemical concept, disease concept)


@dataclass(frozen=True)
class ShardState:
    """What the store committed to one vector shard, and how many of those rows its file still holds."""

    shard: int
    rows: int
    dim: int
    intact: int
    generation: int = 0
    live: int = 0  # rows some chunk points at; the rest belong to replaced or deleted chunks

    @property
    def damaged(self) -> bool:
        return self.intact < self.rows

    @property
    def dead(self) -> int:
        return self.rows - self.live


@dataclass(frozen=True)
class Compaction:
    """What one compaction did: shards rewritten with their live rows only, rows and bytes given back."""

    shards: int = 0
    rows: int = 0
    bytes: int = 0
    stray_bytes: int = 0  # files left by a compaction or a first write that was stopped, removed


@dataclass(frozen=True)
class EntityRow:
    section: str
    start: int
    end: int
    type: str
    text: str
    concept: str
    name: str


@dataclass(frozen=True)
class Facet:
    concept: str
    name: str
    type: str
    count: int


class Store:
    """Thread-safe access to one library database (one connection per thread)."""

    def __init__(self, path: Path, shards_from: int | None = None):
        """``shards_from``: from this many chunks on, vectors go to float16 shards (None: wherever they are now)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.shards_from = shards_from
        self.shards = ShardFiles(self.path.parent / SHARD_FOLDER)
        self._local = threading.local()
        migrate(self.conn)
        self._finish_deferred_keyword_index()  # a bulk load that died left FTS5 behind its records

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # ------------------------------------------------------------------ articles
    def upsert_articles(self, articles: Sequence[Article], source: str, chunker: Chunker) -> UpsertResult:
        """Insert new and changed articles (with fresh, not yet embedded chunks) in one transaction.

        An identical record is skipped; an older revision of a stored record
        (earlier ``date_revised``) never replaces the newer one.
        """
        result = UpsertResult()
        now = utc_now()
        with self.transaction() as conn:
            for article in articles:
                record_json = article.to_json()
                digest = json_hash(record_json)
                row = conn.execute(
                    "SELECT content_hash, date_revised FROM articles WHERE pmid = ?", (article.pmid,)
                ).fetchone()
                if row is not None and (
                    row["content_hash"] == digest
                    or (article.date_revised and row["date_revised"] > article.date_revised)
                ):
                    result.skipped.append(article.pmid)
                    continue
                values = (
                    article.title,
                    article.abstract_text,
                    article.year,
                    article.journal,
                    article.language,
                    int(article.has_abstract),
                    int(article.is_retracted),
                    article.date_revised,
                    record_json,
                    digest,
                    source,
                )
                if row is None:
                    conn.execute(
                        "INSERT INTO articles (title, abstract, year, journal, language, has_abstract, is_retracted,"
                        " date_revised, record_json, content_hash, source, pmid, added_at, updated_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (*values, article.pmid, now, now),
                    )
                    conn.execute("DELETE FROM deletions WHERE pmid = ?", (article.pmid,))
                    result.added.append(article.pmid)
                else:
                    conn.execute(
                        "UPDATE articles SET title=?, abstract=?, year=?, journal=?, language=?, has_abstract=?,"
                        " is_retracted=?, date_revised=?, record_json=?, content_hash=?, source=?, updated_at=?"
                        " WHERE pmid=?",
                        (*values, now, article.pmid),
                    )
                    for table in ("chunks", "article_types", "article_mesh"):
                        conn.execute(f"DELETE FROM {table} WHERE pmid = ?", (article.pmid,))
                    result.updated.append(article.pmid)
                conn.executemany(
                    "INSERT OR IGNORE INTO article_types (pmid, pub_type) VALUES (?, ?)",
                    [(article.pmid, t) for t in article.publication_types],
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO article_mesh (pmid, descriptor, major) VALUES (?, ?, ?)",
                    [(article.pmid, m.descriptor, int(m.major)) for m in article.mesh],
                )
                insert_chunks(conn, article.pmid, chunker(article))
        return result

    def delete_articles(self, pmids: Iterable[str], source: str) -> list[str]:
        """Remove articles (and, by cascade, their chunks); return the PMIDs that were present."""
        now = utc_now()
        removed = []
        with self.transaction() as conn:
            for pmid in pmids:
                if conn.execute("DELETE FROM articles WHERE pmid = ?", (pmid,)).rowcount:
                    removed.append(pmid)
                conn.execute(
                    "INSERT OR REPLACE INTO deletions (pmid, source, deleted_at) VALUES (?, ?, ?)", (pmid, source, now)
                )
        return removed

    def get_article(self, pmid: str) -> Article | None:
        row = self.conn.execute("SELECT record_json FROM articles WHERE pmid = ?", (pmid,)).fetchone()
        return Article.from_json(row["record_json"]) if row else None

    def get_articles(self, pmids: Sequence[str]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        for part in batches(pmids):
            sql = f"SELECT pmid, record_json FROM articles WHERE pmid IN ({_marks(part)})"
            for row in self.conn.execute(sql, part):
                found[row["pmid"]] = Article.from_json(row["record_json"])
        return found

    def known_pmids(self, pmids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for part in batches(pmids):
            sql = f"SELECT pmid FROM articles WHERE pmid IN ({_marks(part)})"
            known.update(r[0] for r in self.conn.execute(sql, part))
        return known

    def all_pmids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT pmid FROM articles ORDER BY pmid")]

    # -------------------------------------------------------------------- chunks
    def pending_chunks(self, limit: int) -> list[tuple[int, str]]:
        """Chunks still without a vector, as (chunk_id, text to embed: title + chunk)."""
        rows = self.conn.execute(
            "SELECT c.chunk_id, a.title, c.text, c.ord FROM chunks c JOIN articles a USING (pmid)"
            " WHERE c.vector IS NULL AND c.shard IS NULL ORDER BY c.chunk_id LIMIT ?",
            (limit,),
        ).fetchall()
        return [(r["chunk_id"], embedding_text(r["title"], r["text"], r["ord"])) for r in rows]

    def count_pending(self) -> int:
        return self.conn.execute("SELECT count(*) FROM chunks WHERE vector IS NULL AND shard IS NULL").fetchone()[0]

    # ------------------------------------------------------------------- vectors
    def set_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Store the vectors of chunks ``ids`` in one transaction: as BLOBs, or in shards once the library is large."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.transaction() as conn:
            if self._storage(conn) == BLOBS:
                conn.executemany(
                    "UPDATE chunks SET vector = ? WHERE chunk_id = ?",
                    [(vectors[i].tobytes(), int(cid)) for i, cid in enumerate(ids)],
                )
            else:
                self._append_to_shards(conn, np.asarray(ids, dtype=np.int64), vectors)

    def vector_storage(self) -> str:
        """Where new vectors go: ``blobs``, ``moving`` (to shards, BLOBs still being moved) or ``shards``."""
        return self.get_meta(STORAGE_META, BLOBS) or BLOBS

    def _storage(self, conn: sqlite3.Connection) -> str:
        """``vector_storage``, switched to shards (inside the caller's transaction) once the library has grown to
        ``shards_from`` chunks. Counting stops at the threshold, so a small library pays for a small count."""
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (STORAGE_META,)).fetchone()
        storage = row[0] if row else BLOBS
        if storage == BLOBS and self.shards_from is not None:
            due = conn.execute("SELECT 1 FROM chunks LIMIT 1 OFFSET ?", (max(self.shards_from - 1, 0),)).fetchone()
            if due is not None:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (STORAGE_META, MOVING))
                storage = MOVING
        return storage

    def _append_to_shards(self, conn: sqlite3.Connection, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Write vectors past the last shard's committed rows (a new shard when full), then point their chunks at
        them; the caller's commit is what makes the rows count (``retrieval.library.vector_shards``)."""
        dim = vectors.shape[1]
        last = conn.execute(
            "SELECT shard, rows, dim, generation FROM vector_shards ORDER BY shard DESC LIMIT 1"
        ).fetchone()
        if last is None:
            shard, rows, generation = 0, 0, 0
        elif last["rows"] >= SHARD_ROWS or last["dim"] != dim:
            shard, rows, generation = last["shard"] + 1, 0, 0
        else:
            shard, rows, generation = last["shard"], last["rows"], last["generation"]
        done = 0
        while done < len(ids):
            take = min(SHARD_ROWS - rows, len(ids) - done)
            self.shards.append(shard, rows, vectors[done : done + take], generation)
            conn.execute(  # first, so the triggers that count each shard's live rows find its row
                "INSERT INTO vector_shards (shard, rows, dim) VALUES (?, ?, ?)"
                " ON CONFLICT (shard) DO UPDATE SET rows = excluded.rows",
                (shard, rows + take, dim),
            )
            conn.executemany(
                "UPDATE chunks SET vector = NULL, shard = ?, shard_row = ? WHERE chunk_id = ?",
                [(shard, rows + i, int(cid)) for i, cid in enumerate(ids[done : done + take])],
            )
            done += take
            shard, rows, generation = (
                (shard + 1, 0, 0) if rows + take >= SHARD_ROWS else (shard, rows + take, generation)
            )

    def move_vectors_to_shards(self, progress: Callable[[int], None] | None = None) -> int:
        """Move a library's BLOB vectors to shards once it has outgrown them, a block a transaction; return how many.

        A move that is stopped goes on at the next call (the library marks itself ``moving``, and
        reads take each vector from wherever it is meanwhile). The BLOBs' pages become free pages
        of the database, which SQLite fills with the chunks that come next.
        """
        with self.transaction() as conn:
            if self._storage(conn) != MOVING:
                return 0
        moved, last = 0, -1
        while True:
            with self.transaction() as conn:
                rows = conn.execute(
                    "SELECT chunk_id, vector, shard, shard_row FROM chunks WHERE chunk_id > ? AND vector IS NOT NULL"
                    " ORDER BY chunk_id LIMIT ?",
                    (last, MOVE_BLOCK),
                ).fetchall()
                if not rows:
                    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (STORAGE_META, SHARDS))
                    return moved
                ids, vectors = self._unpack(rows)
                self._append_to_shards(conn, ids, vectors)
            moved, last = moved + len(ids), int(ids[-1])
            if progress:
                progress(len(ids))

    def shard_states(self) -> list[ShardState]:
        """Every shard the store committed rows to, with the rows its file still holds."""
        return self._shard_states(self.conn)

    def _shard_states(self, conn: sqlite3.Connection) -> list[ShardState]:
        rows = conn.execute("SELECT shard, rows, dim, generation, live FROM vector_shards ORDER BY shard").fetchall()
        return [ShardState(r[0], r[1], r[2], self.shards.intact_rows(r[0], r[2], r[3]), r[3], r[4]) for r in rows]

    def compact_vectors(self, dead_share: float) -> Compaction:
        """Rewrite every shard whose dead rows exceed ``dead_share`` of its rows with its live rows only.

        Files no committed generation names (left by a stop at any point of a compaction or of a
        first write to a new shard) are removed first, inside a write transaction, so no writer is
        between writing such a file and committing it. A damaged shard is left to the check.
        """
        with self.transaction() as conn:
            committed = {(s.shard, s.generation) for s in self._shard_states(conn)}
            stray_bytes = self.shards.remove(self.shards.stray(committed))
        due = [s for s in self.shard_states() if s.dead > dead_share * s.rows and s.dead and not s.damaged]
        done = Compaction(stray_bytes=stray_bytes)
        for state in due:
            freed = self._compact_shard(state.shard)
            done = Compaction(done.shards + 1, done.rows + state.dead, done.bytes + freed, stray_bytes)
        if done.shards:
            record = {"at": utc_now(), "shards": done.shards, "rows": done.rows, "bytes": done.bytes}
            self.set_meta(COMPACTION_META, json.dumps(record))
        return done

    def _compact_shard(self, shard: int) -> int:
        """Copy a shard's live rows to its next generation's file (fsynced), point its chunks there in one
        transaction, then remove the old file; return the bytes given back. A stop before the commit leaves the
        new file stray, a stop after it the old one: either way the library reads whole rows, and the next
        compaction removes the stray file."""
        with self.transaction() as conn:
            state = conn.execute("SELECT rows, dim, generation FROM vector_shards WHERE shard = ?", (shard,)).fetchone()
            live = conn.execute(
                "SELECT chunk_id, shard_row FROM chunks WHERE shard = ? ORDER BY shard_row", (shard,)
            ).fetchall()
            old_rows = np.fromiter((r[1] for r in live), dtype=np.int64, count=len(live))
            self.shards.copy_live(shard, state["generation"], old_rows, state["rows"], state["dim"])
            conn.executemany(
                "UPDATE chunks SET shard_row = ? WHERE chunk_id = ?", [(i, r[0]) for i, r in enumerate(live)]
            )
            conn.execute(
                "UPDATE vector_shards SET rows = ?, generation = ? WHERE shard = ?",
                (len(live), state["generation"] + 1, shard),
            )
        old = self.shards.path(shard, state["generation"])
        return self.shards.remove([old]) - len(live) * state["dim"] * DTYPE.itemsize

    def last_compaction(self) -> dict:
        """When the library's vector shards were last compacted and what that gave back (empty: never)."""
        return self.get_json_meta(COMPACTION_META)

    def misplaced_vectors(self) -> int:
        """Chunks pointing at a shard the store does not know or past its committed rows (none, if all is well)."""
        return self.conn.execute(f"SELECT count(*) FROM chunks c WHERE {MISPLACED}").fetchone()[0]

    def forget_misplaced_vectors(self) -> int:
        """Make chunks pointing at no committed row pending again (to be embedded anew); return how many."""
        with self.transaction() as conn:
            return conn.execute(f"UPDATE chunks AS c SET shard = NULL, shard_row = NULL WHERE {MISPLACED}").rowcount

    def forget_lost_vectors(self, state: ShardState) -> int:
        """Make the chunks whose vectors a damaged shard lost pending again (to be embedded anew); return how many.

        The rows the file still holds stay; the shard is cut to them, so new rows are written after them.
        """
        with self.transaction() as conn:
            lost = conn.execute(
                "UPDATE chunks SET shard = NULL, shard_row = NULL WHERE shard = ? AND shard_row >= ?",
                (state.shard, state.intact),
            ).rowcount
            if state.intact:
                conn.execute("UPDATE vector_shards SET rows = ? WHERE shard = ?", (state.intact, state.shard))
            else:
                conn.execute("DELETE FROM vector_shards WHERE shard = ?", (state.shard,))
            self.shards.cut(state.shard, state.intact, state.dim, state.generation)
        return lost

    def embedded_ids(self) -> np.ndarray:
        rows = self.conn.execute(f"SELECT chunk_id FROM chunks WHERE {EMBEDDED} ORDER BY chunk_id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def iter_vectors(
        self, ids: np.ndarray | None = None, batch: int = 20_000
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (ids, float32 vectors) blocks of embedded chunks, all of them or those in ``ids``."""
        if ids is None:
            query = (
                f"SELECT chunk_id, vector, shard, shard_row FROM chunks WHERE {EMBEDDED} AND chunk_id > ?"
                " ORDER BY chunk_id LIMIT ?"
            )
            last = -1
            while True:
                rows, ids_read, vectors = self._read_vectors(query, (last, batch))
                if not rows:
                    return
                last = rows[-1][0]
                yield ids_read, vectors
        else:
            for part in batches([int(i) for i in ids]):
                sql = (
                    f"SELECT chunk_id, vector, shard, shard_row FROM chunks WHERE {EMBEDDED}"
                    f" AND chunk_id IN ({_marks(part)})"
                )
                rows, ids_read, vectors = self._read_vectors(sql, part)
                if rows:
                    yield ids_read, vectors

    def vectors(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of those ``ids`` that are embedded: what an approximate index re-ranks with."""
        blocks = list(self.iter_vectors(ids))
        if not blocks:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.concatenate([b[0] for b in blocks]), np.vstack([b[1] for b in blocks])

    def article_vectors(self, pmids: Sequence[str]) -> dict[str, np.ndarray]:
        """Each article's embedding: the normalised mean of its stored chunk vectors."""
        sums: dict[str, np.ndarray] = {}
        for part in batches(pmids):
            sql = (
                f"SELECT chunk_id, vector, shard, shard_row, pmid FROM chunks WHERE {EMBEDDED}"
                f" AND pmid IN ({_marks(part)})"
            )
            rows, _, vectors = self._read_vectors(sql, part)
            if not rows:
                continue
            for row, vector in zip(rows, vectors, strict=True):
                pmid = row["pmid"]
                sums[pmid] = sums[pmid] + vector if pmid in sums else vector.copy()
        return {p: v / (np.linalg.norm(v) or 1.0) for p, v in sums.items()}

    def _read_vectors(self, sql: str, params: Sequence) -> tuple[list[sqlite3.Row], np.ndarray, np.ndarray]:
        """Rows (chunk_id, vector, shard, shard_row, ...) and their (ids, float32 vectors), read in one snapshot.

        Chunk pointers and shard generations must come from the same snapshot: a compaction
        committed between the two reads would pair old row numbers with the new file. A compaction
        removes the old file after its commit, so a snapshot taken just before may name a file that
        is gone: the read is then begun again, and only a shard still short is damage.
        """
        for _ in range(READ_TRIES - 1):
            try:
                return self._read_once(sql, params)
            except DamagedShardError:
                continue
        return self._read_once(sql, params)

    def _read_once(self, sql: str, params: Sequence) -> tuple[list[sqlite3.Row], np.ndarray, np.ndarray]:
        conn = self.conn
        own = not conn.in_transaction  # inside a write transaction the snapshot is that transaction's
        if own:
            conn.execute("BEGIN")
        try:
            rows = conn.execute(sql, params).fetchall()
            return (rows, *self._unpack(rows)) if rows else (rows, np.zeros(0, np.int64), np.zeros((0, 0)))
        finally:
            if own:
                conn.execute("COMMIT")

    def _unpack(self, rows: list[sqlite3.Row]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, float32 vectors) of rows (chunk_id, vector, shard, shard_row), each vector read from where it lies.

        Called inside the transaction that read ``rows``, so the shards' generations match their pointers."""
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        in_blobs = [i for i, r in enumerate(rows) if r[1] is not None]
        in_shards = [i for i, r in enumerate(rows) if r[1] is None]
        if not in_shards:
            return ids, np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        shards = self.conn.execute("SELECT shard, generation, rows, dim FROM vector_shards")
        committed = {r[0]: (r[1], r[2], r[3]) for r in shards}
        self.shards.release({(shard, c[0]) for shard, c in committed.items()})
        dim = committed[rows[in_shards[0]][2]][2]
        vectors = np.empty((len(rows), dim), dtype=np.float32)
        for i in in_blobs:
            vectors[i] = np.frombuffer(rows[i][1], dtype=np.float32)
        shard_of = np.array([rows[i][2] for i in in_shards], dtype=np.int64)
        row_of = np.array([rows[i][3] for i in in_shards], dtype=np.int64)
        positions = np.array(in_shards, dtype=np.int64)
        for shard in np.unique(shard_of):
            mine = shard_of == shard
            generation, held, width = committed[int(shard)]
            vectors[positions[mine]] = self.shards.gather(int(shard), generation, row_of[mine], held, width)
        return ids, vectors

    def chunk_rows(self, ids: Sequence[int]) -> dict[int, ChunkRow]:
        found: dict[int, ChunkRow] = {}
        for part in batches([int(i) for i in ids]):
            sql = f"SELECT chunk_id, pmid, ord, text FROM chunks WHERE chunk_id IN ({_marks(part)})"
            for r in self.conn.execute(sql, part):
                found[r["chunk_id"]] = ChunkRow(r["chunk_id"], r["pmid"], r["ord"], r["text"])
        return found

    def chunk_texts(self) -> Iterator[tuple[str, str]]:
        """(pmid, text as embedded) of every chunk, in chunk order (to re-embed a library with another model)."""
        rows = self.conn.execute(
            "SELECT c.pmid, c.ord, c.text, a.title FROM chunks c JOIN articles a USING (pmid) ORDER BY c.chunk_id"
        )
        for r in rows:
            yield r["pmid"], embedding_text(r["title"], r["text"], r["ord"])

    # ------------------------------------------------------------------- filters
    def filter_clause(self, filters: SearchFilters | None) -> FilterClause | None:
        """The condition selecting allowed articles, or None when nothing is filtered.

        Publication types are alternatives (any of them), MeSH terms narrow (all of
        them), both case-insensitive; the journal matches any part of its name
        ("lancet" finds "Lancet (London, England)").
        """
        if filters is None or not filters.is_active():
            return None
        parts: list[str] = []
        params: list = []
        undated = " OR a.year IS NULL" if filters.include_undated else ""
        if filters.year_from is not None:
            parts.append(f"(a.year >= ?{undated})")
            params.append(int(filters.year_from))
        if filters.year_to is not None:
            parts.append(f"(a.year <= ?{undated})")
            params.append(int(filters.year_to))
        if not filters.include_undated:
            parts.append("a.year IS NOT NULL")
        if filters.publication_types:
            parts.append(
                "EXISTS (SELECT 1 FROM article_types t WHERE t.pmid = a.pmid"
                f" AND t.pub_type COLLATE NOCASE IN ({_marks(filters.publication_types)}))"
            )
            params.extend(filters.publication_types)
        for term in filters.mesh:
            parts.append(
                "EXISTS (SELECT 1 FROM article_mesh m WHERE m.pmid = a.pmid AND m.descriptor = ? COLLATE NOCASE)"
            )
            params.append(term)
        if filters.journal:
            parts.append("a.journal LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(filters.journal.strip())}%")
        if filters.has_abstract:
            parts.append("a.has_abstract = 1")
        if filters.exclude_retracted:
            parts.append("a.is_retracted = 0")
        if filters.collection:
            parts.append("a.pmid IN (SELECT pmid FROM collection_items WHERE collection_id = ?)")
            params.append(self.collection_id(filters.collection))
        for kind, concepts in (("Chemical", filters.drugs), ("Disease", filters.diseases)):
            for concept in concepts:
                parts.append(
                    "EXISTS (SELECT 1 FROM entities e WHERE e.pmid = a.pmid AND e.type = ?"
                    " AND (e.concept = ? OR e.name = ? COLLATE NOCASE))"
                )
                params.extend((kind, concept, concept))
        return FilterClause(" AND ".join(parts), tuple(params))

    def collection_id(self, name: str) -> int:
        """Id of the collection called ``name`` (case-insensitive), or a message naming the ones that exist."""
        row = self.conn.execute("SELECT id FROM collections WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchone()
        if row is not None:
            return int(row[0])
        known = [  # shared ones only: a private collection's name is its owner's business
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM collections WHERE visibility = 'shared' ORDER BY name COLLATE NOCASE LIMIT 20"
            )
        ]
        hint = f" Known collections: {', '.join(known)}." if known else " The library has no collections yet."
        raise UnknownCollectionError(f"There is no collection named {name!r}.{hint}")

    def allowed_pmids(self, clause: FilterClause) -> set[str]:
        """PMIDs passing a filter clause."""
        return {r[0] for r in self.conn.execute(f"SELECT a.pmid FROM articles a WHERE {clause.sql}", clause.params)}

    def allowed_chunk_ids(self, clause: FilterClause) -> np.ndarray:
        """Chunk ids of the articles passing a filter clause (a FAISS ID selector is built from them)."""
        rows = self.conn.execute(
            f"SELECT c.chunk_id FROM chunks c JOIN articles a ON a.pmid = c.pmid WHERE {clause.sql}", clause.params
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    # -------------------------------------------------------------------- search
    def bm25(self, match: str, clause: FilterClause | None, limit: int, title_weight: float) -> list[tuple[str, float]]:
        """Best articles for an FTS5 ``match`` expression, as (pmid, -bm25) with higher scores better."""
        where = f" AND {clause.sql}" if clause else ""
        rows = self.conn.execute(
            f"SELECT a.pmid, bm25(articles_fts, ?, 1.0) AS s FROM articles_fts"
            f" JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?{where} ORDER BY s LIMIT ?",
            [title_weight, match, *(clause.params if clause else ()), limit],
        ).fetchall()
        return [(r[0], -float(r[1])) for r in rows]

    def matching_pmids(self, match: str, limit: int) -> list[str]:
        """PMIDs of up to ``limit`` articles whose title or abstract matches an FTS5 ``match`` expression."""
        rows = self.conn.execute(
            "SELECT a.pmid FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? LIMIT ?",
            (match, limit),
        )
        return [r[0] for r in rows]

    def matching_count(self, match: str) -> int:
        """How many articles match an FTS5 ``match`` expression."""
        return int(
            self.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]
        )

    def rebuild_keyword_index(self) -> None:
        """Rebuild the FTS5 index from the articles table (after a bulk load, or to repair it)."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")

    def keyword_rows(self, since: str, batch: int = 10_000) -> Iterator[list[tuple[str, str, str]]]:
        """(pmid, title, abstract) of the articles written at or after ``since`` ('': all), in blocks of ``batch``.

        What an outside keyword index reads to catch up with the store (``retrieval.library.keyword``);
        ``articles_updated`` finds the few written since the last catch-up in a large library.
        """
        changed = " WHERE updated_at >= ?" if since else ""
        cursor = self.conn.execute(f"SELECT pmid, title, abstract FROM articles{changed}", (since,) if since else ())
        while rows := cursor.fetchmany(batch):
            yield [(r[0], r[1], r[2]) for r in rows]

    def deleted_since(self, since: str) -> list[str]:
        """PMIDs deleted at or after ``since`` and not added again since."""
        return [r[0] for r in self.conn.execute("SELECT pmid FROM deletions WHERE deleted_at >= ?", (since,))]

    @contextmanager
    def deferred_keyword_index(self) -> Iterator[None]:
        """Load records without FTS5 keeping up row by row, then build the FTS5 index once (a bulk load).

        FTS5's triggers cost more than half of putting a record in (2,266 records/s at 1M with
        them); one ``rebuild`` at the end reads every record once. The triggers' own SQL is kept in
        the meta while they are away, so a process that dies inside this block leaves a library that
        the next ``Store`` opened on it finishes (``_finish_deferred_keyword_index``). Meant for a
        library nobody else writes to meanwhile: another process opening it would finish the
        deferral early (correct, only slower).
        """
        triggers = {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
                " AND name IN ('articles_ai', 'articles_ad', 'articles_au')"
            )
        }
        if not triggers:  # already deferred by an outer block
            yield
            return
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (DEFERRED_META, json.dumps(triggers))
            )
            for name in triggers:
                conn.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            self._finish_deferred_keyword_index()

    def _finish_deferred_keyword_index(self) -> None:
        """Build the FTS5 index from the articles and put its triggers back, in one transaction."""
        saved = self.get_meta(DEFERRED_META)
        if saved is None:
            return
        with self.transaction() as conn:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            for sql in json.loads(saved).values():
                conn.execute(sql)
            conn.execute("DELETE FROM meta WHERE key = ?", (DEFERRED_META,))

    def keyword_index_bytes(self) -> int:
        """Bytes the FTS5 index's own tables take in the database file."""
        row = self.conn.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'articles\\_fts\\_%' ESCAPE '\\'")
        return int(row.fetchone()[0] or 0)

    def _open_vocabulary(self) -> None:
        """The full-text index's vocabulary as the table ``temp.terms``: each term and how many articles use it."""
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, articles_fts, row)")

    def indexed_terms(self, terms: Sequence[str]) -> dict[str, int]:
        """Which of ``terms`` (as the full-text index stores them: porter stems) it holds, with their article counts."""
        self._open_vocabulary()
        found: dict[str, int] = {}
        for part in batches(list(dict.fromkeys(terms))):
            sql = f"SELECT term, doc FROM temp.terms WHERE term IN ({_marks(part)})"
            found.update((r[0], int(r[1])) for r in self.conn.execute(sql, part))
        return found

    def terms_starting(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` indexed terms (porter stems) that start with ``prefix`` and are used by most articles,
        with their article counts: what a clipped word of a clinical note ("spiro", "neoadj") may stand for."""
        self._open_vocabulary()
        rows = self.conn.execute(
            "SELECT term, doc FROM temp.terms WHERE term > ? AND term < ? ORDER BY doc DESC LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        )
        return [(r[0], int(r[1])) for r in rows]

    def is_empty(self) -> bool:
        return bool(self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0])

    def holds_at_least(self, n: int) -> bool:
        """Whether the store holds ``n`` articles or more, reading at most ``n`` rows (a count reads them all)."""
        return self.conn.execute("SELECT 1 FROM articles LIMIT 1 OFFSET ?", (max(n - 1, 0),)).fetchone() is not None

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def types_and_mesh(self, pmids: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Publication types and MeSH descriptors of each PMID (what its evidence level is read from)."""
        types: dict[str, list[str]] = {p: [] for p in pmids}
        mesh: dict[str, list[str]] = {p: [] for p in pmids}
        for part in batches(pmids):
            for pmid, value in self.conn.execute(
                f"SELECT pmid, pub_type FROM article_types WHERE pmid IN ({_marks(part)})", part
            ):
                types[pmid].append(value)
            for pmid, value in self.conn.execute(
                f"SELECT pmid, descriptor FROM article_mesh WHERE pmid IN ({_marks(part)})", part
            ):
                mesh[pmid].append(value)
        return types, mesh

    def titles_and_abstracts(self, pmids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Title and abstract text of each PMID the library has (what a design is inferred from)."""
        found: dict[str, tuple[str, str]] = {}
        for part in batches(pmids):
            for pmid, title, abstract in self.conn.execute(
                f"SELECT pmid, title, abstract FROM articles WHERE pmid IN ({_marks(part)})", part
            ):
                found[pmid] = (title, abstract)
        return found

    # -------------------------------------------------------------------- facets
    def year_bounds(self) -> tuple[int, int] | None:
        low, high = self.conn.execute("SELECT min(year), max(year) FROM articles").fetchone()
        return (int(low), int(high)) if low is not None else None

    def publication_type_counts(self) -> list[tuple[str, int]]:
        """(publication type, articles), most frequent first."""
        rows = self.conn.execute(
            "SELECT pub_type, count(*) AS n FROM article_types GROUP BY pub_type ORDER BY n DESC, pub_type"
        )
        return [(r[0], r[1]) for r in rows]

    def mesh_counts(self, limit: int) -> list[tuple[str, int]]:
        """(MeSH descriptor, articles) of the ``limit`` most used descriptors, most frequent first."""
        rows = self.conn.execute(
            "SELECT descriptor, count(*) AS n FROM article_mesh GROUP BY descriptor ORDER BY n DESC, descriptor"
            " LIMIT ?",
            (limit,),
        )
        return [(r[0], r[1]) for r in rows]

    def articles_by_year(self) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT year, count(*) FROM articles WHERE year IS NOT NULL GROUP BY year ORDER BY year"
        )
        return {int(year): n for year, n in rows}

    def content_version(self) -> tuple:
        """Identifies the library's content: article count and the last ingest (id, finish time)."""
        last = self.conn.execute(
            "SELECT id, coalesce(finished_at, '') FROM ingest_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return (self.article_count(), *(tuple(last) if last else (0, "")))

    # ------------------------------------------------------------------ entities
    # An article read by another entity model counts as unread: a new model (better concepts, relations)
    # reaches the articles already in the library on the next import, not only the new ones.
    _UNREAD = "NOT EXISTS (SELECT 1 FROM entity_status s WHERE s.pmid = a.pmid AND s.model = ?)"

    def articles_without_entities(self, limit: int, model: str) -> list[tuple[str, str, str]]:
        """(pmid, title, abstract) of up to ``limit`` articles entity model ``model`` has not read yet."""
        rows = self.conn.execute(
            f"SELECT a.pmid, a.title, a.abstract FROM articles a WHERE {self._UNREAD} ORDER BY a.rowid LIMIT ?",
            (model, limit),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def count_without_entities(self, model: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM articles a WHERE {self._UNREAD}", (model,)).fetchone()[0])

    def set_entities(self, found: Sequence[ArticleEntities], model: str) -> None:
        """Replace the entities and relations of each article, and mark it read by ``model`` (one transaction)."""
        now = utc_now()
        with self.transaction() as conn:
            for item in found:
                for table in ("entities", "entity_relations", "entity_status"):
                    conn.execute(f"DELETE FROM {table} WHERE pmid = ?", (item.pmid,))
                conn.executemany(
                    "INSERT OR IGNORE INTO entities (pmid, section, start, end, type, text, concept, name)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [(item.pmid, *row) for row in item.entities],
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO entity_relations (pmid, chemical, disease) VALUES (?,?,?)",
                    [(item.pmid, c, d) for c, d in item.relations],
                )
                conn.execute(
                    "INSERT INTO entity_status (pmid, model, extracted_at) VALUES (?,?,?)", (item.pmid, model, now)
                )

    def article_entities(self, pmid: str) -> list[EntityRow]:
        """The entities of one article, in text order (title first)."""
        rows = self.conn.execute(
            "SELECT section, start, end, type, text, concept, name FROM entities WHERE pmid = ?"
            " ORDER BY section = 'abstract', start",
            (pmid,),
        )
        return [EntityRow(*r) for r in rows]

    def entity_facets(self, pmids: Sequence[str] | None, kind: str | None = None, limit: int = 20) -> list[Facet]:
        """(concept, display name, type, articles) over ``pmids`` (None: the whole library), most frequent first."""
        where, params = ["1"], []
        if kind:
            where.append("e.type = ?")
            params.append(kind)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        names: dict[tuple[str, str], Counter] = defaultdict(Counter)
        parts = [None] if pmids is None else list(batches(list(pmids)))
        for part in parts:
            pmid_sql = "" if part is None else f" AND e.pmid IN ({_marks(part)})"
            rows = self.conn.execute(
                f"SELECT e.concept, e.type, e.name, count(DISTINCT e.pmid), count(*) FROM entities e"
                f" WHERE {' AND '.join(where)}{pmid_sql} GROUP BY e.concept, e.type, e.name",
                [*params, *(part or [])],
            )
            for concept, type_, name, articles, mentions in rows:
                counts[concept, type_] += articles
                names[concept, type_][name] += mentions
        facets = [Facet(c, names[c, t].most_common(1)[0][0], t, n) for (c, t), n in counts.items()]
        facets.sort(key=lambda f: (-f.count, f.name.lower()))
        return facets[:limit]

    def adverse_effects(self, drug: str, pmids: Sequence[str] | None = None) -> list[tuple[str, str, list[str]]]:
        """Conditions the library's abstracts report ``drug`` (concept or name) to induce: (concept, name, PMIDs)."""
        concepts = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT concept FROM entities WHERE type = 'Chemical'"
                " AND (concept = ? OR name = ? COLLATE NOCASE)",
                (drug, drug),
            )
        ] or [drug]
        rows = self.conn.execute(
            f"SELECT r.disease, r.pmid, (SELECT e.name FROM entities e WHERE e.pmid = r.pmid AND e.concept = r.disease"
            f" LIMIT 1) FROM entity_relations r WHERE r.chemical IN ({_marks(concepts)}) ORDER BY r.pmid",
            concepts,
        )
        allowed = None if pmids is None else set(pmids)
        found: dict[str, tuple[str, list[str]]] = {}
        for disease, pmid, name in rows:
            if allowed is not None and pmid not in allowed:
                continue
            entry = found.setdefault(disease, (name or disease, []))
            entry[1].append(pmid)
        out = [(d, n, p) for d, (n, p) in found.items()]
        out.sort(key=lambda x: (-len(x[2]), x[1].lower()))
        return out

    # ------------------------------------------------------------------- numbers
    def counts(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "chunks": one("SELECT count(*) FROM chunks").fetchone()[0],
            "embedded_chunks": one(f"SELECT count(*) FROM chunks WHERE {EMBEDDED}").fetchone()[0],
            "with_abstract": one("SELECT count(*) FROM articles WHERE has_abstract").fetchone()[0],
            "retracted": one("SELECT count(*) FROM articles WHERE is_retracted").fetchone()[0],
        }

    def orphans(self) -> list[str]:
        """Articles with no chunk at all (every article must be findable)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT pmid FROM articles a WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.pmid = a.pmid)"
            )
        ]

    # ---------------------------------------------------------------- provenance
    def start_run(self, kind: str, source: str) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO ingest_runs (kind, source, started_at) VALUES (?, ?, ?)", (kind, source, utc_now())
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], message: str = "") -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE ingest_runs SET finished_at=?, status=?, added=?, updated=?, deleted=?, skipped=?, failed=?,"
                " message=? WHERE id=?",
                (
                    utc_now(),
                    status,
                    counts.get("added", 0),
                    counts.get("updated", 0),
                    counts.get("deleted", 0),
                    counts.get("skipped", 0),
                    counts.get("failed", 0),
                    message,
                    run_id,
                ),
            )

    def close_running_runs(self, status: str, message: str) -> list[dict]:
        """End every run still marked running (its process died: the caller knows no ingest runs now).

        Its counts are read back from what it committed: the articles of its source added or
        changed since it started. Returns the runs as they now stand, oldest first.
        """
        with self.transaction() as conn:
            runs = conn.execute("SELECT id, source, started_at FROM ingest_runs WHERE status = 'running'").fetchall()
            for run in runs:
                added, updated = conn.execute(
                    "SELECT count(*) FILTER (WHERE added_at >= ?), count(*) FILTER (WHERE added_at < ?)"
                    " FROM articles WHERE source = ? AND updated_at >= ?",
                    (run["started_at"], run["started_at"], run["source"], run["started_at"]),
                ).fetchone()
                conn.execute(
                    "UPDATE ingest_runs SET finished_at = ?, status = ?, added = ?, updated = ?, message = ?"
                    " WHERE id = ?",
                    (utc_now(), status, added, updated, message, run["id"]),
                )
        ids = [r["id"] for r in runs]
        if not ids:
            return []
        rows = self.conn.execute(f"SELECT * FROM ingest_runs WHERE id IN ({_marks(ids)}) ORDER BY id", ids)
        return [dict(r) for r in rows]

    def finished_run_sources(self) -> list[str]:
        """The sources of every ingest run that finished (``status = 'done'``), oldest first."""
        rows = self.conn.execute("SELECT source FROM ingest_runs WHERE status = 'done' ORDER BY id")
        return [r[0] for r in rows]

    def recent_runs(self, limit: int = 10) -> list[dict]:
        rows = self.conn.execute("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def get_json_meta(self, key: str) -> dict:
        return json.loads(self.get_meta(key) or "{}")


def insert_chunks(conn: sqlite3.Connection, pmid: str, texts: Sequence[str]) -> None:
    """Fresh chunks of an article, not yet embedded (the upsert and the repair of an orphan both add them)."""
    rows = [(pmid, i, text) for i, text in enumerate(texts)]
    conn.executemany("INSERT INTO chunks (pmid, ord, text) VALUES (?, ?, ?)", rows)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def embedding_text(title: str, text: str, ord: int) -> str:
    """What is embedded for a chunk: the title gives every chunk its article's topic."""
    if ord == 0 and text == title:
        return title
    return f"{title}\n{text}" if title else text
