"""The library: the SQLite store, the FAISS index and the embedding model, together.

One ``Library`` per process is enough: the web app shares it across sessions,
the CLIs open one per run. The embedding model loads on first use only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np

from retrieval.library.chunking import make_chunker
from retrieval.library.embedding import Embedder, device_for, embedder_for, new_library_backend
from retrieval.library.keyword import Engine, KeywordIndex, library_engine, open_keywords, pin_engine
from retrieval.library.keyword import bulk as bulk_keywords
from retrieval.library.keyword import rebuild as rebuild_keywords
from retrieval.library.keyword import sync as sync_keywords
from retrieval.library.records import Article
from retrieval.library.store import ArticleEntities, Chunker, Compaction, Store, UpsertResult, insert_chunks
from retrieval.library.vector_index import SyncReport, VectorIndex, index_ids
from retrieval.settings import Settings, get_settings

EMBED_BLOCK = 2048  # chunks embedded and committed together
ENTITY_BLOCK = 256  # articles whose entities are extracted and committed together


@dataclass
class CheckReport:
    """Whether store and index agree; what was wrong and whether it was repaired."""

    ok: bool
    vectors_without_chunk: int = 0
    chunks_without_vector: int = 0
    articles_without_chunk: int = 0
    pending_embeddings: int = 0
    keyword_index_off_by: int = 0  # articles the keyword index holds more (or, negative, fewer) than the store
    damaged_vector_shards: int = 0  # shard files missing or shorter than the rows the store committed to them
    misplaced_vectors: int = 0  # chunks pointing at a shard row the store never committed
    stray_vector_files: int = 0  # shard files no committed row names (a stopped compaction's): not a problem
    repaired: bool = False
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class Library:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.store = Store(self.settings.db_path, shards_from=self.settings.vector_shards_min_vectors)
        self.index = VectorIndex(self.settings.index_path, self.settings, exact=self.store.vectors)
        self.index.load(mmap=True)
        self._keywords: KeywordIndex | None = None

    # What a library was built with stays its own: queries and new records must be embedded and chunked like
    # the vectors already stored (a float32 query against int8 vectors, or another model's, ranks worse or
    # means nothing), so the first index written pins these in the library's meta; the settings only choose
    # them for a new library.
    def _pinned(self, key: str, configured: Callable[[], str]) -> str:
        return self.store.get_meta(key) or configured()  # the settings are read (torch asked) only when unpinned

    @property
    def embedding_model(self) -> str:
        return self._pinned("embedding_model", lambda: self.settings.embedding_model)

    @property
    def embedding_backend(self) -> str:
        return self._pinned("embedding_backend", lambda: new_library_backend(self.settings))

    @property
    def embedding_device(self) -> str:
        """The device that built the library's first vectors: a record, not a constraint.

        A library from before this was recorded was built on CPU, the only device then.
        """
        if self.store.get_meta("embedding_model") and not self.store.get_meta("embedding_device"):
            return "cpu"
        planned = self.settings.embedding_device
        return self._pinned("embedding_device", lambda: device_for(self.embedding_backend, planned))

    @property
    def chunk_tokens(self) -> int:
        return int(self._pinned("chunk_tokens", lambda: str(self.settings.chunk_tokens)))

    @property
    def vectors(self) -> tuple[str, str]:
        """(embedding model, backend) of the library's vectors: what a calibrated value must have been fitted on.

        The device is not part of it: float16 vectors from a GPU and float32 vectors from a CPU are the same
        vectors (cosine >= 0.9999, ``tests/test_embedding.py`` and ``python -m bench gpu``), so a threshold
        fitted on one holds for the other, and a library built on a GPU keeps its calibration when queried
        on a CPU. int8 moves vectors further (cosine about 0.98), which is why the backend is part of it.
        """
        return self.embedding_model, self.embedding_backend

    def _pin(self) -> None:
        for key, value in (
            ("embedding_model", self.embedding_model),
            ("embedding_backend", self.embedding_backend),
            ("embedding_device", self.embedding_device),
            ("chunk_tokens", str(self.chunk_tokens)),
        ):
            if self.store.get_meta(key) is None:
                self.store.set_meta(key, value)

    @cached_property
    def embedder(self) -> Embedder:
        return embedder_for(self.settings, self.embedding_backend, self.embedding_model)

    @cached_property
    def chunker(self) -> Callable[[Article], list[str]]:
        return make_chunker(self.embedder.count_tokens, min(self.chunk_tokens, self.embedder.max_tokens))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.encode_query(text)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)

    @property
    def keywords(self) -> KeywordIndex:
        """The keyword leg's index, on the engine the library was built with (``retrieval.library.keyword``)."""
        if self._keywords is None:
            self._keywords = open_keywords(library_engine(self.store, self.settings), self.settings, self.store)
        return self._keywords

    # ------------------------------------------------------------------ writing
    def upsert_articles(self, articles: Sequence[Article], source: str, chunker: Chunker | None = None) -> UpsertResult:
        """Commit records to the store (``Store.upsert_articles``) and bring the keyword index up to them."""
        keywords = self.keywords  # an engine that cannot serve this library stops the write before it happens
        result = self.store.upsert_articles(articles, source, chunker or self.chunker)
        pin_engine(self.store, keywords.engine)
        sync_keywords(self.store, keywords)
        return result

    def delete_articles(self, pmids: Iterable[str], source: str) -> list[str]:
        """Remove articles from the store (``Store.delete_articles``) and from the keyword index."""
        keywords = self.keywords
        removed = self.store.delete_articles(pmids, source)
        sync_keywords(self.store, keywords)
        return removed

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Records written inside go in without FTS5 keeping up row by row (it is built once at the end), and an
        outside keyword index commits them once, at the end."""
        with self.store.deferred_keyword_index(), bulk_keywords(self.store, self.keywords):
            yield

    def rebuild_keyword_index(self, engine: Engine | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Build the keyword index again from the store, on ``engine`` (default: the library's), and keep to it."""
        if engine is not None:
            self._keywords = open_keywords(engine, self.settings, self.store)
        return rebuild_keywords(self.store, self.keywords, progress)

    def embed_pending(self, progress: Callable[[int], None] | None = None) -> int:
        """Embed every chunk without a vector, committing block by block (resumable)."""
        done = 0
        while batch := self.store.pending_chunks(EMBED_BLOCK):
            ids = [cid for cid, _ in batch]
            vectors = self.embedder.encode([text for _, text in batch], progress=progress)
            self.store.set_vectors(ids, vectors)
            done += len(ids)
        return done

    def extract_entities(self, progress: Callable[[int], None] | None = None) -> int:
        """Find the chemicals and diseases of every article the shipped entity model has not read, block by
        block (resumable)."""
        from retrieval.library.entities import article_text, extractor, model_version

        found = 0
        while batch := self.store.articles_without_entities(ENTITY_BLOCK, model_version()):
            ex = extractor()
            texts = [article_text(title, abstract) for _, title, abstract in batch]
            results = ex.extract(texts, [len(title) for _, title, _ in batch])
            rows = []
            for (pmid, title, _), result in zip(batch, results, strict=True):
                entities = []
                for e in result.entities:
                    if e.end <= len(title):
                        entities.append(("title", e.start, e.end, e.type, e.text, e.concept, e.name))
                    elif e.start > len(title):
                        offset = len(title) + 1
                        entities.append(
                            ("abstract", e.start - offset, e.end - offset, e.type, e.text, e.concept, e.name)
                        )
                rows.append(ArticleEntities(pmid, entities, list(result.relations)))
            self.store.set_entities(rows, ex.version)
            found += len(batch)
            if progress:
                progress(len(batch))
        return found

    def sync_index(self) -> SyncReport:
        """Move the vectors of a library grown past BLOBs to shards (resumable), make the index match, then
        compact the shards that replaced and deleted chunks have left mostly dead (the index keys vectors by
        chunk id, so moving rows within the shards never touches it)."""
        self.store.move_vectors_to_shards()
        dim = self._dimension()
        report = self.index.sync(self.store, dim)
        self._pin()
        self.compact_vectors()
        return report

    def compact_vectors(self) -> Compaction:
        """Rewrite the vector shards whose dead share exceeds the setting; remove files a stop left behind."""
        return self.store.compact_vectors(self.settings.vector_shard_compact_dead_share)

    def _dimension(self) -> int:
        ids = self.store.embedded_ids()[:1]
        for _, vectors in self.store.iter_vectors(ids):
            return int(vectors.shape[1])
        return self.embedder.dim

    # ------------------------------------------------------------------ reading
    def refresh(self) -> bool:
        """Pick up an index replaced by another process (an import running elsewhere)."""
        return self.index.refresh()

    def status(self) -> dict:
        counts = self.store.counts()
        runs = self.store.recent_runs(1)
        files = [self.settings.db_path, self.settings.index_path]
        files += [self.settings.db_path.with_name(self.settings.db_path.name + s) for s in ("-wal", "-shm")]
        return {
            "articles": counts["articles"],
            "chunks": counts["chunks"],
            "vectors": self.index.ntotal,
            "pending_embeddings": counts["chunks"] - counts["embedded_chunks"],
            "with_abstract": counts["with_abstract"],
            "retracted": counts["retracted"],
            "index_type": self.index.kind,
            "embedding_model": self.embedding_model,
            "embedding_backend": self.embedding_backend,
            "embedding_device": self.embedding_device,
            "chunk_tokens": self.chunk_tokens,
            "keyword_engine": library_engine(self.store, self.settings),
            "data_dir": str(self.settings.data_dir),
            "vector_storage": self.store.vector_storage(),
            "vector_shards": self._shard_status(),
            "data_bytes": sum(f.stat().st_size for f in files if f.exists()) + self.store.shards.disk_bytes(),
            "last_ingest": runs[0] if runs else None,
        }

    def _shard_status(self) -> dict:
        """The shard files' rows, how many of them no chunk reads any more, and the last compaction."""
        states = self.store.shard_states()
        rows, live = sum(s.rows for s in states), sum(s.live for s in states)
        return {
            "files": sum(1 for s in states if s.rows),
            "rows": rows,
            "dead_rows": rows - live,
            "dead_share": round((rows - live) / rows, 4) if rows else 0.0,
            "compact_above": self.settings.vector_shard_compact_dead_share,
            "last_compaction": self.store.last_compaction() or None,
        }

    def check(self, repair: bool = False) -> CheckReport:
        """Prove that every vector has its chunk and article, every chunk its vector, every article its keywords."""
        self.index.load(mmap=False)
        present = index_ids(self.index.index) if self.index.index is not None else np.zeros(0, np.int64)
        wanted = self.store.embedded_ids()
        report = CheckReport(ok=True)
        report.vectors_without_chunk = len(np.setdiff1d(present, wanted))
        report.chunks_without_vector = len(np.setdiff1d(wanted, present))
        report.articles_without_chunk = len(self.store.orphans())
        report.pending_embeddings = self.store.count_pending()
        report.keyword_index_off_by = self.keywords.count() - self.store.article_count()
        if len(present) != len(np.unique(present)):
            report.problems.append("the index holds duplicate ids")
        states = self.store.shard_states()
        damaged = [s for s in states if s.damaged]
        report.damaged_vector_shards = len(damaged)
        report.problems += [
            f"vector shard {self.store.shards.path(s.shard, s.generation).name} holds {s.intact:,} of its {s.rows:,}"
            " rows"
            for s in damaged
        ]
        report.misplaced_vectors = self.store.misplaced_vectors()
        report.stray_vector_files = len(self.store.shards.stray({(s.shard, s.generation) for s in states}))
        for name in (
            "vectors_without_chunk",
            "chunks_without_vector",
            "articles_without_chunk",
            "pending_embeddings",
            "keyword_index_off_by",
            "misplaced_vectors",
        ):
            if getattr(report, name):
                report.problems.append(f"{name.replace('_', ' ')}: {getattr(report, name)}")
        report.ok = not report.problems
        if repair and not report.ok:
            self._repair(report)
            report.repaired = True
            after = self.check(repair=False)
            report.ok = after.ok
        self.index.load(mmap=True)
        return report

    def _repair(self, report: CheckReport) -> None:
        for state in self.store.shard_states():
            if state.damaged:
                self.store.forget_lost_vectors(state)  # embedded again below
        self.store.forget_misplaced_vectors()  # embedded again below
        if report.keyword_index_off_by:
            self.rebuild_keyword_index()
        with self.store.transaction() as conn:
            for pmid in self.store.orphans():
                article = self.store.get_article(pmid)
                if article is not None:
                    insert_chunks(conn, pmid, self.chunker(article))
        self.embed_pending()
        ids = index_ids(self.index.index) if self.index.index is not None else np.zeros(0, np.int64)
        # Duplicate ids cannot be removed one at a time: rebuild from the stored vectors.
        self.index.sync(self.store, self._dimension(), rebuild=len(ids) != len(np.unique(ids)))
        self.compact_vectors()
