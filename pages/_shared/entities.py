"""Drugs and diseases found in abstracts: facet charts, highlighted abstracts, reported adverse effects.

Entity text comes from the records, so it is escaped like every record text (``text.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from pages._shared.resources import library
from pages._shared.text import md
from retrieval.library.records import AbstractSection

COLOURS = {"Chemical": "blue", "Disease": "red"}
_SPACE = re.compile(r"\s+")


def facet_lists(pmids: Sequence[str], limit: int = 12) -> None:
    """The drugs and the diseases most articles among ``pmids`` name, with their article counts
    (one entry per concept: "acetaminophen", "paracetamol" and "APAP" are one drug)."""
    store = library().store
    for kind, title in (("Chemical", "Drugs"), ("Disease", "Diseases")):
        found = store.entity_facets(list(pmids), kind, limit)
        badges = " ".join(f":{COLOURS[kind]}-badge[{md(f.name)} · {f.count}]" for f in found)
        st.markdown(f"**{title}** " + (badges or "none found in these abstracts"))


def _escaped(text: str) -> str:
    return md(text.replace("\n", " ")) if text.strip() else _SPACE.sub(" ", text)


def highlighted(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """``text`` escaped for Markdown, each (start, end, type) span on its type's colour."""
    out, position = [], 0
    for start, end, kind in sorted(spans):
        if start < position or end > len(text):
            continue
        piece = text[position:start]
        out.append(_lead(piece) + _escaped(piece) + _trail(piece))
        out.append(f":{COLOURS.get(kind, 'gray')}-background[{md(text[start:end])}]")
        position = end
    rest = text[position:]
    out.append(_lead(rest) + _escaped(rest))
    return "".join(out)


def _lead(piece: str) -> str:
    return " " if piece[:1].isspace() and piece.strip() else ""


def _trail(piece: str) -> str:
    return " " if piece[-1:].isspace() else ""


def abstract_paragraphs(sections: Sequence[AbstractSection], pmid: str) -> list[str] | None:
    """The abstract's sections with drugs and diseases highlighted, or None when none were found."""
    rows = [r for r in library().store.article_entities(pmid) if r.section == "abstract"]
    if not rows:
        return None
    paragraphs, offset = [], 0
    for section in sections:
        if not section.text:
            continue
        end = offset + len(section.text)
        spans = [(r.start - offset, r.end - offset, r.type) for r in rows if offset <= r.start and r.end <= end]
        label = f"**{md(section.label.capitalize())}.** " if section.label else ""
        paragraphs.append(label + highlighted(section.text, spans))
        offset = end + 1  # sections are joined with one space
    return paragraphs


def legend() -> str:
    return ":blue-background[drug or chemical] · :red-background[disease]"


def article_entities(pmid: str) -> None:
    """The article's drugs and diseases, and for each drug the conditions abstracts report it to cause."""
    store = library().store
    rows = store.article_entities(pmid)
    if not rows:
        return
    st.markdown("**Drugs and diseases**")
    seen: dict[tuple[str, str], str] = {}
    for r in rows:
        seen.setdefault((r.type, r.concept), r.name)
    for kind, label in (("Chemical", "Drugs"), ("Disease", "Diseases")):
        names = sorted({n for (t, _), n in seen.items() if t == kind}, key=str.lower)
        if names:
            st.markdown(f"{label}: " + ", ".join(f":{COLOURS[kind]}-badge[{md(n)}]" for n in names))
    for (kind, concept), name in seen.items():
        if kind == "Chemical":
            adverse_effects(concept, name)


def adverse_effects(concept: str, name: str) -> None:
    """Conditions the library's abstracts report ``concept`` to induce, each with its citing PMIDs."""
    effects = library().store.adverse_effects(concept)
    if not effects:
        return
    with st.expander(f"Reported adverse effects of {md(name)}"):
        for _, condition, pmids in effects:
            links = ", ".join(f"[{p}](./article?pmid={p})" for p in pmids[:20])
            more = f" and {len(pmids) - 20} more" if len(pmids) > 20 else ""
            st.markdown(f"- {md(condition)}: PMID {links}{more}")
