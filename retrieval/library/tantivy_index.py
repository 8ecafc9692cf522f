"""The keyword index on embedded tantivy: the only module that calls tantivy (an optional extra).

One document per article: its PMID (stored, untokenised, the key that replaces and
deletes) and its title and abstract as one field, so BM25 scores them as FTS5's
``bm25()`` with equal column weights does. The analyzer is the nearest to FTS5's
``porter unicode61``: words split at non-alphanumerics, lowercased, accents folded,
English (snowball) stems. Frequencies, not positions, are indexed: the leg never asks
for phrases, and the index is smaller and faster for it.

A query never goes through tantivy's query parser: its words are analyzed like the
text and OR-ed as term queries, so user text cannot be syntax.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import tantivy

from retrieval.library.keyword import Engine, KeywordDoc, overfetch, query_words, selective
from retrieval.library.store import FilterClause

ANALYZER = "medlit_en"
WRITER_HEAP = 256 * 2**20  # bytes tantivy buffers before it writes a segment


def analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("pmid", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", tokenizer_name=ANALYZER, index_option="freq")
    return builder.build()


class TantivyKeywords:
    """A tantivy index in one folder of the library; written by one process at a time (tantivy's lock)."""

    engine: Engine = "tantivy"
    kept_by_store = False

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.schema = schema()
        self.analyzer = analyzer()
        self._index = tantivy.Index(self.schema, path=str(self.folder), reuse=True)
        self._index.register_tokenizer(ANALYZER, self.analyzer)
        self._held: tantivy.IndexWriter | None = None

    @property
    def holding(self) -> bool:
        return self._held is not None

    @contextmanager
    def writing(self) -> Iterator[None]:
        self._held = self._writer()
        try:
            yield
        finally:
            writer, self._held = self._held, None
            self._commit(writer)

    def _writer(self) -> tantivy.IndexWriter:
        """A writer per batch of writes, not per process: another process (the web app, an import) may write next."""
        return self._index.writer(WRITER_HEAP, num_threads=1)

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()

    def _write(self, write: Callable[[tantivy.IndexWriter], None]) -> None:
        """Make a write with the held writer (committed when it is let go) or with one of its own, committed now."""
        if self._held is not None:
            write(self._held)
            return
        writer = self._writer()
        write(writer)
        self._commit(writer)

    def index(self, docs: Iterable[KeywordDoc], fresh: bool = False) -> int:
        rows = list(docs)

        def add(writer: tantivy.IndexWriter) -> None:
            for pmid, title, abstract in rows:
                if not fresh:
                    writer.delete_documents_by_term("pmid", pmid)
                writer.add_document(tantivy.Document(pmid=pmid, text=f"{title}\n{abstract}"))

        self._write(add)
        return len(rows)

    def delete(self, pmids: Sequence[str]) -> None:
        if not pmids:
            return

        def remove(writer: tantivy.IndexWriter) -> None:
            for pmid in pmids:
                writer.delete_documents_by_term("pmid", pmid)

        self._write(remove)

    def clear(self) -> None:
        writer = self._writer()
        writer.delete_all_documents()
        self._commit(writer)

    def terms(self, query: str) -> list[str]:
        """The query's words as the index holds them (analyzed like the text), each once."""
        return list(dict.fromkeys(t for w in query_words(query) for t in self.analyzer.analyze(w)))

    def search(
        self, query: str, k: int, clause: FilterClause | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        terms = self.terms(query)
        if not terms or k <= 0 or (allowed is not None and not allowed):
            return []
        searcher = self._index.searcher()
        words = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", t)) for t in terms]
        )
        fetch = k
        if allowed is not None and selective(allowed, searcher.num_docs):
            only = tantivy.Query.term_set_query(self.schema, "pmid", list(allowed))
            words = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, words), (tantivy.Occur.Must, tantivy.Query.const_score_query(only, 0.0))]
            )
            allowed = None
        elif allowed is not None:
            fetch = overfetch(k, allowed, searcher.num_docs)
        hits = searcher.search(words, fetch, count=False).hits
        found = [(searcher.doc(address)["pmid"][0], float(score)) for score, address in hits]
        return [(p, s) for p, s in found if allowed is None or p in allowed][:k]

    def size_bytes(self) -> int:
        return sum(entry.stat().st_size for entry in os.scandir(self.folder) if entry.is_file())

    def count(self) -> int:
        return int(self._index.searcher().num_docs)
