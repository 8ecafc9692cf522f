"""Collections: curated sets of articles with notes and tags, exports for reference managers, saved searches.

Importing a PMID list or a RIS file adds every PMID at once; the records the
library does not have yet are fetched from PubMed in the background (the same
import job as the Import page), so the collection is complete when it ends.

On a team server each collection is private (its owner's) or shared (the team's); the page
shows which, offers only what the person's role allows, and leaves the rules and the audit
log of shared collections to ``retrieval.library.collections``.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from pages._shared.auth import collections, person, record, team
from pages._shared.boot import through_app
from pages._shared.filters import describe, saved_filters
from pages._shared.flash import flash, show_flashes
from pages._shared.guard import shown_errors
from pages._shared.importing import pmids_work
from pages._shared.jobs import registry
from pages._shared.nav import IMPORT, SEARCH, import_link
from pages._shared.resources import is_empty, library
from pages._shared.text import md, plural, short
from retrieval.exports import FORMATS
from retrieval.exports.pmid_list import parse_pmids
from retrieval.exports.ris import pmids_from_ris
from retrieval.library.collections import Collection, Collections, parse_tags
from retrieval.library.evidence import article_design, badge
from retrieval.library.records import Article
from retrieval.library.team import PRIVATE, SHARED

VISIBILITY_LABELS = {PRIVATE: "Private: only me", SHARED: "Shared with the team"}
SELECTED = "coll_selected"
RESELECT = "coll_reselect"  # set the selector again on the next run: the browser keeps a renamed one's old label


def main() -> None:
    st.title("Collections")
    st.caption("Curate reading lists, annotate articles, export them to Zotero or EndNote, keep searches.")
    if is_empty():
        st.info(
            "The library is empty: you can still create collections and import PMID lists or RIS files into "
            "them (missing records are fetched from PubMed), or import records first.",
            icon=":material/inbox:",
        )
        import_link()
    show_flashes()
    if (job := registry().current()) is not None:
        st.info(f"Import running: {md(job.label)} — {md(job.progress_text)}.", icon=":material/cloud_download:")
        st.page_link(IMPORT, label="Follow it on the Import page", icon=":material/upload_file:")
    store = collections()
    chooser, creator = st.columns([2, 1], gap="large")
    with creator, st.expander("New collection", icon=":material/add:", expanded=not store.list_collections()):
        create_form(store)
    everything = store.list_collections()
    with chooser:
        if not everything:
            st.info("No collection yet: create one on the right, or add articles from Search or an article's page.")
            saved_searches(store, None)
            return
        ids = [c.id for c in everything]
        if (again := st.session_state.pop(RESELECT, None)) in ids:
            st.session_state[SELECTED] = again
        if st.session_state.get(SELECTED) not in ids:
            st.session_state[SELECTED] = ids[0]
        by_id = {c.id: c for c in everything}
        chosen = st.selectbox(
            "Collection",
            ids,
            key=SELECTED,
            format_func=lambda i: (
                f"{by_id[i].name} ({plural(by_id[i].size, 'article')})" + visibility_tag(store, by_id[i])
            ),
        )
    collection = by_id[chosen]
    if collection.description:
        st.markdown(md(collection.description))
    access_line(store, collection)
    articles_tab, import_tab, export_tab, searches_tab, settings_tab = st.tabs(
        [
            ":material/list: Articles",
            ":material/playlist_add: Add PMIDs or RIS",
            ":material/download: Export",
            ":material/bookmarks: Saved searches",
            ":material/settings: Rename or delete",
        ]
    )
    with articles_tab, shown_errors("showing the collection"):
        articles_table(store, collection)
    with import_tab, shown_errors("importing into the collection"):
        import_form(store, collection)
    with export_tab, shown_errors("preparing the exports"):
        exports(store, collection)
    with searches_tab, shown_errors("listing saved searches"):
        saved_searches(store, collection)
    with settings_tab, shown_errors("changing the collection"):
        settings_forms(store, collection)
    if store.unattached_saved_searches():
        st.subheader("Saved searches not in a collection")
        with shown_errors("listing saved searches"):
            saved_searches(store, None)


def visibility_tag(store: Collections, collection: Collection) -> str:
    """ " · private" or " · shared" on a team server; nothing for one person's library, where all is theirs."""
    return f" · {collection.visibility}" if store.actor.on_team else ""


def access_line(store: Collections, collection: Collection) -> None:
    """Who sees this collection and who may change it, on a team server."""
    if not store.actor.on_team:
        return
    if not collection.shared:
        st.caption(":material/lock: Private: only you see it.")
    elif store.may_change(collection):
        st.caption(f":material/group: Shared with the team (created by {md(collection.owner)}); changes are audited.")
    else:
        st.caption(
            f":material/group: Shared with the team (created by {md(collection.owner)}). "
            "Only curators can change it; you can read and export it."
        )


def create_form(store: Collections) -> None:
    if st.session_state.pop("create_done", False):  # cleared only once created: a rejected name stays to correct
        st.session_state["create_name"] = st.session_state["create_description"] = ""
    with st.form("create_collection", border=False):
        name = st.text_input("Name", placeholder="e.g. Sepsis guideline 2025", key="create_name")
        description = st.text_area("Description (optional)", height=68, key="create_description")
        visibility = None
        if store.actor.on_team and store.actor.may_share(store.actor.who):
            visibility = st.radio(
                "Who sees it", [PRIVATE, SHARED], format_func=VISIBILITY_LABELS.get, key="create_visibility"
            )
        elif store.actor.on_team:
            st.caption("New collections are private: only you see them. Curators can share collections.")
        if st.form_submit_button("Create", type="primary", icon=":material/add:"):
            with shown_errors("creating the collection"):
                created = store.create(name, description, visibility)
                st.session_state["create_done"] = True
                st.session_state[SELECTED] = created.id
                flash(f"Created “{md(created.name)}”.")
                st.rerun()


def articles_table(store: Collections, collection: Collection) -> None:
    items = store.items(collection.id)
    if not items:
        st.info("This collection is empty. Add articles from Search, from an article's page, or in the next tab.")
        return
    articles = library().store.get_articles([i.pmid for i in items])
    missing = [i.pmid for i in items if i.pmid not in articles]
    if missing:
        st.warning(
            f"{plural(len(missing), 'PMID')} of this collection {'is' if len(missing) == 1 else 'are'} not in the "
            f"library yet ({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}). Import them in the "
            "“Add PMIDs or RIS” tab to fetch them from PubMed.",
            icon=":material/cloud_download:",
        )
    table = pd.DataFrame(
        [
            {
                "Remove": False,
                "Article": f"./article?pmid={item.pmid}",
                "Title": article_title(articles.get(item.pmid)),
                "Year": str(articles[item.pmid].year or "") if item.pmid in articles else "",
                "Evidence": evidence_label(articles.get(item.pmid)),
                "Note": item.note,
                "Tags": ", ".join(item.tags),
            }
            for item in items
        ]
    )
    changeable = store.may_change(collection)
    if changeable:
        st.caption("Edit notes and tags in the table (tags separated by commas), tick rows to remove, then save.")
    # A saved table is a new widget: the browser would clear the same one's pending edits with one more
    # rerun, which drops the message saying what was saved.
    version = st.session_state.setdefault(f"items_version_{collection.id}", 0)
    edited = st.data_editor(
        table,
        key=f"items_{collection.id}_{version}",
        hide_index=True,
        width="stretch",
        disabled=True if not changeable else ["Article", "Title", "Year", "Evidence"],
        column_order=None if changeable else ["Article", "Title", "Year", "Evidence", "Note", "Tags"],
        column_config={
            "Remove": st.column_config.CheckboxColumn(help="Tick, then press Remove"),
            "Article": st.column_config.LinkColumn("PMID", display_text=r"pmid=(\d+)", width="small"),
            "Title": st.column_config.TextColumn(width="large"),
            "Evidence": st.column_config.TextColumn(width="small", help="Study design: SR/MA, RCT, Trial, Obs…"),
            "Year": st.column_config.TextColumn(width="small", help="Empty where PubMed gives no year"),
            "Note": st.column_config.TextColumn(width="medium"),
            "Tags": st.column_config.TextColumn(width="medium"),
        },
    )
    if not changeable:
        return
    save, remove, _ = st.columns([1, 1, 3])
    if save.button("Save notes and tags", icon=":material/save:", type="primary"):
        changed = 0
        for item, (_, row) in zip(items, edited.iterrows(), strict=True):
            note, tags = str(row["Note"] or "").strip(), parse_tags(str(row["Tags"] or ""))
            if note != item.note or tags != item.tags:
                store.annotate(collection.id, item.pmid, note=note, tags=tags)
                changed += 1
        flash(f"Saved notes and tags of {plural(changed, 'article')}." if changed else "Nothing had changed.")
        st.session_state[f"items_version_{collection.id}"] = version + 1
        st.rerun()
    ticked = [item.pmid for item, flag in zip(items, edited["Remove"], strict=True) if flag]
    if remove.button(f"Remove {len(ticked)} ticked", icon=":material/delete:", disabled=not ticked):
        store.remove(collection.id, ticked)
        flash(f"Removed {plural(len(ticked), 'article')} from “{md(collection.name)}”.")
        st.session_state[f"items_version_{collection.id}"] = version + 1
        st.rerun()


def article_title(article: Article | None) -> str:
    return article.title if article else "(not in the library yet)"


def evidence_label(article: Article | None) -> str:
    if article is None:
        return ""
    level, inferred = article_design(article)
    return badge(level.label, article.is_retracted, inferred)


def import_form(store: Collections, collection: Collection) -> None:
    if not store.may_change(collection):
        st.info("Only curators can add to a shared collection.", icon=":material/lock:")
        return
    st.caption(
        "Paste PMIDs (any separators, PubMed links work too) or upload a RIS file exported from Zotero, "
        "EndNote or Mendeley; PMIDs are read from its AN, UR, ID and “PMID:” fields."
    )
    with st.form(f"import_{collection.id}", clear_on_submit=True):
        pasted = st.text_area("PMIDs", placeholder="31452104\n28375731, 30415637", height=100, key="import_pmids")
        upload = st.file_uploader("…or a RIS file", type=["ris", "txt"], key="import_ris")
        submitted = st.form_submit_button("Add to collection", type="primary", icon=":material/playlist_add:")
    if not submitted:
        return
    pmids, notes = parse_pmids(pasted), []
    if upload is not None:
        found = pmids_from_ris(upload.getvalue().decode("utf-8", errors="replace"))
        pmids += [p for p in found.pmids if p not in pmids]
        notes.append(f"{md(upload.name)}: {plural(found.records, 'record')}, {plural(len(found.pmids), 'PMID')} found.")
        if found.without_pmid:
            shown = "; ".join(short(t, 60) for t in found.without_pmid[:3])
            were = "was" if len(found.without_pmid) == 1 else "were"
            notes.append(f"{plural(len(found.without_pmid), 'record')} had no PMID and {were} skipped ({md(shown)}…).")
    if not pmids:
        st.warning("No PMID found: paste PMIDs such as 31452104, or upload a RIS file that contains them.")
        return
    added = store.add(collection.id, pmids)
    missing = [p for p in pmids if p not in library().store.known_pmids(pmids)]
    if added:
        already = len(pmids) - added
        flash(
            f"Added {plural(added, 'article')} to “{md(collection.name)}”"
            + (f" ({already} already there)." if already else ".")
        )
    else:
        what = "the PMID is" if len(pmids) == 1 else f"all {len(pmids)} PMIDs are"
        flash(f"Nothing was added: {what} already in “{md(collection.name)}”.", "info")
    for note in notes:
        flash(note, "info")
    if missing:
        job = registry().start(
            f"{plural(len(missing), 'PMID')} for “{collection.name}”",
            pmids_work(library(), missing, f"PMID list for collection {collection.name}"),
        )
        flash(
            f"{plural(len(missing), 'record')} {'is' if len(missing) == 1 else 'are'} not in the library yet and "
            f"{'is' if len(missing) == 1 else 'are'} being fetched from PubMed (import {job.id}); follow it on the "
            "Import page.",
            "info",
        )
    st.rerun()


def exports(store: Collections, collection: Collection) -> None:
    items = store.items(collection.id)
    if not items:
        st.info("Add articles to this collection to export it.")
        return
    st.caption(
        "RIS and MEDLINE (.nbib) import into Zotero, EndNote and Mendeley; BibTeX into LaTeX tools; CSV opens in "
        "spreadsheets. Notes and tags are included."
    )
    slug = re.sub(r"[^\w\-]+", "-", collection.name).strip("-").lower() or "collection"

    who, log = person().label, team()  # the download callback runs outside this script run
    named = f"collection {collection.name}" if collection.shared else "a private collection"  # its name is private

    def data(key: str):
        def build() -> bytes:
            log.record(who, "export", f"{named} as {key}")
            found = library().store.get_articles([i.pmid for i in items])
            ordered = [found.get(i.pmid) or Article(pmid=i.pmid) for i in items]
            return FORMATS[key].to_bytes(ordered, {i.pmid: i.annotation for i in items})

        return build

    columns = st.columns(3)
    for number, fmt in enumerate(FORMATS.values()):
        with columns[number % 3]:
            st.download_button(
                fmt.label,
                data=data(fmt.key),
                file_name=f"{slug}.{fmt.extension}",
                mime=fmt.mime,
                icon=":material/download:",
                on_click="ignore",
                key=f"export_{fmt.key}_{collection.id}",
                width="stretch",
            )


def saved_searches(store: Collections, collection: Collection | None) -> None:
    searches = store.saved_searches(collection.id) if collection else store.unattached_saved_searches()
    if collection is not None:
        st.caption("Searches saved with this collection attached. Save one from the Search page.")
    if not searches:
        st.info("No saved search yet: run a search on the Search page and save it there.", icon=":material/bookmarks:")
        st.page_link(SEARCH, label="Go to Search", icon=":material/search:")
        return
    for saved in searches:
        state = saved.library_state
        last = state.get("last_ingest") or {}
        with st.container(border=True):
            st.markdown(f"**{md(saved.name)}** · saved {saved.created_at[:16].replace('T', ' ')} UTC")
            st.markdown(f"Query: `{saved.query.replace('`', '')}`")
            if line := describe(*saved_filters(saved.filters)):  # in words, as the search showed them
                st.caption(f"Filters: {md(line)}")
            st.caption(
                f"Library then: {plural(state.get('articles', 0), 'article')}"
                + (
                    f"; last import {md(last.get('source', ''))} on {str(last.get('finished_at', ''))[:10]}"
                    if last
                    else ""
                )
                + f" · {plural(len(saved.result_pmids), 'result')}: {md(', '.join(saved.result_pmids[:8]))}"
                + ("…" if len(saved.result_pmids) > 8 else "")
            )
            left, middle, right = st.columns([1, 1, 1])
            left.page_link(SEARCH, label="Open in Search", icon=":material/search:", query_params={"saved": saved.id})
            middle.download_button(
                "PMIDs",
                data="\n".join(saved.result_pmids) + "\n",
                file_name=f"saved-search-{saved.id}-pmids.txt",
                mime="text/plain",
                icon=":material/download:",
                on_click="ignore",
                key=f"saved_pmids_{saved.id}_{collection.id if collection else 0}",
            )
            if store.actor.may("curator") and right.button(  # saved searches are the team's: curators delete
                "Delete", key=f"del_saved_{saved.id}_{collection.id if collection else 0}", icon=":material/delete:"
            ):
                store.delete_saved_search(saved.id)
                record("delete", f"saved search {saved.name}")
                st.rerun()


def settings_forms(store: Collections, collection: Collection) -> None:
    if store.actor.on_team and store.may_share(collection):
        visibility_form(store, collection)
    if not store.may_change(collection):
        st.info("Only curators can rename or delete a shared collection.", icon=":material/lock:")
        return
    with st.form(f"rename_form_{collection.id}", border=False):
        name = st.text_input("Name", value=collection.name, key=f"rename_{collection.id}")
        description = st.text_area("Description", value=collection.description, height=68)
        if st.form_submit_button("Save name and description", icon=":material/save:"):
            with shown_errors("renaming the collection"):
                renamed = store.rename(collection.id, name)
                store.describe(collection.id, description)
                st.session_state[RESELECT] = collection.id
                flash(f"Saved “{md(renamed.name)}”.")
                st.rerun()
    st.divider()
    confirm = st.checkbox(
        f"Yes, delete “{md(collection.name)}” and its {plural(collection.size, 'article')} list "
        "(the articles stay in the library)",
        key=f"confirm_delete_{collection.id}",
    )
    if st.button("Delete collection", icon=":material/delete_forever:", disabled=not confirm, type="primary"):
        store.delete(collection.id)
        st.session_state.pop(SELECTED, None)
        flash(f"Deleted the collection “{md(collection.name)}”; its articles stay in the library.")
        st.rerun()


def visibility_form(store: Collections, collection: Collection) -> None:
    """A curator shares a collection of their own with the team, or takes it back."""
    with st.form(f"visibility_form_{collection.id}", border=False):
        choice = st.radio(
            "Who sees it",
            [PRIVATE, SHARED],
            index=[PRIVATE, SHARED].index(collection.visibility),
            format_func=VISIBILITY_LABELS.get,
            horizontal=True,
            key=f"visibility_{collection.id}",
        )
        if st.form_submit_button("Save who sees it", icon=":material/group:"):
            with shown_errors("changing who sees the collection"):
                changed = store.set_visibility(collection.id, choice)
                st.session_state[RESELECT] = collection.id
                flash(f"“{md(changed.name)}” is now {changed.visibility}.")
                st.rerun()
    st.divider()


through_app()
main()
