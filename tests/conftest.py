"""pytest hooks, the library fixtures and the browser tests' server; what tests import is in ``tests.library_support``.

``fixture_library`` is one real library (SQLite + FAISS + the real embedding
model) of the fixture articles, built once per test session: tests read it and
never change it. A test that must change a library builds its own with the
``library_factory`` fixture (or ``build_library``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from retrieval.environment import set_process_environment
from retrieval.library import Library
from retrieval.library.records import Article
from tests.library_support import FIXTURE_ARTICLES, FIXTURE_COLLECTIONS, build_library

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The entry points' process environment; stop with one clear sentence when the shared data is missing.

    The test session is an entry point like ``python -m ingest``. Without the shared
    data beside the project, one sentence says where it should be (not 8 import errors).
    """
    set_process_environment()
    # The suite's expectations (int8 vectors, pinned backends) are the CPU's on every machine; the CUDA
    # tests ask for the GPU themselves.
    os.environ.setdefault("MEDLIT_EMBEDDING_DEVICE", "cpu")
    if not SHARED_DATA.is_dir():
        pytest.exit(
            f"The tests read recorded NCBI files and the corpus from {SHARED_DATA}, which does not exist: "
            "put the project folder beside the shared folder.",
            returncode=4,
        )


@pytest.fixture(scope="session")
def library_factory(tmp_path_factory) -> Callable[..., Library]:
    """Build a fresh real library from Articles: ``library_factory(articles, collections=None)``."""

    def make(articles: Iterable[Article], collections: dict[str, list[str]] | None = None) -> Library:
        return build_library(tmp_path_factory.mktemp("library"), articles, collections)

    return make


@pytest.fixture(scope="session")
def fixture_library(library_factory) -> Library:
    """The shared read-only library of FIXTURE_ARTICLES (with FIXTURE_COLLECTIONS)."""
    return library_factory(FIXTURE_ARTICLES, FIXTURE_COLLECTIONS)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A browser test's app, with an empty library in ``tmp_path``; stopped after the test."""
    from browser_support import serve

    with serve(tmp_path / "library", tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where browser tests save screenshots: ``$MEDLIT_SCREENSHOTS_DIR`` (the README's docs/screenshots) when set,
    else the test's tmp dir."""
    folder = Path(os.environ.get("MEDLIT_SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
