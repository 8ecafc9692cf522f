"""The OpenSearch keyword engine where it cannot run, and what only it does (its ranking, writes and hostile
queries are the shared engine tests of ``tests/test_keyword_engines.py``).

Asking for it without the package or without a server is one sentence, and nothing is
written; every library gets an index of its own. The live test skips where no server
answers at MEDLIT_OPENSEARCH_URL.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import uuid
from pathlib import Path

import pytest

from retrieval.library import Library
from retrieval.library.keyword import KeywordEngineError, opensearch_index
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES, MALARIA, OPENSEARCH_URL, drop_opensearch_index, needs_opensearch
from tests.test_keyword_engines import NO_CHUNKS, bm25


def silent_port() -> int:
    """A loopback port nobody listens on: bound, then let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_server_is_one_sentence_and_nothing_is_written(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{silent_port()}"
    library = Library(Settings(data_dir=tmp_path, keyword_engine="opensearch", opensearch_url=url))
    with pytest.raises(KeywordEngineError) as raised:
        library.upsert_articles(FIXTURE_ARTICLES[:3], "fixture", NO_CHUNKS)
    message = str(raised.value)
    assert "\n" not in message
    if importlib.util.find_spec("opensearchpy") is not None:
        assert message.startswith(f"No OpenSearch server answers at {url}: start one")
    else:
        assert "opensearch, which is not installed: run make install-opensearch" in message
    assert Library(Settings(data_dir=tmp_path)).store.is_empty()


def test_opensearch_not_installed_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opensearchpy", None)  # what an import finds where the extra is not installed
    monkeypatch.delitem(sys.modules, "retrieval.library.opensearch_index", raising=False)
    library = Library(Settings(data_dir=tmp_path, keyword_engine="opensearch"))
    with pytest.raises(KeywordEngineError, match=r"opensearch, which is not installed: run make install-opensearch"):
        library.upsert_articles(FIXTURE_ARTICLES[:3], "fixture", NO_CHUNKS)
    assert library.store.is_empty()


def test_each_library_folder_names_an_index_of_its_own(tmp_path: Path) -> None:
    first, second = tmp_path / "Library One", tmp_path / "other" / "Library One"
    names = {opensearch_index(Settings(data_dir=folder)) for folder in (first, second)}
    assert len(names) == 2
    for name in names:
        assert name.startswith("medlit-library-one-") and name == name.lower() and " " not in name
    assert opensearch_index(Settings(data_dir=first, opensearch_index="shared")) == "shared"


@needs_opensearch
def test_a_bulk_load_on_opensearch_is_searchable_when_it_ends_and_clear_empties_it(tmp_path: Path) -> None:
    name = f"medlit-test-{uuid.uuid4().hex[:12]}"
    library = Library(
        Settings(data_dir=tmp_path, keyword_engine="opensearch", opensearch_url=OPENSEARCH_URL, opensearch_index=name)
    )
    try:
        with library.bulk_load():
            library.upsert_articles(FIXTURE_ARTICLES, "fixture", NO_CHUNKS)
        assert library.keywords.count() == len(FIXTURE_ARTICLES) and library.keywords.size_bytes() > 0
        assert bm25(library, "kelch13") == [MALARIA[1]]
        library.keywords.clear()
        assert library.keywords.count() == 0 and bm25(library, "kelch13") == []
    finally:
        drop_opensearch_index(name)
