"""Heavy objects loaded once per process and shared by every browser session.

The library (SQLite store, FAISS index and, on first use, the embedding model)
is opened once per data folder with ``st.cache_resource``. Each page run calls
``Library.refresh`` so an index replaced by an import in another process is
picked up without a restart; imports run from this app update the shared
library object directly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from retrieval.library import Library
from retrieval.settings import Settings, get_settings

log = logging.getLogger("medlit.web")


@st.cache_resource(show_spinner="Opening the library…")
def _open_library(data_dir: str) -> Library:
    return Library(Settings(data_dir=Path(data_dir)))


def settings() -> Settings:
    return get_settings()


def library() -> Library:
    """The shared library of the data folder now configured (``MEDLIT_DATA_DIR``)."""
    lib = _open_library(str(settings().data_dir.resolve()))
    lib.refresh()
    return lib


def version_key() -> tuple:
    """Identifies the library's content: the cache key of facets and charts derived from it."""
    lib = library()
    return (str(lib.settings.data_dir), *lib.store.content_version())


def is_empty() -> bool:
    return version_key()[1] == 0
