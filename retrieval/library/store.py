"""SQLite store of articles, their chunks and vectors, and ingest provenance.

SQLite is the library's source of truth. Vectors are kept beside their chunks,
so the FAISS index is a derived file that can always be rebuilt or repaired
from here without re-embedding. Every write is one transaction: a crash leaves
the last committed state, never a half-written record.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.library.migrations import migrate
from retrieval.library.records import Article

Chunker = Callable[[Article], list[str]]


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


class Store:
    """Thread-safe access to one library database (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        migrate(self.conn)

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
                digest = article.content_hash()
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
                    article.to_json(),
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
                conn.executemany(
                    "INSERT INTO chunks (pmid, ord, text) VALUES (?, ?, ?)",
                    [(article.pmid, i, text) for i, text in enumerate(chunker(article))],
                )
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
        for start in range(0, len(pmids), 500):
            part = list(pmids[start : start + 500])
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT pmid, record_json FROM articles WHERE pmid IN ({marks})", part):
                found[row["pmid"]] = Article.from_json(row["record_json"])
        return found

    def known_pmids(self, pmids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(pmids), 500):
            part = list(pmids[start : start + 500])
            marks = ",".join("?" * len(part))
            known.update(r[0] for r in self.conn.execute(f"SELECT pmid FROM articles WHERE pmid IN ({marks})", part))
        return known

    def all_pmids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT pmid FROM articles ORDER BY pmid")]

    # -------------------------------------------------------------------- chunks
    def pending_chunks(self, limit: int) -> list[tuple[int, str]]:
        """Chunks still without a vector, as (chunk_id, text to embed: title + chunk)."""
        rows = self.conn.execute(
            "SELECT c.chunk_id, a.title, c.text, c.ord FROM chunks c JOIN articles a USING (pmid)"
            " WHERE c.vector IS NULL ORDER BY c.chunk_id LIMIT ?",
            (limit,),
        ).fetchall()
        return [(r["chunk_id"], embedding_text(r["title"], r["text"], r["ord"])) for r in rows]

    def count_pending(self) -> int:
        return self.conn.execute("SELECT count(*) FROM chunks WHERE vector IS NULL").fetchone()[0]

    def set_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE chunks SET vector = ? WHERE chunk_id = ?",
                [(vectors[i].tobytes(), int(cid)) for i, cid in enumerate(ids)],
            )

    def embedded_ids(self) -> np.ndarray:
        rows = self.conn.execute("SELECT chunk_id FROM chunks WHERE vector IS NOT NULL ORDER BY chunk_id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def iter_vectors(
        self, ids: np.ndarray | None = None, batch: int = 20_000
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (ids, vectors) blocks of embedded chunks, all of them or those in ``ids``."""
        if ids is None:
            query = (
                "SELECT chunk_id, vector FROM chunks WHERE vector IS NOT NULL AND chunk_id > ?"
                " ORDER BY chunk_id LIMIT ?"
            )
            last = -1
            while True:
                rows = self.conn.execute(query, (last, batch)).fetchall()
                if not rows:
                    return
                last = rows[-1][0]
                yield _unpack(rows)
        else:
            for start in range(0, len(ids), 500):
                part = [int(i) for i in ids[start : start + 500]]
                marks = ",".join("?" * len(part))
                rows = self.conn.execute(
                    f"SELECT chunk_id, vector FROM chunks WHERE vector IS NOT NULL AND chunk_id IN ({marks})", part
                ).fetchall()
                if rows:
                    yield _unpack(rows)

    def chunk_rows(self, ids: Sequence[int]) -> dict[int, ChunkRow]:
        found: dict[int, ChunkRow] = {}
        for start in range(0, len(ids), 500):
            part = [int(i) for i in ids[start : start + 500]]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                f"SELECT chunk_id, pmid, ord, text FROM chunks WHERE chunk_id IN ({marks})", part
            ):
                found[r["chunk_id"]] = ChunkRow(r["chunk_id"], r["pmid"], r["ord"], r["text"])
        return found

    # ------------------------------------------------------------------- numbers
    def counts(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "chunks": one("SELECT count(*) FROM chunks").fetchone()[0],
            "embedded_chunks": one("SELECT count(*) FROM chunks WHERE vector IS NOT NULL").fetchone()[0],
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


def embedding_text(title: str, text: str, ord: int) -> str:
    """What is embedded for a chunk: the title gives every chunk its article's topic."""
    if ord == 0 and text == title:
        return title
    return f"{title}\n{text}" if title else text


def _unpack(rows: list[sqlite3.Row]) -> tuple[np.ndarray, np.ndarray]:
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
    return ids, vectors
