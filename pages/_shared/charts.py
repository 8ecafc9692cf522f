"""The small charts pages share: articles by year, by evidence level, by MeSH term."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd
import streamlit as st

from pages._shared.text import plural
from retrieval.library.evidence import LEVELS

HEIGHT = 230
_LEVEL_ORDER = [level.label.capitalize() for level in LEVELS]
_LEVEL_COLORS = ["#2e7d32", "#43a047", "#1e88e5", "#fb8c00", "#9e9e9e", "#8e24aa", "#bdbdbd"]


def by_year(counts: Mapping[int, int], title: str = "Articles by publication year", undated: int = 0) -> None:
    """Articles per year; the ``undated`` ones (most of real PubMed) are said in words, or the chart would pass
    for all of them."""
    if not counts:
        st.caption(
            f"No publication year is recorded for {plural(undated, 'article')}."
            if undated
            else "No publication years to chart."
        )
        return
    data = pd.DataFrame({"Year": [str(y) for y in counts], "Articles": list(counts.values())})
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(color="#1e88e5")
        .encode(
            x=alt.X("Year:O", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("Articles:Q", axis=alt.Axis(tickMinStep=1)),
            tooltip=["Year", "Articles"],
        )
        .properties(height=HEIGHT)
    )
    st.altair_chart(chart, width="stretch", height=HEIGHT + 60)
    if undated:
        st.caption(f"{plural(undated, 'article')} without a publication year, not charted.")


def by_level(counts: Mapping[str, int], title: str = "Articles by evidence level") -> None:
    """Strongest design on top; every level shown, so an absent design is visible as zero."""
    data = pd.DataFrame({"Evidence level": _LEVEL_ORDER, "Articles": [counts.get(level.label, 0) for level in LEVELS]})
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("Evidence level:N", sort=_LEVEL_ORDER, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("Articles:Q", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Evidence level:N", scale=alt.Scale(domain=_LEVEL_ORDER, range=_LEVEL_COLORS), legend=None),
            tooltip=["Evidence level", "Articles"],
        )
        .properties(height=HEIGHT)
    )
    st.altair_chart(chart, width="stretch", height=HEIGHT + 60)


def by_term(counts: list[tuple[str, int]], title: str = "Top MeSH terms") -> None:
    if not counts:
        st.caption("No MeSH terms to chart.")
        return
    data = pd.DataFrame(counts, columns=["MeSH term", "Articles"])
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(color="#00897b")
        .encode(
            y=alt.Y("MeSH term:N", sort="-x", title=None),
            x=alt.X("Articles:Q", axis=alt.Axis(tickMinStep=1)),
            tooltip=["MeSH term", "Articles"],
        )
        .properties(height=HEIGHT)
    )
    st.altair_chart(chart, width="stretch", height=HEIGHT + 60)


STANCES = (
    ("supports", "Says yes", "#43a047"),
    ("neutral", "Neither", "#bdbdbd"),
    ("contradicts", "Says no", "#e53935"),
)


def consensus(stances: list[str]) -> None:
    """How the evidence articles answer a yes/no question: one bar, yes on the left, no on the right, both visible."""
    data = pd.DataFrame(
        [{"Stance": label, "Articles": stances.count(key), "order": i} for i, (key, label, _) in enumerate(STANCES)]
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("sum(Articles):Q", stack="normalize", axis=None, title=None),
            color=alt.Color(
                "Stance:N",
                scale=alt.Scale(domain=[s[1] for s in STANCES], range=[s[2] for s in STANCES]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("order:Q"),
            tooltip=["Stance", "Articles"],
        )
        .properties(height=40)
    )
    st.altair_chart(chart, width="stretch", height=100)
