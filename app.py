"""MedLit web app: ask questions of a PubMed library, search, curate collections, import records.

Run with ``streamlit run app.py`` (served on 127.0.0.1; add ``--server.address
0.0.0.0`` to serve a team). This script draws what every page shares and then
runs the chosen page; pages live in ``pages/``, shared code in ``pages/_shared/``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from pages._shared.auth import current_person
from pages._shared.auth import sidebar as auth_sidebar
from pages._shared.boot import run_page
from pages._shared.filters import keep_filters_across_pages
from pages._shared.guard import shown_errors
from pages._shared.jobs import registry
from pages._shared.nav import IMPORT, navigation
from pages._shared.resources import library
from pages._shared.resume import resume_interrupted_imports
from pages._shared.text import plural
from retrieval.environment import set_process_environment

set_process_environment()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

# A local image: a Material icon as page_icon makes the browser fetch the favicon from a font CDN.
ICON = str(Path(__file__).resolve().parent / "pages" / "_shared" / "medlit-icon.png")
st.set_page_config(page_title="MedLit", page_icon=ICON, layout="wide")
resume_interrupted_imports()  # a server killed during an import finishes it now, whoever opens a page first
who = current_person()  # with sign-in configured, nobody gets past this unsigned
st.session_state["medlit_person"] = who
keep_filters_across_pages()
page = navigation()

with st.sidebar, shown_errors("reading the library's size"):
    counts = library().store.counts()
    st.caption(f":material/local_library: **MedLit** · {plural(counts['articles'], 'article')} in the library")
    if (job := registry().current()) is not None:
        st.page_link(IMPORT, label=f"Import running: {job.progress_text}", icon=":material/sync:")
    auth_sidebar(who)

with shown_errors(f"showing the {page.title} page"):
    run_page(page)
