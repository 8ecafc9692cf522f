"""How an article looks wherever it appears: a result row, a cited source, a full record.

All record text goes through ``md`` (escaped), so a title or abstract is shown
exactly as written, whatever characters it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from pages._shared.nav import article_link
from pages._shared.text import highlight, md
from retrieval.exports.fields import pubmed_url
from retrieval.library.evidence import BY_LABEL, INFERRED_SUFFIX, OTHER, level_for
from retrieval.library.records import AbstractSection, Article
from retrieval.search.results import Hit

# Badge colour by evidence rank (0 = systematic review / meta-analysis ... 6 = other).
_RANK_COLORS = ("green", "green", "blue", "orange", "gray", "violet", "gray")


def level_badges(level_label: str, retracted: bool, long: bool = False, inferred: bool = False) -> str:
    """Markdown badges: a red retraction warning first, then the study design (inferred: read from the text)."""
    level = BY_LABEL.get(level_label, OTHER)
    text = (level.label.capitalize() if long else level.badge) + (INFERRED_SUFFIX if inferred else "")
    badges = [f":{_RANK_COLORS[level.rank]}-badge[{md(text)}]"]
    if retracted:
        badges.insert(0, ":red-badge[:material/block: Retracted]")
    return " ".join(badges)


def meta_line(year: int | None, journal: str, pmid: str) -> str:
    parts = [str(year) if year else "year unknown", md(journal) if journal else "", f"PMID {pmid}"]
    return " · ".join(p for p in parts if p)


def pubmed_markdown(pmid: str) -> str:
    return f"[PubMed :material/open_in_new:]({pubmed_url(pmid)})"


def hit_card(hit: Hit, rank: int | None = None, select_key: str | None = None) -> bool:
    """One search result, compact; with ``select_key``, a checkbox to select it. Returns whether it is selected."""
    selected = False
    with st.container(border=True):
        if select_key:
            tick, body = st.columns([0.04, 0.96], vertical_alignment="top")
            with tick:
                selected = st.checkbox(f"Select PMID {hit.pmid}", key=select_key, label_visibility="collapsed")
        else:
            body = st.container()
        with body:
            number = f"{rank}\\. " if rank is not None else ""
            st.markdown(f"{number}**{md(hit.title or '(no title)')}**")
            links = f"[Open full record](./article?pmid={hit.pmid}) · {pubmed_markdown(hit.pmid)}"
            meta = meta_line(hit.year, hit.journal, hit.pmid)
            st.markdown(f"{level_badges(hit.level, hit.retracted, inferred=hit.inferred)} :gray[{meta}] · {links}")
            if hit.article is not None and not hit.article.abstract:  # its only passage is the title
                st.caption("No abstract: found by its title.")
            elif hit.sentences:
                st.caption(f"… {md(hit.sentences[0])} …")
    return selected


def abstract_markdown(sections: list[AbstractSection], marked: Sequence[str] = ()) -> list[str]:
    """One Markdown paragraph per section, labels in bold, the ``marked`` sentences highlighted where they occur."""
    paragraphs = []
    for section in sections:
        label = f"**{md(section.label.capitalize())}.** " if section.label else ""
        paragraphs.append(label + marked_text(section.text, marked))
    return paragraphs


def marked_text(text: str, marked: Sequence[str]) -> str:
    spans = sorted((at, at + len(m)) for m in marked if m and (at := text.find(m)) >= 0)
    out, position = [], 0
    for start, end in spans:
        if start >= position:  # overlapping marks: the first wins
            out += [md(text[position:start]), highlight(text[start:end])]
            position = end
    out.append(md(text[position:]))
    return " ".join(part for part in out if part)


def cited_source(number: int, article: Article | None, pmid: str, sentences: Sequence[str], level_label: str) -> None:
    """A citation of an answer: opens to the article's card with the supporting sentences highlighted."""
    title = article.title if article else f"PMID {pmid}"
    label = f"[{number}] {md(title)}" + (f" ({article.year})" if article and article.year else "")
    with st.expander(label):
        if article is None:
            for sentence in sentences:
                st.markdown(f"> {md(sentence)}")
            st.markdown(pubmed_markdown(pmid))
            return
        typed = level_for(article.publication_types, [m.descriptor for m in article.mesh]).label
        st.markdown(level_badges(level_label, article.is_retracted, long=True, inferred=typed != level_label))
        st.caption(meta_line(article.year, article.journal, pmid))
        shown = " ".join(s.text for s in article.abstract)
        for sentence in sentences:
            if sentence not in shown:  # not verbatim in the abstract (e.g. from the title): show it apart
                st.markdown(highlight(sentence))
        for paragraph in abstract_markdown(article.abstract, sentences):
            st.markdown(paragraph)
        left, right = st.columns(2)
        with left:  # the full record highlights the sentence, as the answer's citation marks do
            article_link(pmid, quote=next((s for s in sentences if s in shown), ""))
        with right:
            st.markdown(pubmed_markdown(pmid))
