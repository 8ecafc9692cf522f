"""Summaries: a topic or a collection in; its themes, what each found (cited), and the shape of the evidence out.

The overview written by a language model is guarded as Ask's answers are: a typed topic with
patient identifiers is not sent to a remote model. The page says what kinds were found, shows
the redacted topic and summarises that on request (locally too). The topic lives only in this
session's memory: nothing here logs or saves it.
"""

from __future__ import annotations

import streamlit as st

from pages._shared import cards, charts, entities
from pages._shared.auth import collections
from pages._shared.boot import through_app
from pages._shared.filters import describe, sidebar_filters
from pages._shared.guard import empty_library, redacted_resend, shown_errors
from pages._shared.resources import is_empty, library
from pages._shared.text import md, plural
from retrieval.answers.llm.outbound import outbound_question
from retrieval.answers.summaries import Summary, summarize
from retrieval.guard import IdentifiersFound
from retrieval.library.filters import SearchFilters

RESULT = "summary_result"
REDACT = "summary_redact"
TOPIC, COLLECTION = "A topic", "A collection"


def main() -> None:
    st.title("Summaries")
    st.caption("Groups the most relevant articles into themes and shows what each theme found, with citations.")
    if is_empty():
        empty_library("Import PubMed records first; then summarise a topic or a collection.")
        return
    filters, _ = sidebar_filters(with_collection=False)
    names = [c.name for c in collections().list_collections()]
    # required: clicking the chosen option again must not leave neither chosen
    source = st.segmented_control("Summarise", [TOPIC, COLLECTION], default=TOPIC, required=True, key="summary_source")
    with st.form("summary_form", border=False):
        topic = collection = None
        if source == TOPIC:
            topic = st.text_input("Topic", placeholder="e.g. migraine prevention", key="summary_topic")
        elif names:
            collection = st.selectbox(
                "Collection", names, index=None, placeholder="Choose a collection", key="summary_collection"
            )
        else:
            st.info("There is no collection yet: create one on the Collections page.")
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        with left:
            k = st.slider("Articles to summarise (most relevant first)", 10, 100, 40, step=10, key="summary_k")
            narrative = st.checkbox("Also write an overview with the language model (slower)", key="summary_llm")
        with right:
            submitted = st.form_submit_button("Summarise", type="primary", icon=":material/summarize:", width="stretch")
    if submitted:
        st.session_state.pop(RESULT, None)  # a refused or failed topic must not leave the previous summary under it
        st.session_state.pop(REDACT, None)
        with shown_errors("summarising"):
            if source == COLLECTION and not collection:
                st.warning("Choose a collection to summarise (or create one on the Collections page).")
            else:
                request = {
                    "query": topic if source == TOPIC else None,
                    "collection": collection if source == COLLECTION else None,
                    "k": k,
                    "narrative": narrative,
                }
                guarded_summary(request, filters)
    held = st.session_state.get(REDACT)  # patient identifiers kept the topic from a remote model
    if held and redacted_resend(REDACT, refused_sentence(held[0]), "Summarise the redacted topic"):
        refused, request = held
        with shown_errors("summarising"):
            run_summary({**request, "query": refused.result.searchable}, filters)
    if RESULT in st.session_state:
        show_summary(*st.session_state[RESULT])


def guarded_summary(request: dict, filters: SearchFilters) -> None:
    """Summarise, unless the overview would send a topic with identifiers to a remote model (the page then offers
    the redacted topic). Checked before any work, as Ask checks a question."""
    try:
        if request["narrative"] and request["query"]:
            outbound_question(library().settings, request["query"])
        run_summary(request, filters)
    except IdentifiersFound as refused:
        st.session_state[REDACT] = (refused, request)  # this session's memory only, never written


def run_summary(request: dict, filters: SearchFilters) -> None:
    with st.spinner("Reading the articles and finding themes…"):
        summary = summarize(library(), filters=filters, **request)
    st.session_state[RESULT] = (summary, describe(filters))


def refused_sentence(refused: IdentifiersFound) -> str:
    return (
        f"Not sent to {refused.destination}: the topic looks like it holds patient identifiers "
        f"({refused.result.kinds()}). Remove them, or summarise the redacted topic: {refused.result.redacted}"
    )


def show_summary(summary: Summary, filter_line: str) -> None:
    subject = f"“{md(summary.query)}”" if summary.query else f"the collection “{md(summary.collection or '')}”"
    st.subheader(f"Summary of {subject}")
    if filter_line:
        st.caption(f"Filters: {md(filter_line)}")
    if not summary.articles:
        reason = summary.nothing or "No article matched."
        st.info(f"{md(reason)} There is nothing to summarise. Try other words or loosen the filters.")
        return
    st.markdown(f"**{plural(summary.articles, 'article')}** in {plural(len(summary.themes), 'theme')}.")
    if summary.collection and (missing := not_in_library(summary.collection)):
        st.caption(
            f"{plural(len(missing), 'PMID')} of the collection {'is' if len(missing) == 1 else 'are'} not in the "
            f"library ({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}), so not summarised: import "
            f"{'it' if len(missing) == 1 else 'them'} on the Collections page."
        )
    if summary.articles < summary.ranked:
        st.caption(
            f"{summary.articles} of the {summary.ranked} best-ranked articles passed the relevance bar; "
            "only they are summarised."
        )
    left, right = st.columns(2)
    with left:
        years = {int(y): n for y, n in summary.counts_by_year.items() if y.isdigit()}
        charts.by_year(dict(sorted(years.items())), undated=summary.counts_by_year.get("unknown", 0))
    with right:
        charts.by_level(summary.counts_by_level)

    entities.facet_lists(list(dict.fromkeys(p for theme in summary.themes for p in theme.pmids)))

    if summary.narrative:
        with st.container(border=True):
            st.markdown("**Overview** (written by the language model; every sentence checked against its sources)")
            st.markdown(md(summary.narrative))

    articles = library().store.get_articles([p for theme in summary.themes for p in theme.pmids])
    for number, theme in enumerate(summary.themes, start=1):
        with st.container(border=True):
            st.markdown(f"#### {number}. {md(theme.label.capitalize())}")
            st.caption(plural(len(theme.pmids), "article"))
            for finding in theme.findings:
                st.markdown(f"- {md(finding.sentence)} [\\[PMID {finding.pmid}\\]](./article?pmid={finding.pmid})")
            with st.expander("Articles in this theme"):
                for pmid in theme.pmids:
                    title = articles[pmid].title if pmid in articles else f"PMID {pmid}"
                    st.markdown(f"- [{md(title)}](./article?pmid={pmid}) · PMID {pmid} · {cards.pubmed_markdown(pmid)}")


def not_in_library(name: str) -> list[str]:
    """The PMIDs of a collection whose records the library does not have (yet)."""
    store = collections()
    if (collection := store.find(name)) is None:
        return []
    pmids = store.pmids(collection.id)
    known = set(library().store.known_pmids(pmids))
    return [p for p in pmids if p not in known]


through_app()
main()
