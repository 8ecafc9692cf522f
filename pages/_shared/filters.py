"""The sidebar filters of Ask, Search and Summaries, kept while the user moves between pages.

Widget keys start with ``flt_``; ``app.py`` re-assigns them on every run so
Streamlit does not drop them on a page without the filters. Stored choices that
no longer exist (a deleted collection, a year range outside the library after a
change) are cleared before the widgets are drawn.
"""

from __future__ import annotations

import streamlit as st

from pages._shared import facets
from pages._shared.auth import collections
from pages._shared.resources import library, version_key
from retrieval.errors import UserError
from retrieval.library.filters import SearchFilters

PREFIX = "flt_"
NO_COLLECTION = "All articles"
RESTORE_YEARS = "restore_years"


def keep_filters_across_pages() -> None:
    """Stop Streamlit from forgetting filter widgets on pages that do not draw them."""
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        st.session_state[key] = st.session_state[key]


def _drop_stale(key: str, allowed) -> None:
    value = st.session_state.get(key)
    if value is None:
        return
    if isinstance(value, list):
        kept = [v for v in value if v in allowed]
        if kept != value:
            st.session_state[key] = kept
    elif value not in allowed:
        del st.session_state[key]


def restore_filters(saved: dict) -> None:
    """Put saved filters (``SearchFilters.as_dict()`` plus ``prefer_strong_designs``) back into the
    sidebar widgets. Every filter the sidebar draws is listed here, next to it, so a filter added
    to the sidebar is not forgotten when a saved search is opened again."""
    f, prefer = saved_filters(saved)
    for key, value in {
        "types": f.publication_types,
        "mesh": f.mesh,
        "drugs": f.drugs,
        "diseases": f.diseases,
        "journal": f.journal or "",
        "abstract": f.has_abstract,
        "retracted": f.exclude_retracted,
        "undated": f.include_undated,
        "prefer": prefer,
    }.items():
        st.session_state[PREFIX + key] = value
    if f.collection:
        st.session_state[PREFIX + "collection"] = f.collection
    if f.year_from or f.year_to:
        st.session_state.pop(PREFIX + "years", None)
        st.session_state[RESTORE_YEARS] = (f.year_from, f.year_to)


def sidebar_filters(with_collection: bool = True) -> tuple[SearchFilters, bool]:
    """Draw the filters; return them and whether stronger study designs rank first."""
    version = version_key()
    filters = SearchFilters()
    with st.sidebar:
        st.subheader("Filters")
        bounds = facets.year_bounds(version)
        if bounds and bounds[0] < bounds[1]:
            if restored := st.session_state.pop(RESTORE_YEARS, None):  # from a saved search
                st.session_state[f"{PREFIX}years"] = (restored[0] or bounds[0], restored[1] or bounds[1])
            stored = st.session_state.get(f"{PREFIX}years")
            if not stored or not (bounds[0] <= stored[0] <= stored[1] <= bounds[1]):
                st.session_state[f"{PREFIX}years"] = bounds
            low, high = st.slider("Publication year", bounds[0], bounds[1], key=f"{PREFIX}years", step=1)
            filters.year_from = low if low > bounds[0] else None
            filters.year_to = high if high < bounds[1] else None
        st.session_state.setdefault(f"{PREFIX}undated", True)
        filters.include_undated = st.checkbox(
            "Include articles with no year",
            key=f"{PREFIX}undated",
            help="Many records give no publication year; untick to keep only dated articles in the year range.",
        )
        types = facets.publication_type_counts(version)  # only the types present, with their counts
        _drop_stale(f"{PREFIX}types", types)
        filters.publication_types = st.multiselect(
            "Publication type",
            list(types),
            key=f"{PREFIX}types",
            format_func=lambda t: f"{t} ({types[t]:,})",
            placeholder="Any type" if types else "No publication type recorded",
            disabled=not types,
            help="Any of the chosen types (articles in the library of each).",
        )
        mesh = facets.mesh_terms(version)
        _drop_stale(f"{PREFIX}mesh", mesh)
        filters.mesh = st.multiselect(  # exact choices: no fuzzy matches, no "Select N matches" on Enter
            "MeSH terms",
            mesh,
            key=f"{PREFIX}mesh",
            placeholder="Any subject",
            help="Articles indexed with all.",
            filter_mode="contains",
            select_all=False,
        )
        for kind, label, field_name in (("Chemical", "Drugs", "drugs"), ("Disease", "Diseases", "diseases")):
            names = facets.entity_names(version, kind)
            _drop_stale(f"{PREFIX}{field_name}", names)
            chosen = st.multiselect(
                label, names, key=f"{PREFIX}{field_name}", placeholder="Any", help="Articles whose abstract names all."
            )
            setattr(filters, field_name, chosen)
        filters.journal = st.text_input("Journal contains", key=f"{PREFIX}journal", placeholder="e.g. lancet").strip()
        if with_collection:
            names = [NO_COLLECTION, *(c.name for c in collections().list_collections())]
            _drop_stale(f"{PREFIX}collection", names)
            chosen = st.selectbox("Collection", names, key=f"{PREFIX}collection")
            filters.collection = None if chosen == NO_COLLECTION else chosen
        filters.has_abstract = st.checkbox("Only articles with an abstract", key=f"{PREFIX}abstract")
        st.session_state.setdefault(f"{PREFIX}retracted", True)
        filters.exclude_retracted = st.checkbox("Exclude retracted articles", key=f"{PREFIX}retracted")
        prefer = st.toggle(
            "Prefer stronger study designs",
            key=f"{PREFIX}prefer",
            help="Ranks systematic reviews and randomized trials above weaker designs of similar relevance.",
        )
    filters.journal = filters.journal or None
    with st.sidebar:
        removed_caption(filters)
    return filters, prefer


def removed_caption(filters: SearchFilters) -> None:
    """Say how many articles the filters leave out (a year range keeps undated ones unless told otherwise)."""
    store = library().store
    if not filters.is_active() or not (total := store.article_count()):
        return
    try:
        kept = len(store.allowed_pmids(store.filter_clause(filters)))
    except UserError:  # an unknown collection: the search says so
        return
    line = f"The filters leave out {total - kept:,} of the library's {total:,} articles"
    if filters.year_from or filters.year_to:
        undated = total - len(store.allowed_pmids(store.filter_clause(SearchFilters(include_undated=False))))
        if undated:
            line += f"; the {undated:,} with no year are {'kept' if filters.include_undated else 'left out'}"
    st.caption(line + ".")


def saved_filters(stored: dict) -> tuple[SearchFilters, bool]:
    """A saved search's filters and whether it ranked stronger designs first (keys no longer known are skipped)."""
    known = SearchFilters.__dataclass_fields__
    return SearchFilters(**{k: v for k, v in stored.items() if k in known}), bool(stored.get("prefer_strong_designs"))


def describe(filters: SearchFilters, prefer: bool = False) -> str:
    """The active filters in one line (for captions and saved searches); empty when none."""
    parts = []
    if filters.year_from or filters.year_to:
        parts.append(f"{filters.year_from or '…'}–{filters.year_to or '…'}")
    if not filters.include_undated:
        parts.append("articles with no year excluded")
    parts += filters.publication_types
    parts += [f"MeSH: {m}" for m in filters.mesh]
    parts += [f"drug: {d}" for d in filters.drugs]
    parts += [f"disease: {d}" for d in filters.diseases]
    if filters.journal:
        parts.append(f"journal contains “{filters.journal}”")
    if filters.collection:
        parts.append(f"collection “{filters.collection}”")
    if filters.has_abstract:
        parts.append("with abstract")
    if filters.exclude_retracted:
        parts.append("retracted excluded")
    if prefer:
        parts.append("stronger designs first")
    return " · ".join(parts)
