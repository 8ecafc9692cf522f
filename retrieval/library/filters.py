"""SearchFilters as SQL over the library's tables.

One condition over ``articles a`` serves every consumer: the BM25 leg puts it in
its FTS query, the dense leg turns it into the set of allowed PMIDs (or chunk
ids) before or after asking FAISS, summaries list a collection with it. Every
user value is a bound parameter, never part of the SQL text.

Matching rules: publication types are alternatives (any of them), MeSH terms
narrow (all of them), both case-insensitive; the journal matches any part of
the journal name ("lancet" finds "Lancet (London, England)").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from retrieval.errors import UserError
from retrieval.library.collections import Collections
from retrieval.library.store import Store


@dataclass
class SearchFilters:
    """Filters a user can put on search, answers and summaries (all optional)."""

    year_from: int | None = None
    year_to: int | None = None
    publication_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    journal: str | None = None
    has_abstract: bool = False
    collection: str | None = None
    exclude_retracted: bool = False

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, [], "")}


class UnknownCollectionError(UserError):
    """A filter names a collection the library does not have."""


@dataclass
class FilterClause:
    sql: str  # a boolean expression over ``articles a``
    params: list = field(default_factory=list)


def is_active(filters: SearchFilters | None) -> bool:
    return bool(filters and filters.as_dict())


def filter_clause(store: Store, filters: SearchFilters | None) -> FilterClause | None:
    """The condition selecting allowed articles, or None when nothing is filtered."""
    if not is_active(filters):
        return None
    assert filters is not None
    parts: list[str] = []
    params: list = []
    if filters.year_from is not None:
        parts.append("a.year >= ?")
        params.append(int(filters.year_from))
    if filters.year_to is not None:
        parts.append("a.year <= ?")
        params.append(int(filters.year_to))
    if filters.publication_types:
        marks = ",".join("?" * len(filters.publication_types))
        parts.append(
            f"EXISTS (SELECT 1 FROM article_types t WHERE t.pmid = a.pmid AND t.pub_type COLLATE NOCASE IN ({marks}))"
        )
        params.extend(filters.publication_types)
    for term in filters.mesh:
        parts.append("EXISTS (SELECT 1 FROM article_mesh m WHERE m.pmid = a.pmid AND m.descriptor = ? COLLATE NOCASE)")
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
        params.append(collection_id(store, filters.collection))
    return FilterClause(" AND ".join(parts), params) if parts else None


def collection_id(store: Store, name: str) -> int:
    """Id of the collection called ``name`` (case-insensitive), or a message naming the ones that exist."""
    collections = Collections(store)
    found = collections.find(name.strip())
    if found is None:
        known = [c.name for c in collections.list_collections()[:20]]
        hint = f" Known collections: {', '.join(known)}." if known else " The library has no collections yet."
        raise UnknownCollectionError(f"There is no collection named {name!r}.{hint}")
    return found.id


def allowed_pmids(store: Store, filters: SearchFilters | None) -> set[str] | None:
    """PMIDs passing the filters, or None when nothing is filtered (everything passes)."""
    clause = filter_clause(store, filters)
    if clause is None:
        return None
    return {r[0] for r in store.conn.execute(f"SELECT a.pmid FROM articles a WHERE {clause.sql}", clause.params)}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
