"""Import: PubMed records into the library, from uploaded files or a live PubMed query.

The import runs in a background thread (one at a time per library), so the app
stays usable; this page shows its progress, lets anyone cancel it (records
committed before the stop are kept) and tells how it ended.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from ingest.eutils import count_query
from ingest.formats import SUPPORTED, reader_for
from pages._shared.auth import record, require
from pages._shared.boot import through_app
from pages._shared.guard import shown_errors
from pages._shared.history import recent_imports_table
from pages._shared.importing import files_work, query_work, uploads_dir
from pages._shared.jobs import ImportJob, registry
from pages._shared.nav import ASK, LIBRARY
from pages._shared.resources import library, settings
from pages._shared.text import md, plural
from retrieval.guard import IdentifiersFound

UPLOAD_TYPES = ["xml", "gz", "txt", "nbib", "medline"]
COUNTED = "import_counted"
REDACT = "import_redact"


def main() -> None:
    st.title("Import PubMed records")
    if not require("curator", "import records"):
        return
    job_panel()
    files_tab, query_tab = st.tabs([":material/upload_file: Upload files", ":material/travel_explore: PubMed query"])
    with files_tab, shown_errors("importing the files"):
        upload_form()
    with query_tab, shown_errors("querying PubMed"):
        query_form()
    recent_imports()


def job_panel() -> None:
    """Progress of the running import, refreshed every second (only while one runs) without rerunning the page."""
    running = registry().current() is not None
    st.fragment(job_status, run_every=1.0 if running else None)()


def job_status() -> None:
    jobs = registry()
    job = jobs.current() or next(iter(jobs.recent(1)), None)
    if job is None:
        return
    with st.container(border=True):
        if job.running:
            st.markdown(f"**Importing:** {md(job.label)}")
            st.progress(job.fraction or 0.0, text=job.progress_text)
            if st.button("Cancel import", icon=":material/stop_circle:", disabled=job.cancelled()):
                job.cancel()
                st.rerun(scope="fragment")
            st.caption("You can keep using the other pages while this runs.")
            st.session_state["watching_job"] = job.id
        else:
            outcome(job)
            if st.session_state.pop("watching_job", None) == job.id:
                st.rerun()  # the import just ended: redraw the whole app with the new library


def outcome(job: ImportJob) -> None:
    summary = job.summary
    counts = f"{summary.added:,} added · {summary.updated:,} updated · {summary.skipped:,} unchanged"
    if summary.deleted:
        counts += f" · {summary.deleted:,} deleted"
    problem = bool(job.failure or summary.failed)  # a damaged file, a stopped fetch, PMIDs NCBI does not have
    kept = summary.added or summary.updated or summary.deleted or summary.skipped
    if job.state == "done" and not problem:
        st.success(f"**Import finished:** {md(job.label)}. {counts}.", icon=":material/check_circle:")
    elif job.state == "cancelled":
        st.warning(
            f"**Import cancelled; records committed before the stop are kept:** {md(job.label)}. {counts}.",
            icon=":material/info:",
        )
    elif job.state == "done" and kept:
        st.warning(f"**Import partly failed:** {md(job.label)}. {counts}.", icon=":material/warning:")
    else:
        st.error(f"**Import failed:** {md(job.label)}. {counts}.", icon=":material/error:")
    for message in job.messages:
        st.markdown(f"- {md(message)}")
    if summary.added or summary.updated:
        st.page_link(ASK, label="Ask a question of the library", icon=":material/question_answer:")


def upload_form() -> None:
    limit = settings().max_upload_mb
    st.caption(f"{SUPPORTED}; up to {limit:,} MB per file. Update files with deletions are applied in order.")
    with st.form("upload_form", clear_on_submit=True):
        uploads = st.file_uploader("PubMed files", type=UPLOAD_TYPES, accept_multiple_files=True)
        submitted = st.form_submit_button("Import files", type="primary", icon=":material/upload:")
    if not submitted:
        return
    if not uploads:
        st.warning("Choose one or more files first.")
        return
    for upload in uploads:
        reader_for(upload.name)  # an unsupported file type is refused before anything runs
    too_big = [f for f in uploads if f.size > limit * 1024 * 1024]
    if too_big:
        st.error(
            f"{md(too_big[0].name)} is {too_big[0].size / 1024 / 1024:,.0f} MB, over the {limit:,} MB upload limit. "
            "Split it, or import it on the server with `python -m ingest files <path>`; nothing was imported."
        )
        return
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads_dir(library())))
    for upload in uploads:
        (folder / Path(upload.name).name).write_bytes(upload.getvalue())
    names = ", ".join(u.name for u in uploads)
    registry().start(f"{plural(len(uploads), 'file')}: {names}", files_work(library(), folder))
    record("import", names)
    st.rerun()


def query_form() -> None:
    st.caption(
        "Runs the query on PubMed and downloads the matching records (records already in the library are "
        "skipped). Set MEDLIT_EMAIL, and MEDLIT_API_KEY for faster downloads, as NCBI asks."
    )
    with st.form("count_form", border=False):
        query = st.text_input("PubMed query", placeholder='e.g. "sepsis"[MeSH] AND randomized controlled trial[pt]')
        left, right = st.columns(2)
        with left:
            since = st.number_input("From year (optional)", 1800, date.today().year, value=None, step=1)
        with right:
            until = st.number_input("To year (optional)", 1800, date.today().year, value=None, step=1)
        counted = st.form_submit_button("Count matching records", icon=":material/calculate:")
    if counted:
        st.session_state.pop(REDACT, None)
        dates = (f"{since}/01/01" if since else None, f"{until}/12/31" if until else None)
        count_matches(query, dates)
    if REDACT in st.session_state:  # the guard stopped the query: offer its redacted version
        refused, dates = st.session_state[REDACT]
        st.warning(md(str(refused)), icon=":material/shield_person:")
        if st.button("Send the redacted query", icon=":material/shield:"):
            st.session_state.pop(REDACT)
            count_matches(refused.result.redacted, dates)
            st.rerun()
    if COUNTED not in st.session_state:
        return
    query, dates, total = st.session_state[COUNTED]
    span = f" published {dates[0] or '…'} – {dates[1] or '…'}" if any(dates) else ""
    st.markdown(f"**{total:,}** PubMed records match `{query.replace('`', '')}`{md(span)}.")
    if not total:
        st.info("Nothing to fetch: change the query or the years.")
        return
    with st.form("fetch_form", border=False):
        limit = st.number_input("Fetch at most", 1, total, value=min(total, 10_000), step=100)
        keep = st.checkbox("Keep this query current (python -m ingest update re-runs it; see What's new)")
        if st.form_submit_button("Fetch records", type="primary", icon=":material/download:"):
            save_as = query[:80] if keep else None
            registry().start(f"PubMed query {query}", query_work(library(), query, int(limit), *dates, save_as))
            record("import", f"PubMed query {query}")
            st.session_state.pop(COUNTED)
            st.rerun()


def count_matches(query: str, dates: tuple[str | None, str | None]) -> None:
    """Count the query's records on PubMed; a query with patient identifiers is not sent (see retrieval.guard)."""
    st.session_state.pop(COUNTED, None)
    try:
        with st.spinner("Asking PubMed…"):
            total = count_query(settings(), query, *dates)
    except IdentifiersFound as refused:
        st.session_state[REDACT] = (refused, dates)  # kept in this session's memory only, never written
        return
    st.session_state[COUNTED] = (query.strip(), dates, total)


def recent_imports() -> None:
    if not recent_imports_table(library(), "Recent imports"):
        return
    st.page_link(LIBRARY, label="Library status and checks", icon=":material/local_library:")


through_app()
main()
