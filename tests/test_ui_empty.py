"""Every page on an empty library: no error, a sentence saying what to do, and a link to Import."""

from __future__ import annotations

import pytest
from ui_support import app_test, page_links

PAGES = ["ask", "search", "summaries", "article", "collections", "library"]


@pytest.mark.parametrize("page", PAGES)
def test_page_explains_an_empty_library(page, tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / "empty", f"pages/{page}.py")
    assert not at.exception and not at.error
    assert any("library is empty" in i.value for i in at.info)
    assert "import_records" in page_links(at)


def test_import_page_on_an_empty_library(tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / "empty", "pages/import_records.py")
    assert not at.exception and not at.error
    assert [f.label for f in at.file_uploader] == ["PubMed files"]
    assert not at.dataframe  # no import yet, so no table of them
