"""Every page runs inside app.py, also when Streamlit starts a page file on its own.

Streamlit 1.67 has no supported way to keep a ``pages/`` folder beside the
entrypoint and always run the entrypoint. Its legacy "pages folder" mode is
switched on for the whole process when the first session starts and a
``pages/`` folder sits beside the entrypoint (``PagesManager.__init__`` in
streamlit/runtime/pages_manager.py), and switched off only by a call of
``st.navigation`` (streamlit/commands/navigation.py). While it is on, the
script runner (``_mpa_v1`` in streamlit/runtime/scriptrunner/script_runner.py)
runs the page file the address names instead of app.py: on the first visit of
a fresh server to, say, ``/article?pmid=…``, and in every AppTest run after a
page switch (``AppTest.run`` starts each run with the mode undecided). No
setting turns the mode off (``client.showSidebarNavigation`` only hides its
menu), and the web app's pages stay in ``pages/``.

So the workaround uses no Streamlit internals: app.py runs the chosen page with
``run_page``, which marks the run as the app's, and each page file ends with
``through_app(); main()``. A page file started by the legacy mode finds no mark
and runs app.py in its place, in the same run (a rerun would lose the click
that started it); app.py's ``st.navigation`` ends the legacy mode for good and
runs the page again, inside the app's layout, menu and shared sidebar.
"""

from __future__ import annotations

import runpy
from contextvars import ContextVar
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import Page

APP = Path(__file__).resolve().parents[2] / "app.py"

# Set while app.py runs a page. Each session's script runs on its own thread, which starts unmarked.
_inside_app: ContextVar[bool] = ContextVar("inside_app", default=False)


def run_page(page: Page) -> None:
    """app.py's run of the page ``st.navigation`` chose, marked as running inside the app."""
    mark = _inside_app.set(True)
    try:
        page.run()
    finally:
        _inside_app.reset(mark)


def through_app() -> None:
    """Called by each page file before its ``main()``: outside app.py, run app.py instead and stop there."""
    if not _inside_app.get():
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
