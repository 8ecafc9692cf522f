"""Every page runs through app.py, even when Streamlit runs the page file on its own.

Streamlit 1.67 has an older "pages folder" mode, on whenever a ``pages/``
folder exists until a run calls ``st.navigation``: the first visit of a fresh
server to, say, ``/article?pmid=…`` (and every AppTest run after a page switch)
runs the page file alone, without app.py's layout, menu and shared sidebar. A
page that finds itself in that mode switches it off and runs app.py in its
place, in the same run (a rerun would lose the click that started it); app.py
then runs this page again, through the app's own navigation.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[2] / "app.py"


def through_app() -> None:
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
