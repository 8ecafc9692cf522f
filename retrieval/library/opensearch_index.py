"""The keyword index on an OpenSearch server or cluster: the only module that calls OpenSearch (an optional extra).

One index per library, one document per article: its PMID is the document id (the key
that replaces and deletes) and its title and abstract are one field, scored by BM25 as
tantivy and FTS5's ``bm25()`` with equal column weights score them. The analyzer is
the nearest to FTS5's ``porter unicode61``: Unicode word boundaries, English
possessives dropped, lowercased, accents folded, Porter stems. Frequencies, not
positions, are indexed, and no source is kept: the store holds the records, and the
index is built again from it when it is lost (``python -m ingest keyword-index``).

A query never goes through a query parser: its words go in one ``match`` query, which
analyzes them like the text and OR-s them, so user text cannot be syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConnectionError as ServerUnreachable
from opensearchpy.exceptions import ImproperlyConfigured, TransportError

from retrieval.library.keyword import Engine, KeywordDoc, KeywordEngineError, overfetch, query_words, selective
from retrieval.library.store import FilterClause

ANALYZER = "medlit_en"
TIMEOUT_S = 30.0  # a request's limit; the first one, which only asks whether the server answers, gets 1 s
REACH_TIMEOUT_S = 1.0
IDS_MAX = 10_000  # most PMIDs a filter sends inside the query (OpenSearch's own limit is 65,536 terms)
BULK_CHUNK = 2_000  # documents in one bulk request
MAPPING: dict[str, Any] = {
    "settings": {
        "analysis": {
            "filter": {
                "medlit_possessive": {"type": "stemmer", "language": "possessive_english"},
                "medlit_long": {"type": "length", "max": 39},  # as tantivy's remove_long(40)
            },
            "analyzer": {
                ANALYZER: {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["medlit_possessive", "lowercase", "asciifolding", "medlit_long", "porter_stem"],
                }
            },
        }
    },
    "mappings": {
        "dynamic": "strict",
        "_source": {"enabled": False},
        "properties": {"text": {"type": "text", "analyzer": ANALYZER, "index_options": "freqs"}},
    },
}


class OpenSearchKeywords:
    """One OpenSearch index for one library; searches see every write once it returns (the index is refreshed)."""

    engine: Engine = "opensearch"
    kept_by_store = False

    def __init__(self, url: str, index: str):
        self.url = url
        self.name = index
        self.holding = False
        try:
            self.client = OpenSearch(hosts=[url], timeout=TIMEOUT_S, max_retries=0)
            self.client.info(request_timeout=REACH_TIMEOUT_S)
        except (ServerUnreachable, ImproperlyConfigured, ValueError):
            raise KeywordEngineError(
                f"No OpenSearch server answers at {url}: start one (deploy/opensearch/compose.yaml)"
                " or set MEDLIT_OPENSEARCH_URL to one that runs."
            ) from None
        except TransportError as error:
            raise self._refused(error) from None
        with self._server():
            if not self.client.indices.exists(index=index):
                self.client.indices.create(index=index, body=MAPPING)

    def _refused(self, error: TransportError) -> KeywordEngineError:
        return KeywordEngineError(
            f"OpenSearch at {self.url} refused index {self.name} ({error.status_code} {error.error}):"
            " check MEDLIT_OPENSEARCH_URL and MEDLIT_OPENSEARCH_INDEX."
        )

    @contextmanager
    def _server(self) -> Iterator[None]:
        """A server that stops answering, or refuses, is one sentence to the user, not a traceback."""
        try:
            yield
        except ServerUnreachable:
            raise KeywordEngineError(
                f"The OpenSearch server at {self.url} stopped answering: start it again, then retry."
            ) from None
        except TransportError as error:
            raise self._refused(error) from None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A bulk load: the index is not refreshed while it writes, and is refreshed once at the end."""
        with self._server():
            self.client.indices.put_settings(index=self.name, body={"index": {"refresh_interval": "-1"}})
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            with self._server():
                self.client.indices.put_settings(index=self.name, body={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=self.name)

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> None:
        """Send writes in bulk; outside a bulk load, refresh so that the next search sees them.

        Deleting an article the index never held is not an error: a record can be deleted before it was synced.
        """
        with self._server():
            helpers.bulk(self.client, actions, index=self.name, chunk_size=BULK_CHUNK, ignore_status=(404,))
            if not self.holding:
                self.client.indices.refresh(index=self.name)

    def index(self, docs: Iterable[KeywordDoc], fresh: bool = False) -> int:
        rows = list(docs)
        self._bulk({"_id": pmid, "text": f"{title}\n{abstract}"} for pmid, title, abstract in rows)
        return len(rows)

    def delete(self, pmids: Sequence[str]) -> None:
        if pmids:
            self._bulk({"_op_type": "delete", "_id": pmid} for pmid in pmids)

    def clear(self) -> None:
        with self._server():
            self.client.indices.delete(index=self.name, ignore_unavailable=True)
            self.client.indices.create(index=self.name, body=MAPPING)

    def search(
        self, query: str, k: int, clause: FilterClause | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        text = " ".join(query_words(query))
        if not text or k <= 0 or (allowed is not None and not allowed):
            return []
        words: dict[str, Any] = {"match": {"text": {"query": text, "operator": "or"}}}
        fetch = k
        if allowed is not None:
            articles = self.count()
            if len(allowed) <= IDS_MAX and selective(allowed, articles):
                words = {"bool": {"must": words, "filter": {"ids": {"values": sorted(allowed)}}}}
                allowed = None
            else:
                fetch = overfetch(k, allowed, articles)
        body = {"query": words, "size": fetch, "_source": False, "track_total_hits": False}
        with self._server():
            hits = self.client.search(index=self.name, body=body)["hits"]["hits"]
        found = [(str(hit["_id"]), float(hit["_score"])) for hit in hits]
        return [(p, s) for p, s in found if allowed is None or p in allowed][:k]

    def size_bytes(self) -> int:
        """Bytes of the primary shards (one copy: replicas on a cluster take as much again each)."""
        with self._server():
            stats = self.client.indices.stats(index=self.name, metric="store")
        return int(stats["indices"][self.name]["primaries"]["store"]["size_in_bytes"])

    def count(self) -> int:
        with self._server():
            return int(self.client.count(index=self.name)["count"])
