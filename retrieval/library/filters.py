"""The filters a user can put on search, answers and summaries.

A plain value: the store turns it into one SQL condition over the articles
(``Store.filter_clause``) that both search legs, summaries and facets share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    include_undated: bool = True  # articles without a year pass a year range unless excluded
    # concepts found in the abstracts (retrieval.library.entities): a MeSH id, a "name:…" concept
    # or a display name; each narrows (all of them)
    drugs: list[str] = field(default_factory=list)
    diseases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The filters that differ from no filter at all."""
        defaults = asdict(SearchFilters())
        return {k: v for k, v in asdict(self).items() if v != defaults[k] and v not in (None, [], "")}

    def is_active(self) -> bool:
        return bool(self.as_dict())
