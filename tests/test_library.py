"""The library's store and index stay in agreement through upserts, deletions and damage."""

from __future__ import annotations

import dataclasses
import json

import faiss
import numpy as np
import pytest

from ingest.items import Deletion
from ingest.pipeline import ingest
from retrieval.library import Library
from retrieval.library.records import AbstractSection, Article, MeshHeading
from retrieval.library.vector_index import index_ids
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES


def make_article(pmid: str, title: str, sentences: int = 3, revised: str = "2020-01-01") -> Article:
    body = " ".join(f"Finding number {i} about {title.lower()} was observed in the cohort." for i in range(sentences))
    return Article(
        pmid=pmid,
        title=title,
        abstract=[AbstractSection(body, "RESULTS", "RESULTS")],
        year=2020,
        publication_types=["Journal Article"],
        mesh=[MeshHeading("Humans")],
        date_revised=revised,
    )


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    return Library(Settings(data_dir=tmp_path_factory.mktemp("lib")))


def test_ingest_is_idempotent_and_index_matches_store(library: Library):
    articles = [make_article(str(100 + i), f"Topic {i} and aspirin") for i in range(6)]
    first = ingest(library, articles, kind="test", source="fixture")
    assert (first.added, first.skipped) == (6, 0)
    again = ingest(library, articles, kind="test", source="fixture")
    assert (again.added, again.updated, again.skipped) == (0, 0, 6)
    status = library.status()
    assert status["articles"] == 6
    assert status["vectors"] == status["chunks"] > 0
    assert library.check().ok


def test_long_abstract_is_split_within_the_token_window(library: Library):
    long = make_article("200", "A very long abstract", sentences=80)
    ingest(library, [long], kind="test", source="fixture")
    chunks = library.store.conn.execute("SELECT text FROM chunks WHERE pmid = '200' ORDER BY ord").fetchall()
    assert len(chunks) > 1
    assert all(max(library.embedder.count_tokens([c[0]])) <= library.embedder.max_tokens for c in chunks)
    assert " ".join(c[0] for c in chunks) == long.abstract_text


def test_update_replaces_and_older_revision_does_not(library: Library):
    newer = make_article("100", "Topic 0 revised title", revised="2024-05-01")
    result = ingest(library, [newer], kind="test", source="update")
    assert result.updated == 1
    older = make_article("100", "Topic 0 stale title", revised="2019-01-01")
    assert ingest(library, [older], kind="test", source="old").skipped == 1
    assert library.store.get_article("100").title == "Topic 0 revised title"
    assert library.check().ok


def test_deletion_removes_article_chunks_and_vectors(library: Library):
    chunk_ids = [r[0] for r in library.store.conn.execute("SELECT chunk_id FROM chunks WHERE pmid = '101'")]
    summary = ingest(library, [Deletion(("101", "999999"))], kind="test", source="update")
    assert summary.deleted == 1
    assert library.store.get_article("101") is None
    library.index.load()
    assert not set(chunk_ids) & set(index_ids(library.index.index).tolist())
    assert library.check().ok


def test_check_detects_and_repairs_a_damaged_index(library: Library):
    library.index.load()
    index = library.index.index
    victim = int(index_ids(index)[0])
    index.remove_ids(faiss.IDSelectorBatch(np.array([victim], dtype=np.int64)))
    index.add_with_ids(np.ones((1, index.d), dtype=np.float32), np.array([987654321], dtype=np.int64))
    library.index.save()
    report = library.check()
    assert not report.ok
    assert report.vectors_without_chunk == 1 and report.chunks_without_vector == 1
    repaired = library.check(repair=True)
    assert repaired.repaired and repaired.ok
    assert library.check().ok


def test_large_library_switches_to_the_approximate_index_and_stays_in_sync(tmp_path):
    settings = Settings(data_dir=tmp_path, approx_index_min_vectors=2_000)
    library = Library(settings)
    articles = [Article(pmid=str(5000 + i), title=f"Synthetic {i}") for i in range(2_500)]
    library.store.upsert_articles(articles, "synthetic", lambda a: [a.title])
    ids = library.store.embedded_ids()
    pending = [cid for cid, _ in library.store.pending_chunks(10_000)]
    vectors = np.random.default_rng(1).normal(size=(len(pending), 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    library.store.set_vectors(pending, vectors)
    assert len(ids) == 0 and library.sync_index().rebuilt
    assert library.index.kind == "ivf-sq8" and library.index.ntotal == 2_500
    _, found = library.index.search(vectors[:20], 1)
    assert np.mean(found[:, 0] == np.array(pending[:20])) >= 0.9
    library.store.delete_articles([a.pmid for a in articles[:600]], "synthetic")
    report = library.sync_index()
    assert library.index.kind == "flat" and report.rebuilt and library.index.ntotal == 1_900
    assert library.check().ok


def test_a_record_serialises_as_asdict_did_so_stored_content_hashes_still_match():
    mesh = MeshHeading("Asthma", major=True, qualifiers=("drug therapy", "epidemiology"))
    record = dataclasses.replace(FIXTURE_ARTICLES[0], mesh=[mesh], keywords=["ünïcode", "κ"])
    for article in [*FIXTURE_ARTICLES, record]:
        assert article.to_json() == json.dumps(dataclasses.asdict(article), ensure_ascii=False, sort_keys=True)
        assert Article.from_json(article.to_json()) == article
