"""``bench keyword-scale``: records recombined from real sentences, and the FTS5 figures it takes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import keyword_scale
from bench.keyword_scale import Run, measure, read_pool, synthetic_articles
from retrieval.library import Library
from retrieval.library.records import AbstractSection, Article
from retrieval.settings import Settings
from retrieval.text import split_sentences
from tests.library_support import needs_tantivy


def source_library(folder: Path) -> Path:
    library = Library(Settings(data_dir=folder))
    articles = [
        Article(
            pmid=str(100 + i),
            title=f"Statins and outcome {i}",
            abstract=[AbstractSection(f"Statins lowered cholesterol in cohort {i}. Mortality fell by {i} percent.")],
            year=2000 + i,
        )
        for i in range(30)
    ]
    library.store.upsert_articles(articles, "fixture", lambda a: [a.title])
    return library.settings.db_path


def test_synthetic_records_recombine_real_sentences(tmp_path: Path) -> None:
    pool = read_pool(source_library(tmp_path / "source"))
    assert len(pool.titles) == 30 and len(pool.sentences) == 60 and set(pool.lengths) == {2}
    made = synthetic_articles(pool, 1, 50, np.random.default_rng(0))
    assert [a.pmid for a in made] == [str(i) for i in range(1, 51)]
    for article in made:
        sentences = split_sentences(article.abstract_text)
        assert len(sentences) == 2 and set(sentences) <= set(pool.sentences) and article.title in pool.titles


def test_keyword_measure_builds_the_fts_index_and_times_the_bm25_leg(tmp_path: Path) -> None:
    pool = read_pool(source_library(tmp_path / "source"))
    plan = Run("fts5", bulk=False, hybrid=None, repeats=2, seed=0)
    row = measure(500, pool, ["Do statins lower mortality?", "cholesterol cohort"], plan, tmp_path / "big")
    assert row["records"] == 500 and row["records_per_s"] > 0 and row["keyword_rebuild_s"] >= 0
    assert 0 < row["fts_bytes"] == row["keyword_bytes"] < row["db_bytes"]
    assert row["bm25"]["n"] == 4 and row["bm25_first_pass"]["n"] == 2 and row["bm25_cpu"]["n"] == 4
    assert row["fts_build_at_end_s"] == 0 and "hybrid" not in row


@needs_tantivy
def test_keyword_measure_on_tantivy_with_a_bulk_load_and_hybrid_search(tmp_path: Path) -> None:
    pool = read_pool(source_library(tmp_path / "source"))
    plan = Run("tantivy", bulk=True, hybrid="flat", repeats=1, seed=0)
    row = measure(600, pool, ["Do statins lower mortality?", "cholesterol cohort"], plan, tmp_path / "big")
    assert row["engine"] == "tantivy" and row["keyword_rebuild_per_s"] > 0
    assert row["keyword_bytes"] > 0 and 0 < row["fts_bytes"] < row["db_bytes"]  # FTS5 was built at the end
    assert row["bm25"]["n"] == 2
    hybrid = row["hybrid"]
    assert hybrid["vectors"] == 600 and hybrid["index_kind"] == "flat"
    assert hybrid["search"]["n"] == 2 and hybrid["search"]["p50_ms"] >= hybrid["bm25"]["p50_ms"]


def test_keyword_measure_without_the_rebuild_and_with_the_page_cache_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = read_pool(source_library(tmp_path / "source"))
    dropped = []
    monkeypatch.setattr(keyword_scale, "drop_page_cache", lambda: dropped.append(1) or False)
    plan = Run("fts5", bulk=True, hybrid=None, repeats=1, seed=0, no_rebuild=True, cold=True)
    row = measure(300, pool, ["Do statins lower mortality?"], plan, tmp_path / "big")
    assert row["keyword_rebuild_s"] is None and row["keyword_rebuild_per_s"] is None
    assert dropped == [1] and row["page_cache_dropped"] is False  # refused (not root): said, not hidden
    assert row["bm25_first_pass"]["n"] == 1 and row["bm25"]["n"] == 1
