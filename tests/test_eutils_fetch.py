"""Queries, date windows, PMID lists and resuming, against the fake E-utilities server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.eutils import EutilsError, FetchReport, count_query, iter_pmids, iter_query
from ingest.eutils.windows import parse_date
from retrieval.errors import UserError
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils, fast_settings
from tests.fake_eutils.search import search

pytest_plugins = ["tests.fake_eutils.fixtures"]

_AUDIT: list[list[object]] = []


def _record_connects(event: str, args: tuple) -> None:
    if event == "socket.connect" and _AUDIT:
        _AUDIT[-1].append(tuple(args[1]) if isinstance(args[1], tuple) else args[1])


sys.addaudithook(_record_connects)  # audit hooks cannot be removed; it records only while a test listens


@pytest.fixture
def small_window(tmp_path: Path) -> Iterator[tuple[FakeEutils, Settings]]:
    """A server that lists at most 50 PMIDs per search, so the 289 recorded records need date windows."""
    with FakeEutils(max_window=50) as fake:
        yield fake, fast_settings(fake, tmp_path, eutils_max_window=50, eutils_batch_size=50)


def test_count_query_matches_terms_and_publication_dates(fake_eutils: FakeEutils, eutils_settings: Settings):
    records = fake_eutils.records.values()
    in_nineties = search(records, "liver", parse_date("1990", end=False), parse_date("1999", end=True))

    assert count_query(eutils_settings, "liver") == len(search(records, "liver")) > 100
    assert count_query(eutils_settings, "liver", mindate="1990", maxdate="1999") == len(in_nineties) > 5
    assert count_query(eutils_settings, "nonexistentword") == 0
    sent = fake_eutils.requests[1].params
    assert (sent["rettype"], sent["datetype"], sent["mindate"], sent["maxdate"]) == (
        "count",
        "pdat",
        "1990/01/01",
        "1999/12/31",
    )


def test_large_result_set_is_fetched_in_date_windows(small_window: tuple[FakeEutils, Settings]):
    fake, settings = small_window
    everything = search(fake.records.values(), "all[sb]")
    report = FetchReport()

    items = list(iter_query(settings, "all[sb]", report=report))

    assert sorted(item.pmid for item in items) == sorted(everything)  # all 289, each once
    assert len(everything) > 5 * 50
    assert sorted(fake.delivered_pmids()) == sorted(everything)  # nothing downloaded twice
    listings = [r for r in fake.requests_to("esearch") if r.params.get("usehistory") == "y"]
    assert len(listings) >= 6
    for listing in listings:
        assert listing.params["datetype"] == "pdat"
        first = parse_date(listing.params["mindate"], end=False)
        last = parse_date(listing.params["maxdate"], end=True)
        assert 0 < len(search(fake.records.values(), "all[sb]", first, last)) <= 50
    assert report.requested == report.fetched == len(everything) and not report.warnings


def test_a_lower_ncbi_listing_cap_than_configured_is_detected(tmp_path: Path):
    with FakeEutils(max_window=50) as fake:
        settings = fast_settings(fake, tmp_path, eutils_batch_size=100)  # believes NCBI lists 9,999
        wanted = search(fake.records.values(), "all[sb]", parse_date("1985", end=False), parse_date("2024", end=True))

        items = list(iter_query(settings, "all[sb]", mindate="1985", maxdate="2024"))

        assert sorted(item.pmid for item in items) == sorted(wanted)
        assert len(wanted) > 200


def test_max_records_takes_the_newest_hits(small_window: tuple[FakeEutils, Settings]):
    fake, settings = small_window

    items = list(iter_query(settings, "all[sb]", max_records=70))

    assert [item.pmid for item in items] == search(fake.records.values(), "all[sb]")[:70]


def test_unknown_pmids_are_reported_after_a_second_look(fake_eutils: FakeEutils, eutils_settings: Settings):
    real = search(fake_eutils.records.values(), "liver")[:3]
    report = FetchReport()

    items = list(
        iter_pmids(eutils_settings, [real[0], "99999999", real[1], " 99999998", real[2], real[0]], report=report)
    )

    assert [item.pmid for item in items] == real
    assert report.not_found == ["99999999", "99999998"]
    assert report.not_found_line() == "2 PMIDs not found: 99999999, 99999998"
    assert report.requested == 4 + 1 and report.fetched == 3
    asked_for_missing = [r for r in fake_eutils.requests_to("efetch") if "99999999" in r.ids]
    assert len(asked_for_missing) == 2  # once with the batch, once on its own to be sure


def test_pmid_batches_go_by_get_or_post_as_their_length_needs(fake_eutils: FakeEutils, tmp_path: Path):
    pmids = search(fake_eutils.records.values(), "all[sb]")
    settings = fast_settings(fake_eutils, tmp_path, eutils_batch_size=150)

    items = list(iter_pmids(settings, pmids[:160]))
    items += iter_pmids(settings, pmids[160:170])

    assert sorted(item.pmid for item in items) == sorted(pmids[:170])
    fetches = fake_eutils.requests_to("efetch")
    assert [(len(r.ids), r.method) for r in fetches] == [(150, "POST"), (10, "GET"), (10, "GET")]


@pytest.mark.parametrize("bad", [["123", "abc"], ["12x"], ["0"], ["-5"], [""], "31452104"])
def test_non_pmids_are_refused_before_any_request(bad, fake_eutils: FakeEutils, eutils_settings: Settings):
    with pytest.raises(UserError, match="PMID"):
        iter_pmids(eutils_settings, bad)  # at the call, not at the first record
    assert fake_eutils.requests == []


def test_bad_query_and_dates_are_refused_before_any_request(fake_eutils: FakeEutils, eutils_settings: Settings):
    with pytest.raises(UserError, match="query is empty"):
        iter_query(eutils_settings, "  ")  # at the call, not at the first record
    with pytest.raises(UserError, match="max_records"):
        iter_query(eutils_settings, "liver", max_records=0)
    with pytest.raises(UserError, match="not a date"):
        iter_query(eutils_settings, "liver", maxdate="2020/02/30x")
    with pytest.raises(UserError, match="not a date"):
        count_query(eutils_settings, "liver", mindate="last year")
    with pytest.raises(UserError, match="earlier date first"):
        count_query(eutils_settings, "liver", mindate="2020", maxdate="2010")
    assert fake_eutils.requests == []


def test_resume_downloads_only_the_missing_pmids(fake_eutils: FakeEutils, eutils_settings: Settings):
    hits = search(fake_eutils.records.values(), "liver")
    known = set(hits[::2])
    missing = [p for p in hits if p not in known]
    report = FetchReport()

    items = list(iter_query(eutils_settings, "liver", known=lambda ids: known & set(ids), report=report))

    assert [item.pmid for item in items] == missing
    posted = fake_eutils.requests_to("epost")
    assert len(posted) == 1 and posted[0].ids == missing
    assert sorted(fake_eutils.delivered_pmids()) == sorted(missing)
    for fetch in fake_eutils.requests_to("efetch"):  # from the posted set, by position
        assert fetch.params["WebEnv"].startswith("MCID_") and "id" not in fetch.params
    assert (report.already_known, report.fetched) == (len(known), len(missing))


def test_an_interrupted_fetch_continues_where_it_stopped(fake_eutils: FakeEutils, eutils_settings: Settings):
    hits = search(fake_eutils.records.values(), "liver")
    stored: set[str] = set()

    def store_all() -> None:
        for item in iter_query(eutils_settings, "liver", known=lambda ids: stored & set(ids)):
            stored.add(item.pmid)
            if len(stored) == 40:  # NCBI goes down for longer than the retries last
                fake_eutils.inject(*["500"] * (eutils_settings.eutils_max_retries + 1), endpoint="efetch")

    with pytest.raises(EutilsError):
        store_all()
    assert stored == set(hits[:40])
    requests_of_first_run = len(fake_eutils.requests)

    store_all()

    assert stored == set(hits)
    second_run = fake_eutils.requests[requests_of_first_run:]
    assert sorted(p for r in second_run for p in r.delivered) == sorted(hits[40:])


def test_every_request_stays_on_the_configured_address(
    fake_eutils: FakeEutils, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MEDLIT_EUTILS_URL", fake_eutils.url)
    monkeypatch.setenv("MEDLIT_API_KEY", "key-from-env")
    settings = Settings(data_dir=tmp_path, email="tests@example.org", eutils_backoff_s=0.01)
    connected: list[object] = []
    _AUDIT.append(connected)
    try:
        items = list(iter_query(settings, "liver", max_records=25, known=lambda ids: set(ids[:3])))
    finally:
        _AUDIT.remove(connected)

    assert len(items) == 22
    port = int(fake_eutils.url.split(":")[2].split("/")[0])
    assert connected and set(connected) == {("127.0.0.1", port)}
    assert len(connected) == len(fake_eutils.requests)
    for request in fake_eutils.requests:
        assert request.client == "127.0.0.1"
        assert (request.params["tool"], request.params["email"], request.params["api_key"]) == (
            "medlit",
            "tests@example.org",
            "key-from-env",
        )


class RecordingReporter:
    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.advanced = 0

    def stage(self, name: str, total: int | None) -> None:
        self.stages.append((name, total))

    def advance(self, n: int) -> None:
        self.advanced += n

    def cancelled(self) -> bool:
        return False


def test_progress_counts_known_fetched_and_missing_records(fake_eutils: FakeEutils, eutils_settings: Settings):
    hits = search(fake_eutils.records.values(), "liver")[:30]
    known = set(hits[:10])
    by_query, by_pmid = RecordingReporter(), RecordingReporter()

    list(iter_query(eutils_settings, "liver", max_records=30, known=lambda ids: known & set(ids), reporter=by_query))
    list(iter_pmids(eutils_settings, [*hits[:15], "99999999"], known=lambda ids: known & set(ids), reporter=by_pmid))

    assert (by_query.stages, by_query.advanced) == ([("fetch", 30)], 30)
    assert (by_pmid.stages, by_pmid.advanced) == ([("fetch", 16)], 16)


def test_a_day_with_more_records_than_ncbi_lists_is_fetched_in_part_and_reported(tmp_path: Path):
    with FakeEutils(max_window=5) as fake:  # 7 recorded records were published on 1987/06/01
        settings = fast_settings(fake, tmp_path, eutils_max_window=5)
        report = FetchReport()

        items = list(iter_query(settings, "all[sb]", mindate="1987/05/20", maxdate="1987/06/10", report=report))

        assert len(items) == 5
        assert report.warnings == [
            "NCBI listed only 5 of the 7 records published 1987/06/01-1987/06/01, so only those were fetched: "
            "narrow the query to get the rest."
        ]
