"""What's new: for each saved search, the articles it finds that came since its owner last looked.

A saved PubMed query is kept current by ``python -m ingest update`` (run on a schedule), which
records the PMIDs each run finds for the first time. A search saved on the Search page runs
again here over the library, and lists its results imported after the last look. "Mark as
seen" moves that point to now. Each person sees the saved searches they may see (their own, and
those of the collections they see); the last look is the owner's, so only the owner marks one seen.
"""

from __future__ import annotations

import streamlit as st

from pages._shared.auth import collections
from pages._shared.boot import through_app
from pages._shared.guard import shown_errors
from pages._shared.nav import SEARCH, article_link
from pages._shared.resources import library
from pages._shared.text import md, plural
from retrieval.library.collections import SavedSearch
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import search

RESULTS = 50  # a library search looks this deep for new articles


def main() -> None:
    st.title("What's new")
    st.caption(
        "New articles for each saved search since you last looked. Saved PubMed queries are kept current by "
        "`python -m ingest update` (see README: keeping the library current)."
    )
    searches = collections().saved_searches()
    if not searches:
        st.info("No saved search yet: save one on the Search page, or a PubMed query with "
                "`python -m ingest pubmed QUERY --save NAME`.", icon=":material/bookmarks:")  # fmt: skip
        st.page_link(SEARCH, label="Go to Search", icon=":material/search:")
        return
    for saved in searches:
        with st.container(border=True), shown_errors(f"checking {saved.name}"):
            show(saved)


def new_pmids(saved: SavedSearch) -> list[str]:
    store = collections()
    if saved.kind == "pubmed":
        return store.new_since_seen(saved.id)
    fields = SearchFilters.__dataclass_fields__
    filters = SearchFilters(**{k: v for k, v in saved.filters.items() if k in fields})
    hits = search(library(), saved.query, filters, RESULTS, bool(saved.filters.get("prefer_strong_designs")))
    return store.added_since(saved.last_seen_at, [h.pmid for h in hits])


def show(saved: SavedSearch) -> None:
    kind = "PubMed query" if saved.kind == "pubmed" else "library search"
    fresh = new_pmids(saved)
    looked = saved.last_seen_at[:16].replace("T", " ") or "never"
    mine = collections().owns(saved)
    who = "you" if mine else md(saved.owner)
    news = plural(len(fresh), "new article")
    st.markdown(f"**{md(saved.name)}** · {kind} · {news} since {who} looked ({looked} UTC)")
    st.caption(
        f"Query: {md(saved.query)}"
        + (f" · last run {saved.last_run_at[:16].replace('T', ' ')} UTC" if saved.kind == "pubmed" else "")
    )
    if not fresh:
        return
    store = library().store
    for pmid in fresh[:20]:
        article = store.get_article(pmid)
        title = article.title if article else f"PMID {pmid} (not in the library)"
        year = f" ({article.year})" if article and article.year else ""
        left, right = st.columns([5, 1])
        left.markdown(f"- {md(title)}{year} · PMID {pmid}")
        with right:
            article_link(pmid, "Open")
    if len(fresh) > 20:
        st.caption(f"…and {len(fresh) - 20:,} more.")
    if mine and st.button("Mark as seen", key=f"seen_{saved.id}", icon=":material/done_all:"):
        collections().mark_seen(saved.id)
        st.rerun()


through_app()
main()
