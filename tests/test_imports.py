"""Imports started from the web app count like the command line: progress, PMIDs not found, messages.

The web app's background jobs run a PubMed query or a PMID list against the
fake E-utilities server; the job records every stage's size and what was
reported done in it, so a record counted twice (once downloaded, once
committed) shows up as progress beyond the stage's total.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pages._shared.importing import pmids_work, query_work
from pages._shared.jobs import ImportJob
from retrieval.library import Library
from tests.fake_eutils import FakeEutils, fast_settings


@dataclass
class CountingJob(ImportJob):
    """An import job that keeps each stage as [name, total, done]."""

    stages: list[list] = field(default_factory=list)

    def stage(self, name: str, total: int | None) -> None:
        super().stage(name, total)
        self.stages.append([name, total, 0])

    def advance(self, n: int) -> None:
        super().advance(n)
        self.stages[-1][2] += n


@pytest.fixture
def fake() -> Iterator[FakeEutils]:
    with FakeEutils() as server:
        yield server


@pytest.fixture
def library(fake: FakeEutils, tmp_path: Path) -> Library:
    return Library(fast_settings(fake, tmp_path / "library", eutils_batch_size=5))


def job() -> CountingJob:
    return CountingJob(1, "test import")


def test_pubmed_query_from_the_web_counts_each_record_once(library: Library):
    counting = job()
    query_work(library, "all[sb]", 12)(counting)
    assert counting.summary.added == 12
    assert [s for s in counting.stages if s[0] == "fetch"] == [["fetch", 12, 12]]
    assert all(done <= total for _, total, done in counting.stages if total is not None), counting.stages


def test_pmids_ncbi_did_not_return_count_as_failed_from_the_web(fake: FakeEutils, library: Library):
    pmids = [*sorted(fake.records)[:2], "99999999"]
    counting = job()
    pmids_work(library, pmids, "PMID list for collection tests")(counting)
    assert (counting.summary.added, counting.summary.failed) == (2, 1)
    assert "1 PMID not found: 99999999." in counting.messages
    assert [s for s in counting.stages if s[0] == "fetch"] == [["fetch", 3, 3]]


def test_already_known_records_are_one_grammatical_sentence(fake: FakeEutils, library: Library):
    first, second = sorted(fake.records)[:2]
    pmids_work(library, [first], "one PMID")(job())
    again = job()
    pmids_work(library, [first, second], "two PMIDs")(again)
    assert again.summary.added == 1
    assert again.messages == ["1 record was already in the library and was not downloaded again."]


def test_a_fetch_that_fails_says_what_is_kept_and_how_to_resume(fake: FakeEutils, tmp_path: Path):
    dead = "http://127.0.0.1:9/entrez/eutils/"  # nothing listens on port 9
    library = Library(fast_settings(fake, tmp_path / "library", eutils_url=dead, eutils_max_retries=0))
    failing = job()
    pmids_work(library, sorted(fake.records)[:2], "two PMIDs")(failing)
    assert failing.summary.failed == 1
    assert failing.messages[0].endswith("; records committed before the failure are kept; run it again to resume.")
