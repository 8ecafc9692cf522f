"""What the library holds, for filter choices and charts: cached until the library changes.

Every function takes ``resources.version_key()`` as its first argument: Streamlit
hashes it, so the results are recomputed after an import, and never otherwise.
"""

from __future__ import annotations

import streamlit as st

from pages._shared.resources import library
from retrieval.search.facets import level_counts


@st.cache_data(show_spinner=False, max_entries=8)
def year_bounds(version: tuple) -> tuple[int, int] | None:
    return library().store.year_bounds()


@st.cache_data(show_spinner=False, max_entries=8)
def publication_types(version: tuple) -> list[str]:
    """Publication types, most frequent first."""
    return [name for name, _ in library().store.publication_type_counts()]


@st.cache_data(show_spinner=False, max_entries=8)
def publication_type_counts(version: tuple) -> dict[str, int]:
    """Articles of each publication type the library holds, most frequent first."""
    return dict(library().store.publication_type_counts())


@st.cache_data(show_spinner=False, max_entries=8)
def mesh_terms(version: tuple, limit: int = 5000) -> list[str]:
    """MeSH descriptors, most frequent first (the most used ``limit`` of them)."""
    return [name for name, _ in library().store.mesh_counts(limit)]


@st.cache_data(show_spinner=False, max_entries=8)
def articles_by_year(version: tuple) -> dict[int, int]:
    return library().store.articles_by_year()


@st.cache_data(show_spinner="Counting evidence levels…", max_entries=8)
def articles_by_level(version: tuple) -> dict[str, int]:
    """Evidence level counts over the whole library, strongest design first."""
    return level_counts(library())


@st.cache_data(show_spinner=False, max_entries=8)
def entity_names(version: tuple, kind: str, limit: int = 2000) -> list[str]:
    """Display names of the drugs (``Chemical``) or diseases found in the library, most articles first."""
    return list(dict.fromkeys(f.name for f in library().store.entity_facets(None, kind, limit)))
