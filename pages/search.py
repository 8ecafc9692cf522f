"""Search: ranked articles with facets, selection into a collection, and saved searches with provenance.

A saved search can be opened again from its link (``?saved=<id>``): the query
and filters come back as they were saved.
"""

from __future__ import annotations

from collections import Counter

import streamlit as st

from pages._shared import cards, charts, entities
from pages._shared.auth import collections
from pages._shared.boot import through_app
from pages._shared.filters import describe, restore_filters, sidebar_filters
from pages._shared.guard import empty_library, shown_errors
from pages._shared.nav import ARTICLE
from pages._shared.resources import is_empty, library
from pages._shared.text import md, plural, short
from retrieval.library.collections import CollectionError
from retrieval.library.filters import SearchFilters
from retrieval.search.lookup import typed_pmid
from retrieval.search.relevance import RelevantHits, relevant_search
from retrieval.search.results import Hit

RESULT = "search_result"
NEW_COLLECTION = "New collection…"
SIZES = [10, 25, 50, 100]


def main() -> None:
    st.title("Search the library")
    if is_empty():
        empty_library("Import PubMed records first; then search them here.")
        return
    restore_saved_search()
    filters, prefer = sidebar_filters()
    with st.form("search_form", border=False):
        left, right, go = st.columns([6, 1.2, 1], vertical_alignment="bottom")
        with left:
            query = st.text_input("Search words", key="search_query", placeholder="e.g. vitamin D fractures elderly")
        with right:
            k = st.selectbox("Results", SIZES, index=1, key="search_k")
        with go:
            submitted = st.form_submit_button("Search", type="primary", icon=":material/search:", width="stretch")
    if submitted and (pmid := typed_pmid(query)) and library().store.known_pmids([pmid]):
        st.switch_page(ARTICLE, query_params={"pmid": pmid})
    if submitted:
        with shown_errors("searching"):
            found = relevant_search(library(), query, filters, k=k, prefer_strong_designs=prefer)
            st.session_state[RESULT] = {"query": query.strip(), "filters": filters, "prefer": prefer, "found": found}
            for key in [k for k in st.session_state if str(k).startswith("pick_")]:
                del st.session_state[key]
    result = st.session_state.get(RESULT)
    if result:
        show_results(result["query"], result["filters"], result["prefer"], result["found"])


def restore_saved_search() -> None:
    """``?saved=<id>``: put a saved search's query and filters back into the widgets, once."""
    saved_id = st.query_params.get("saved")
    if not saved_id or st.session_state.get("restored_saved") == saved_id:
        return
    st.session_state["restored_saved"] = saved_id
    with shown_errors("opening the saved search"):
        saved = collections().saved_search(int(saved_id))
        st.session_state["search_query"] = saved.query
        restore_filters(saved.filters)
        st.info(f"Opened the saved search “{md(saved.name)}” from {saved.created_at[:10]}; press Search to run it.")


def show_results(query: str, filters: SearchFilters, prefer: bool, found: RelevantHits) -> None:
    hits = found.hits
    line = describe(filters, prefer)
    st.markdown(f"**{plural(len(hits), 'result')}** for “{md(short(query, 200))}”" + (f" · {md(line)}" if line else ""))
    if not hits:
        st.info(
            f"{md(found.nothing_sentence(query))} Try other words or loosen the filters.", icon=":material/search_off:"
        )
        return
    if len(hits) < found.ranked:
        st.caption(
            f"{plural(len(hits), 'article')} of the {found.ranked} best ranked passed the relevance bar; "
            "the others are not about this query."
        )
    with st.expander("Facets of these results", expanded=True, icon=":material/bar_chart:"):
        facet_charts(hits)
    # Above the list, so they are at hand without scrolling: the ticks are read from the session state.
    selected = [hit.pmid for hit in hits if st.session_state.get(f"pick_{hit.pmid}")]
    with st.expander("Add ticked results to a collection, or save this search", icon=":material/bookmark_add:"):
        left, right = st.columns(2)
        with left:
            add_to_collection(selected)
        with right:
            save_search(query, filters, prefer, hits)
    st.caption("Tick results to add them to a collection, or save this search, with the controls above the list.")
    for rank, hit in enumerate(hits, 1):
        cards.hit_card(hit, rank, select_key=f"pick_{hit.pmid}")


def facet_charts(hits: list[Hit]) -> None:
    years = Counter(h.year for h in hits if h.year)
    levels = Counter(h.level for h in hits)
    terms = Counter(m.descriptor for h in hits if h.article for m in h.article.mesh)
    a, b, c = st.columns(3)
    with a:
        charts.by_year(dict(sorted(years.items())), title="By year", undated=sum(1 for h in hits if not h.year))
    with b:
        charts.by_level(levels, title="By evidence level")
    with c:
        charts.by_term(terms.most_common(8), title="Top MeSH terms")
    entities.facet_lists([h.pmid for h in hits])


def add_to_collection(selected: list[str]) -> None:
    st.markdown(f"**Add {plural(len(selected), 'selected article')} to a collection**")
    names = [c.name for c in collections().changeable()]  # shared ones a reader may not change are not offered
    with st.form("add_form", border=False):
        target = st.selectbox("Collection", [*names, NEW_COLLECTION], key="add_target")
        new_name = st.text_input("Name of the new collection", key="add_new_name", placeholder="Only for a new one")
        added = st.form_submit_button("Add to collection", icon=":material/playlist_add:")
    if added:
        with shown_errors("adding to the collection"):
            if not selected:
                st.warning("Tick the articles to add first (the box left of each result).")
                return
            store = collections()
            try:
                collection = store.create(new_name) if target == NEW_COLLECTION else store.get(target)
            except CollectionError as error:
                st.warning(str(error))
                return
            count = store.add(collection.id, selected)
            already = len(selected) - count
            st.success(
                f"Added {plural(count, 'article')} to “{md(collection.name)}”"
                + (f" ({already} already there)." if already else ".")
            )


def save_search(query: str, filters: SearchFilters, prefer: bool, hits: list[Hit]) -> None:
    st.markdown("**Save this search**")
    st.caption("Keeps the query, filters, date, the library's size and last import, and the PMIDs found.")
    names = [c.name for c in collections().list_collections()]
    with st.form("save_form", border=False):
        name = st.text_input("Name", key="save_name", placeholder=query[:60])
        attach = st.selectbox(  # None: kept on its own, listed apart on the Collections page
            "Attach to collection (optional)",
            [None, *names],
            key="save_collection",
            format_func=lambda name: name or "No collection",
        )
        saved = st.form_submit_button("Save search", icon=":material/bookmark_add:")
    if saved:
        with shown_errors("saving the search"):
            store = collections()
            collection_id = store.get(attach).id if attach is not None else None
            record = store.save_search(
                name,
                query,
                {**filters.as_dict(), **({"prefer_strong_designs": True} if prefer else {})},
                [h.pmid for h in hits],
                collection_id,
            )
            st.success(f"Saved “{md(record.name)}” with {plural(len(record.result_pmids), 'PMID')}.")


through_app()
main()
