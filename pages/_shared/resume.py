"""A server stopped in the middle of an import (``kill -9``, a crash, a power cut) finishes it when it starts again.

The import's run was left 'running' and what it had committed was not yet embedded, so the
library's check would not be clean. On the first page run of a new server process this closes
those runs as interrupted (``ingest.liveness``) and starts one background import, shown on
the Import page like any other: uploads whose folder is still there are read again (what was
committed counts as unchanged), otherwise what was committed is embedded and indexed and the
page says what to import again.
"""

from __future__ import annotations

import logging

import streamlit as st

from ingest.liveness import close_interrupted_runs
from pages._shared.importing import resume_work, uploads_dir
from pages._shared.jobs import registry
from pages._shared.resources import library

log = logging.getLogger("medlit.web")
LABEL = "Finishing the import the server was stopped in"


@st.cache_resource(show_spinner=False)
def _resumed(data_dir: str) -> int | None:
    """Once per process and data folder: the id of the job resuming what a stopped server left, if anything was."""
    lib = library()
    runs = close_interrupted_runs(lib)
    folders = [f for f in sorted(uploads_dir(lib).iterdir()) if f.is_dir() and any(f.iterdir())]
    if not runs and not folders:
        return None
    log.warning("resuming %d interrupted import(s) and %d unfinished upload(s)", len(runs), len(folders))
    return registry().start(LABEL, resume_work(lib, runs, folders)).id


def resume_interrupted_imports() -> None:
    _resumed(str(library().settings.data_dir))
