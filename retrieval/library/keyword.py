"""The keyword (BM25) leg's engine behind one small interface: SQLite FTS5, embedded tantivy, or OpenSearch.

FTS5 lives in the store and its triggers keep it in step with every write: it needs
nothing installed and holds today's behaviour, so it is the default. At a million
records it scores every matching row before keeping the best 60 (BM25 p95 2 s,
docs/scale.md); tantivy keeps only the top k as it goes (block-max WAND), from a
folder beside the database. OpenSearch (or a cluster of it) holds the index on a server
for libraries that outgrow one machine. Which engine a library uses is written in its meta when
it is first filled, so it is always queried with the engine it was built with.

Every engine reads the same words of a query (its content words, as the FTS5 leg
always did), so no user syntax (quotes, colons, AND/OR, brackets) reaches either.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Literal, Protocol

from retrieval.errors import UserError
from retrieval.library.store import FilterClause, Store, utc_now
from retrieval.settings import Settings
from retrieval.text import content_words, words

Engine = Literal["fts5", "tantivy", "opensearch"]
KeywordDoc = tuple[str, str, str]  # (pmid, title, abstract)
Progress = Callable[[int], None]

ENGINE_META = "keyword_engine"
SYNCED_META = "keyword_synced_at"  # the store's clock when an outside index last caught up with it
PENDING_META = "keyword_pending_at"  # the same inside a bulk load, true once the load's writes are committed
TITLE_WEIGHT = 1.0  # FTS5 bm25() column weight of the title against the abstract (2 and 5 tried)
SELECTIVE = 0.25  # a filter passing fewer than this share of the articles is applied inside the query
OVERFETCH_MAX = 20  # a broad filter fetches k x (articles / allowed) hits, at most this many times k


class KeywordEngineError(UserError):
    """The keyword engine asked for cannot serve this library."""


class KeywordIndex(Protocol):
    """Best articles for a query's words by BM25, kept in step with the store."""

    engine: Engine
    kept_by_store: bool  # True: the store's own writes keep it in step (index and delete do nothing)
    holding: bool  # inside ``writing()``: writes are made but not yet committed

    def index(self, docs: Iterable[KeywordDoc], fresh: bool = False) -> int:
        """Add or replace these articles (``fresh``: just cleared, nothing to replace); return how many."""
        ...

    def delete(self, pmids: Sequence[str]) -> None: ...

    def clear(self) -> None: ...

    def writing(self) -> AbstractContextManager[None]:
        """Writes inside share one writer and are committed once, at the end (a bulk load)."""
        ...

    def search(
        self, query: str, k: int, clause: FilterClause | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Up to ``k`` (pmid, score) best first, higher better; only ``allowed`` PMIDs (``clause`` in SQL) if given."""
        ...

    def size_bytes(self) -> int: ...

    def count(self) -> int:
        """Articles the index holds."""
        ...


def query_words(text: str) -> list[str]:
    """The words a keyword engine searches for: the content words, or every word of a query made of stop words."""
    return content_words(text) or words(text)


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word quoted (no user syntax reaches FTS5), any word may match."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in query_words(text))


class Fts5Keywords:
    """The store's FTS5 table (``articles_fts``, porter stems), kept by its triggers."""

    engine: Engine = "fts5"
    kept_by_store = True
    holding = False

    def __init__(self, store: Store):
        self.store = store

    def index(self, docs: Iterable[KeywordDoc], fresh: bool = False) -> int:
        return 0

    def delete(self, pmids: Sequence[str]) -> None:
        return None

    def clear(self) -> None:
        return None

    @contextmanager
    def writing(self) -> Iterator[None]:
        yield

    def search(
        self, query: str, k: int, clause: FilterClause | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        match = fts_query(query)
        return self.store.bm25(match, clause, k, TITLE_WEIGHT) if match else []

    def size_bytes(self) -> int:
        return self.store.keyword_index_bytes()

    def count(self) -> int:
        return self.store.article_count()


def selective(allowed: set[str] | None, articles: int) -> bool:
    """Whether a filter passes so few articles that an engine applies it inside the query (else it over-fetches)."""
    return allowed is not None and len(allowed) < SELECTIVE * articles


def overfetch(k: int, allowed: set[str], articles: int) -> int:
    """Hits to fetch so that about ``k`` of them pass a broad filter, filtered after the search."""
    return min(k * OVERFETCH_MAX, int(k * articles / len(allowed)) + k)


def tantivy_folder(settings: Settings) -> Path:
    return settings.data_dir / "keywords.tantivy"


def opensearch_index(settings: Settings) -> str:
    """The library's OpenSearch index: the setting, or a name of its folder's own, so two libraries never share one.

    OpenSearch index names are lowercase and take few characters; the hash of the whole
    path tells apart two folders of the same name.
    """
    if settings.opensearch_index:
        return settings.opensearch_index
    folder = settings.data_dir.resolve()
    name = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-")[:40] or "library"
    return f"medlit-{name}-{hashlib.sha256(str(folder).encode()).hexdigest()[:10]}"


def _not_installed(engine: Engine) -> KeywordEngineError:
    return KeywordEngineError(
        f"This library's keyword index is {engine}, which is not installed: run make install-{engine}"
        f" (or: pip install -r requirements-{engine}.txt)."
    )


def open_keywords(engine: Engine, settings: Settings, store: Store) -> KeywordIndex:
    """The library's keyword index; tantivy and OpenSearch are extras, imported only for a library that uses one."""
    if engine == "fts5":
        return Fts5Keywords(store)
    if engine == "tantivy":
        try:
            from retrieval.library.tantivy_index import TantivyKeywords
        except ImportError:
            raise _not_installed(engine) from None
        return TantivyKeywords(tantivy_folder(settings))
    try:
        from retrieval.library.opensearch_index import OpenSearchKeywords
    except ImportError:
        raise _not_installed(engine) from None
    return OpenSearchKeywords(settings.opensearch_url, opensearch_index(settings))


def library_engine(store: Store, settings: Settings) -> Engine:
    """The engine this library was built with; the setting chooses it only for a library not yet filled.

    A library filled before engines could be chosen has FTS5 (the triggers built it). Asking
    for another engine by name (``MEDLIT_KEYWORD_ENGINE``) on a library built with one is a
    mistake to say, not to follow silently: the other index would be empty or stale.
    """
    pinned = store.get_meta(ENGINE_META) or ("fts5" if not store.is_empty() else None)
    asked = settings.keyword_engine
    if pinned is None:
        return asked
    if asked != pinned and "keyword_engine" in settings.model_fields_set:
        raise KeywordEngineError(
            f"This library's keyword index was built with {pinned}, not {asked}: run"
            f" `python -m ingest keyword-index --engine {asked}` to rebuild it with {asked},"
            f" or set MEDLIT_KEYWORD_ENGINE={pinned}."
        )
    return pinned  # type: ignore[return-value]


def pin_engine(store: Store, engine: Engine) -> None:
    if store.get_meta(ENGINE_META) != engine:
        store.set_meta(ENGINE_META, engine)


def sync(store: Store, keywords: KeywordIndex, progress: Progress | None = None) -> int:
    """Bring an outside keyword index up to the store: what was written or deleted since its last sync.

    The mark is the store's clock read before reading, and rows written in that same second
    are read again next time, so a write is never missed; writing an article twice is harmless.
    A crash between a store commit and this leaves the mark behind, and the next sync heals it.
    Inside a bulk load the mark moves on in ``PENDING_META``, made the real one by ``bulk``
    once the index has committed.
    """
    if keywords.kept_by_store:
        return 0
    started = utc_now()
    key = PENDING_META if keywords.holding else SYNCED_META
    since = store.get_meta(key, "") or ""
    if since and not keywords.holding and not keywords.count() and not store.is_empty():
        since = ""  # its folder was removed: built again from nothing
    if since:
        keywords.delete(store.deleted_since(since))
    done = 0
    for rows in store.keyword_rows(since):
        done += keywords.index(rows, fresh=not since)
        if progress:
            progress(len(rows))
    store.set_meta(key, started)
    return done


@contextmanager
def bulk(store: Store, keywords: KeywordIndex) -> Iterator[None]:
    """Writes inside are indexed as they come, while the store goes on, but committed once at the end.

    Committing every batch waits for the index to catch up; without it, the index's own threads
    index while the next batch goes into the store. A load that dies inside leaves the real mark
    where it was before it, so the next sync indexes its records again.
    """
    if keywords.kept_by_store:
        yield
        return
    sync(store, keywords)
    store.set_meta(PENDING_META, store.get_meta(SYNCED_META, "") or "")
    with keywords.writing():
        yield
    store.set_meta(SYNCED_META, store.get_meta(PENDING_META, "") or "")


def rebuild(store: Store, keywords: KeywordIndex, progress: Progress | None = None) -> int:
    """The keyword index built again from every record of the store (to switch engine, or to repair it)."""
    if keywords.kept_by_store:
        store.rebuild_keyword_index()
        if progress:
            progress(store.article_count())
    else:
        store.set_meta(SYNCED_META, "")  # a rebuild cut short starts again from nothing
        keywords.clear()
        sync(store, keywords, progress)
    pin_engine(store, keywords.engine)
    return store.article_count()
