"""The keyword leg on every engine (SQLite FTS5, embedded tantivy, OpenSearch): ranking, writes, hostile queries.

Real SQLite, real tantivy, a real OpenSearch server; no chunks, so no embedding: the
keyword leg reads the records alone. The tantivy tests skip only where the extra is not
installed; the OpenSearch ones also where no server answers at MEDLIT_OPENSEARCH_URL.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.cli import main as ingest_main
from ingest.items import Deletion
from ingest.pipeline import ingest
from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.library.keyword import KeywordEngineError, tantivy_folder
from retrieval.library.records import AbstractSection
from retrieval.search.hybrid import search
from retrieval.settings import Settings
from tests.library_support import (
    ASTHMA,
    FIXTURE_ARTICLES,
    MALARIA,
    MIGRAINE,
    SLEEP,
    STATINS,
    VITAMIN_D,
    drop_opensearch_index,
    needs_opensearch,
    needs_tantivy,
)

ENGINES = ["fts5", pytest.param("tantivy", marks=needs_tantivy), pytest.param("opensearch", marks=needs_opensearch)]

GOLD = [
    ("kelch13", MALARIA[1]),
    ("rhabdomyolysis simvastatin clarithromycin", STATINS[3]),
    ("erenumab episodic migraine", MIGRAINE[0]),
    ("budesonide adult height", ASTHMA[0]),
    ("sleep deprivation working memory", SLEEP[0]),
    ("vitamin D falls older women", VITAMIN_D[0]),
]
HOSTILE = [
    '"unbalanced',
    'he said "asthma',
    "title:malaria",
    "text:(a OR b)",
    "asthma AND OR NOT",
    "AND",
    "((((",
    "a*b - (c) ^2 ~3",
    "children's asthma",
    "pmid:91000021",
    "\\",
    "naïve Müller–Lyer ß-Thalassämie 糖尿病 😀",
    "+malaria -quinine",
    "[1 TO 5]",
    "{}",
    "the of and",
    " ",
]

NO_CHUNKS: Callable = lambda article: []  # noqa: E731


@pytest.fixture(autouse=True)
def own_opensearch_index(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An OpenSearch test writes to an index of its own, removed after it: the server may hold other indexes."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or callspec.params.get("engine") != "opensearch":
        yield
        return
    name = f"medlit-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("MEDLIT_OPENSEARCH_INDEX", name)
    yield
    drop_opensearch_index(name)


def keyword_library(folder: Path, engine: str, articles=FIXTURE_ARTICLES) -> Library:
    library = Library(Settings(data_dir=folder, keyword_engine=engine, extract_entities=False))
    library.upsert_articles(list(articles), "fixture", NO_CHUNKS)
    return library


def bm25(library: Library, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[str]:
    return [hit.pmid for hit in search(library, query, filters=filters, k=k, method="bm25")]


@pytest.mark.parametrize("engine", ENGINES)
def test_gold_article_comes_first_on_both_engines(tmp_path: Path, engine: str) -> None:
    library = keyword_library(tmp_path, engine)
    assert library.keywords.engine == engine
    for query, pmid in GOLD:
        assert bm25(library, query)[0] == pmid, query
    assert library.keywords.count() == len(FIXTURE_ARTICLES)


@pytest.mark.parametrize("engine", ENGINES)
def test_filters_hold_on_both_engines(tmp_path: Path, engine: str) -> None:
    library = keyword_library(tmp_path, engine)
    narrow = bm25(library, "malaria children", k=10, filters=SearchFilters(year_from=2015))
    assert narrow and set(narrow) <= {MALARIA[2], MALARIA[3], ASTHMA[2], SLEEP[3]}
    broad = bm25(library, "malaria", k=10, filters=SearchFilters(year_from=2005))
    assert set(broad) == set(MALARIA)
    selective = bm25(library, "statin simvastatin", k=10, filters=SearchFilters(year_from=2019))  # 4 of 30 pass
    assert set(selective) == {STATINS[3], STATINS[4]}


@pytest.mark.parametrize("engine", ENGINES)
def test_updates_and_deletions_reach_the_index(tmp_path: Path, engine: str) -> None:
    library = keyword_library(tmp_path, engine)
    old = library.store.get_article(MALARIA[1])
    assert old is not None
    revised = replace(
        old,
        abstract=[AbstractSection("Zanubrutinib was compared with placebo in chronic lymphocytic leukaemia.")],
        date_revised="2099-01-01",
    )
    ingest(library, [revised], kind="test", source="revision")
    assert bm25(library, "zanubrutinib") == [MALARIA[1]]
    assert bm25(library, "kelch13") == []  # its old abstract is gone from the index
    ingest(library, [Deletion([MALARIA[1], STATINS[3]])], kind="test", source="deletions")
    assert bm25(library, "zanubrutinib") == []
    assert STATINS[3] not in bm25(library, "rhabdomyolysis simvastatin clarithromycin", k=10)
    assert library.keywords.count() == len(FIXTURE_ARTICLES) - 2


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_return_results_or_nothing(tmp_path_factory, engine: str, query: str) -> None:
    library = keyword_library(tmp_path_factory.mktemp(engine), engine, FIXTURE_ARTICLES[:12])
    found = library.keywords.search(query, 10)
    assert all(isinstance(p, str) and isinstance(s, float) for p, s in found)
    if "malaria" in query:
        assert found


@pytest.mark.parametrize("engine", ENGINES)
def test_query_words_are_not_syntax(tmp_path: Path, engine: str) -> None:
    library = keyword_library(tmp_path, engine)
    assert bm25(library, "title:kelch13")[0] == MALARIA[1]
    assert bm25(library, '"kelch13')[0] == MALARIA[1]


@needs_tantivy
def test_switching_engine_is_one_sentence_or_a_rebuild(tmp_path: Path) -> None:
    keyword_library(tmp_path, "fts5")
    with pytest.raises(KeywordEngineError, match=r"built with fts5.*keyword-index --engine tantivy"):
        search(Library(Settings(data_dir=tmp_path, keyword_engine="tantivy")), "kelch13", method="bm25")
    assert Library(Settings(data_dir=tmp_path)).keywords.engine == "fts5"  # the setting unset: the library's own

    library = Library(Settings(data_dir=tmp_path, keyword_engine="tantivy"))
    done: list[int] = []
    assert library.rebuild_keyword_index("tantivy", progress=done.append) == len(FIXTURE_ARTICLES)
    assert sum(done) == len(FIXTURE_ARTICLES)
    reopened = Library(Settings(data_dir=tmp_path))
    assert reopened.keywords.engine == "tantivy"
    assert bm25(reopened, "kelch13")[0] == MALARIA[1]

    with pytest.raises(KeywordEngineError, match=r"built with tantivy"):
        bm25(Library(Settings(data_dir=tmp_path, keyword_engine="fts5")), "kelch13")
    reopened.rebuild_keyword_index("fts5")
    assert Library(Settings(data_dir=tmp_path)).keywords.engine == "fts5"


@needs_tantivy
def test_a_removed_tantivy_folder_is_built_again_on_the_next_write(tmp_path: Path) -> None:
    library = keyword_library(tmp_path, "tantivy", FIXTURE_ARTICLES[:-1])
    shutil.rmtree(tantivy_folder(library.settings))
    reopened = Library(Settings(data_dir=tmp_path))
    reopened.upsert_articles(FIXTURE_ARTICLES[-1:], "fixture", NO_CHUNKS)
    assert reopened.keywords.count() == len(FIXTURE_ARTICLES)
    assert bm25(reopened, "kelch13")[0] == MALARIA[1]


def test_a_bulk_load_builds_fts5_once_and_puts_its_triggers_back(tmp_path: Path) -> None:
    library = Library(Settings(data_dir=tmp_path, extract_entities=False))
    with library.bulk_load():
        library.upsert_articles(FIXTURE_ARTICLES[:-5], "fixture", NO_CHUNKS)
        assert bm25(library, "kelch13") == []  # not indexed yet: FTS5 is built at the end
    assert bm25(library, "kelch13") == [MALARIA[1]]
    library.upsert_articles(FIXTURE_ARTICLES[-5:], "fixture", NO_CHUNKS)  # the triggers are back
    assert bm25(library, "chlorhexidine bathing bloodstream")[0] == "91000063"
    library.delete_articles([MALARIA[1]], "deletions")
    assert bm25(library, "kelch13") == []


def test_a_bulk_load_cut_short_is_finished_by_the_next_opening(tmp_path: Path) -> None:
    library = Library(Settings(data_dir=tmp_path, extract_entities=False))
    deferral = library.store.deferred_keyword_index()  # kept: a dropped generator would run its ``finally``
    deferral.__enter__()  # and the process dies inside
    library.upsert_articles(FIXTURE_ARTICLES, "fixture", NO_CHUNKS)
    assert bm25(library, "kelch13") == []
    assert bm25(Library(Settings(data_dir=tmp_path)), "kelch13") == [MALARIA[1]]
    assert library.store.get_meta("fts5_deferred_triggers") is None


@needs_tantivy
def test_the_keyword_index_command_switches_engine_and_check_repairs_a_stale_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path))
    keyword_library(tmp_path, "fts5")
    assert ingest_main(["--quiet", "keyword-index", "--engine", "tantivy"]) == 0
    assert f"{len(FIXTURE_ARTICLES):,} articles on tantivy" in capsys.readouterr().out
    library = Library(Settings(data_dir=tmp_path))
    assert library.status()["keyword_engine"] == "tantivy"
    library.keywords.delete([MALARIA[1]])  # out of step, as after a lost write
    report = library.check(repair=True)
    assert report.keyword_index_off_by == -1 and report.repaired and report.ok
    assert bm25(library, "kelch13") == [MALARIA[1]]


@needs_tantivy
def test_a_bulk_load_on_tantivy_commits_once_and_a_load_cut_short_is_indexed_again(tmp_path: Path) -> None:
    library = keyword_library(tmp_path, "tantivy", FIXTURE_ARTICLES[:5])
    revised = replace(FIXTURE_ARTICLES[0], title="Zanubrutinib in statin users", date_revised="2099-01-01")
    with library.bulk_load():
        library.upsert_articles(FIXTURE_ARTICLES[5:], "fixture", NO_CHUNKS)
        library.upsert_articles([revised], "revision", NO_CHUNKS)  # a record written twice in one load
        assert library.keywords.count() == 5  # nothing committed yet
    assert library.keywords.count() == len(FIXTURE_ARTICLES)
    assert bm25(library, "kelch13") == [MALARIA[1]] and bm25(library, "zanubrutinib") == [STATINS[0]]

    load = library.bulk_load()
    load.__enter__()  # and the load stops inside: the mark of its writes never becomes the real one
    library.upsert_articles([replace(revised, title="Ibrutinib in statin users", date_revised="2100-01-01")], "x")
    del library, load
    reopened = Library(Settings(data_dir=tmp_path))
    reopened.upsert_articles([], "next run", NO_CHUNKS)  # the next write catches up
    assert bm25(reopened, "ibrutinib") == [STATINS[0]] and reopened.keywords.count() == len(FIXTURE_ARTICLES)


def test_tantivy_not_installed_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tantivy", None)  # what an import finds where the extra is not installed
    monkeypatch.delitem(sys.modules, "retrieval.library.tantivy_index", raising=False)
    with pytest.raises(KeywordEngineError, match=r"tantivy, which is not installed: run make install-tantivy"):
        keyword_library(tmp_path, "tantivy")
    assert Library(Settings(data_dir=tmp_path)).store.is_empty()  # nothing was written without its index
