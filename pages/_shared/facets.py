"""What the library holds, for filter choices and charts: cached until the library changes.

Every function takes ``resources.version_key()`` as its first argument: Streamlit
hashes it, so the results are recomputed after an import, and never otherwise.
"""

from __future__ import annotations

from collections import Counter

import streamlit as st

from pages._shared.resources import library
from retrieval.library.evidence import LEVELS
from retrieval.search.hybrid import design_levels


@st.cache_data(show_spinner=False, max_entries=8)
def year_bounds(version: tuple) -> tuple[int, int] | None:
    low, high = library().store.conn.execute("SELECT min(year), max(year) FROM articles").fetchone()
    return (int(low), int(high)) if low is not None else None


@st.cache_data(show_spinner=False, max_entries=8)
def publication_types(version: tuple) -> list[str]:
    """Publication types, most frequent first."""
    rows = library().store.conn.execute(
        "SELECT pub_type, count(*) AS n FROM article_types GROUP BY pub_type ORDER BY n DESC, pub_type"
    )
    return [r[0] for r in rows]


@st.cache_data(show_spinner=False, max_entries=8)
def mesh_terms(version: tuple, limit: int = 5000) -> list[str]:
    """MeSH descriptors, most frequent first (the most used ``limit`` of them)."""
    rows = library().store.conn.execute(
        "SELECT descriptor, count(*) AS n FROM article_mesh GROUP BY descriptor ORDER BY n DESC, descriptor LIMIT ?",
        (limit,),
    )
    return [r[0] for r in rows]


@st.cache_data(show_spinner=False, max_entries=8)
def articles_by_year(version: tuple) -> dict[int, int]:
    rows = library().store.conn.execute(
        "SELECT year, count(*) FROM articles WHERE year IS NOT NULL GROUP BY year ORDER BY year"
    )
    return {int(year): n for year, n in rows}


@st.cache_data(show_spinner="Counting evidence levels…", max_entries=8)
def articles_by_level(version: tuple) -> dict[str, int]:
    """Evidence level counts over the whole library, strongest design first."""
    pmids = library().store.all_pmids()
    counts = Counter(design_levels(library().store.conn, pmids).values())
    return {level.label: counts.get(level.label, 0) for level in LEVELS}
