"""Article: one full record, its retraction or errata, its MeSH indexing and the collections it is in.

The PMID comes from the address (``?pmid=31452104``), so every article has a
link that can be bookmarked or sent to a colleague.
"""

from __future__ import annotations

import streamlit as st

from pages._shared import cards, entities
from pages._shared.auth import collections
from pages._shared.boot import through_app
from pages._shared.guard import empty_library, shown_errors
from pages._shared.nav import COLLECTIONS
from pages._shared.resources import is_empty, library
from pages._shared.text import md, plural
from retrieval.exports.fields import DOI_URL, PMC_URL, pubmed_url
from retrieval.library.evidence import article_design
from retrieval.library.records import Article


def main() -> None:
    pmid = pmid_from_address()
    if not pmid:
        st.title("Article")
        if is_empty():
            empty_library("Import PubMed records first; then open any of them here.")
        else:
            st.info(
                "Open an article from Ask, Search or a collection, or type its PMID above.", icon=":material/article:"
            )
        return
    article = library().store.get_article(pmid)
    if article is None:
        st.title("Article")
        st.warning(
            f"PMID {md(pmid)} is not in this library. Check the number, or import it "
            "(Import page, or add it to a collection, which fetches missing records).",
            icon=":material/help:",
        )
        st.markdown(f"It may be on PubMed: {cards.pubmed_markdown(pmid)}")
        return
    show_article(article)


def abstract_paragraphs(article: Article) -> list[str]:
    """The abstract: the sentence an answer cited highlighted when the link carries it (``?quote=``), else the
    drugs and diseases highlighted."""
    quote = st.query_params.get("quote", "").strip()
    if quote and quote in " ".join(s.text for s in article.abstract):
        st.caption(":orange-background[highlighted]: the sentence the answer quoted")
        return cards.abstract_markdown(article.abstract, [quote])
    marked = entities.abstract_paragraphs(article.abstract, article.pmid)
    if marked:
        st.caption(entities.legend())
    return marked or cards.abstract_markdown(article.abstract)


def pmid_from_address() -> str:
    """The PMID in the address, or typed in the box above the record (which then goes into the address)."""
    box, _ = st.columns([1, 3])
    typed = box.text_input("Open a PMID", value=st.query_params.get("pmid", ""), placeholder="e.g. 31452104").strip()
    if typed and typed != st.query_params.get("pmid"):
        st.query_params["pmid"] = typed
    return typed


def show_article(article: Article) -> None:
    level, inferred = article_design(article)
    st.title(md(article.title or f"PMID {article.pmid}"))
    st.markdown(cards.level_badges(level.label, article.is_retracted, long=True, inferred=inferred))
    notices(article)
    if article.authors:
        st.markdown(md(", ".join(article.authors)))
    st.markdown(citation_line(article))
    if missing := not_recorded(article):
        st.caption(f"Not recorded in this PubMed record: {', '.join(missing)}.")
    links = [f"[PubMed :material/open_in_new:]({pubmed_url(article.pmid)})"]
    if article.doi:
        links.append(f"[DOI {md(article.doi)} :material/open_in_new:]({DOI_URL.format(doi=article.doi)})")
    if article.pmcid:
        links.append(
            f"[Full text in PMC ({md(article.pmcid)}) :material/open_in_new:]({PMC_URL.format(pmcid=article.pmcid)})"
        )
    st.markdown(" · ".join(links))

    main_column, side = st.columns([2, 1], gap="large")
    with main_column:
        st.subheader("Abstract")
        if article.abstract:
            for paragraph in abstract_paragraphs(article):
                st.markdown(paragraph)
        else:
            st.caption("This record has no abstract.")
    with side:
        with shown_errors("listing the article's drugs and diseases"):
            entities.article_entities(article.pmid)
        indexing(article)
        with shown_errors("listing the article's collections"):
            in_collections(article.pmid)


def notices(article: Article) -> None:
    for link in article.retractions:
        target = f" See the retraction notice, PMID {link.pmid}." if link.pmid else ""
        st.error(
            f"**This article has been retracted.**{md(target)} Do not rely on its findings.", icon=":material/block:"
        )
    if article.is_retracted and not article.retractions:
        st.error(
            "**This is a retracted publication or a retraction notice.** Do not rely on its findings.",
            icon=":material/block:",
        )
    for link in article.errata:
        what = f"PMID {link.pmid}" if link.pmid else link.source
        st.warning(
            f"**An erratum was published for this article** ({md(what)}); check the correction.",
            icon=":material/edit_note:",
        )


def citation_line(article: Article) -> str:
    """``Journal. 2019 Aug 23;72(9):1234-45.`` as PubMed prints it, escaped."""
    when = article.pub_date or (str(article.year) if article.year else "")
    volume = article.volume + (f"({article.issue})" if article.issue else "")
    where = ";".join(p for p in (when, volume) if p) + (f":{article.pages}" if article.pages else "")
    parts = [p for p in (article.journal or article.journal_abbrev, where) if p]
    return f"*{md('. '.join(parts))}.*" if parts else ""


def not_recorded(article: Article) -> list[str]:
    """What the record leaves out: PubMed gives in-process records no year, type or MeSH yet, and a newcomer should
    not take the missing lines for a page that failed to show them."""
    fields = (("publication year", article.year), ("publication type", article.publication_types))
    return [name for name, value in (*fields, ("MeSH terms", article.mesh)) if not value]


def indexing(article: Article) -> None:
    if article.publication_types:
        st.markdown("**Publication types**")
        st.markdown("  \n".join(md(t) for t in article.publication_types))
    if article.mesh:
        st.markdown("**MeSH terms** (★ major topic)")
        lines = []
        for heading in article.mesh:
            qualifiers = f" / {', '.join(heading.qualifiers)}" if heading.qualifiers else ""
            star = "★ " if heading.major else ""
            text = md(heading.descriptor + qualifiers)
            lines.append(f"{star}**{text}**" if heading.major else text)
        st.markdown("  \n".join(lines))
    for title, values in (("Keywords", article.keywords), ("Chemicals", article.chemicals)):
        if values:
            st.markdown(f"**{title}**")
            st.markdown(md("; ".join(values)))
    if article.language:
        st.caption(f"Language: {md(article.language)}")


def in_collections(pmid: str) -> None:
    store = collections()
    st.markdown("**Collections**")
    listing = st.container()  # filled after the form, so an article just added shows at once
    with st.form("article_add", border=False, clear_on_submit=True):
        names = [c.name for c in store.changeable() if pmid not in store.pmids(c.id)]
        target = st.selectbox("Add to collection", names, index=None, placeholder="Choose a collection")
        new_name = st.text_input("…or a new collection", placeholder="Name of a new collection")
        if st.form_submit_button("Add", icon=":material/playlist_add:"):
            with shown_errors("adding the article"):
                collection = store.create(new_name) if new_name.strip() else store.get(target) if target else None
                if collection is None:
                    st.warning("Choose a collection or type the name of a new one.")
                else:
                    store.add(collection.id, [pmid])
                    st.success(f"Added to “{md(collection.name)}”.")
    with listing:
        member_of = store.containing(pmid)
        for collection in member_of:
            item = next(i for i in store.items(collection.id) if i.pmid == pmid)
            note = f" — {md(item.note)}" if item.note else ""
            tags = " ".join(f":gray-badge[{md(t)}]" for t in item.tags)
            st.markdown(f"- {md(collection.name)} ({plural(collection.size, 'article')}){note} {tags}")
        if not member_of:
            st.caption("Not in any collection yet.")
        st.page_link(COLLECTIONS, label="Manage collections", icon=":material/collections_bookmark:")


through_app()
main()
