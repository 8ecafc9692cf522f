"""The Library page: counts, index and model, charts, last imports, and the store/index check."""

from __future__ import annotations

from ui_support import app_test, texts, thin_ui_library

from tests.library_support import FIXTURE_ARTICLES

LIBRARY = "pages/library.py"


def test_counts_charts_imports_and_check(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, LIBRARY)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles"] == str(len(FIXTURE_ARTICLES))
    assert metrics["Retracted"] == "1"
    assert metrics["With abstract"] == str(len(FIXTURE_ARTICLES) - 1)
    assert metrics["Index type"] == "flat"
    assert metrics["Vectors in index"] == str(fixture_library.index.ntotal)
    assert len(at.get("vega_lite_chart")) == 2
    assert any("all\\-MiniLM\\-L6\\-v2" in c.value for c in at.caption)  # Markdown-escaped
    imports = at.dataframe[0].value
    assert list(imports["Source"])[:1] == ["fixture"] and list(imports["Status"])[:1] == ["done"]
    next(b for b in at.button if b.label == "Run the check").click().run()
    assert any("Store and index agree" in s.value for s in at.success)


def test_empty_library_page(tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / "empty", LIBRARY)
    assert any("library is empty" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["Articles"] == "0"


def test_the_year_chart_says_how_many_articles_have_no_year(library_factory, monkeypatch):
    at = app_test(monkeypatch, thin_ui_library(library_factory).settings.data_dir, LIBRARY)
    assert "1 article without a publication year, not charted." in texts(at)
