"""End to end: a PubMed query fetched through a faulty fake NCBI into a real SQLite + FAISS library."""

from __future__ import annotations

from pathlib import Path

from ingest.eutils import FetchReport, iter_query
from ingest.pipeline import ingest
from retrieval.library import Library
from tests.fake_eutils import FakeEutils, fast_settings
from tests.fake_eutils.search import search

QUERY = "all[sb]"


def test_query_ingest_survives_faults_and_resumes_without_refetching(tmp_path: Path):
    with FakeEutils(max_window=12) as fake:
        settings = fast_settings(fake, tmp_path, eutils_max_window=12, eutils_batch_size=8, eutils_max_retries=5)
        library = Library(settings)
        newest = search(fake.records.values(), QUERY)[:30]
        fake.inject("503", "429", endpoint="esearch")
        fake.inject("truncate", "reset", "short", "error", "cut", endpoint="efetch")
        report = FetchReport()

        summary = ingest(
            library,
            iter_query(settings, QUERY, max_records=30, known=library.store.known_pmids, report=report),
            kind="pubmed",
            source=QUERY,
        )

        assert (summary.added, summary.failed) == (30, 0)
        assert fake.pending_faults == 0
        assert sorted(library.store.known_pmids(newest)) == sorted(newest)
        status = library.status()
        assert status["articles"] == 30
        assert status["vectors"] == status["chunks"] > 30 and status["pending_embeddings"] == 0
        assert library.check().ok
        article = library.store.get_article(newest[0])
        assert article is not None and article.title
        _, chunk_ids = library.index.search(library.embed_query(article.title), 3)
        assert newest[0] in {row.pmid for row in library.store.chunk_rows(chunk_ids[0].tolist()).values()}
        fetched = [p for r in fake.requests_to("efetch") if r.fault is None for p in r.delivered]
        assert sorted(fetched) == sorted(newest)  # each record downloaded once, apart from the faulty answers
        requests_of_first_run = len(fake.requests)

        again = ingest(
            library,
            iter_query(settings, QUERY, max_records=30, known=library.store.known_pmids),
            kind="pubmed",
            source=QUERY,
        )

        assert again.counts() == {"added": 0, "updated": 0, "deleted": 0, "skipped": 0, "failed": 0}
        assert [r.endpoint for r in fake.requests[requests_of_first_run:] if r.endpoint != "esearch"] == []
        assert library.store.recent_runs(2)[0]["status"] == "done"
