"""Reading real NCBI answers, the retry policy's arithmetic and the date windows, without a server."""

from __future__ import annotations

import http.client
import itertools
from datetime import date
from pathlib import Path
from urllib.error import HTTPError, URLError

import pytest
from Bio import Entrez

from ingest.eutils.errors import EutilsError, UnusableResponse
from ingest.eutils.responses import History, read_post, read_records, read_search
from ingest.eutils.retry import backoff_delay, with_retries
from ingest.eutils.transport import build_request
from ingest.eutils.windows import DateRange, fitting_windows, parse_date, requested_range
from retrieval.errors import UserError
from retrieval.settings import Settings

NCBI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ncbi"
ENTREZ = NCBI / "biopython" / "Entrez"
EFETCH_259 = next((NCBI / "hawc_cassettes" / "extracted").glob("efetch_pubmed_259articles_*.xml"))


# ------------------------------------------------------------------------ responses
def test_esearch_with_history_and_without_hits():
    hits = read_search((ENTREZ / "esearch2.xml").read_bytes())
    assert hits.count == 42249 and len(hits.ids) == 100 and hits.ids[0] == "41297076"
    assert hits.history == History("MCID_6927d6e7fee3e90f880ec190", "1")

    none = read_search((ENTREZ / "esearch8.xml").read_bytes())
    assert (none.count, none.ids, none.history) == (0, [], None)  # PhraseNotFound is an answer, not an error


def test_esearch_with_an_http_dtd_that_bio_entrez_refuses():
    legacy = NCBI / "biocommons_eutils" / "legacy_tests_data" / "esearchresults-1.xml"
    body = legacy.read_bytes()
    assert b'"http://www.ncbi.nlm.nih.gov/entrez/query/DTD/eSearch_020511.dtd"' in body
    with legacy.open("rb") as handle, pytest.raises(Exception, match="secure URL"):
        Entrez.read(handle)

    result = read_search(body)

    assert (result.count, result.ids) == (3, ["19209718", "11108480", "6067859"])
    assert result.history is not None and result.history.query_key == "1"


def test_epost_answer_and_error_bodies():
    assert read_post((ENTREZ / "epost1.xml").read_bytes()) == History("MCID_692851c130aec64bed0a8c2a", "1")
    with pytest.raises(UnusableResponse, match="Empty ID list; Nothing to store; Some IDs have invalid value"):
        read_post((ENTREZ / "epost3.xml").read_bytes())
    with pytest.raises(UnusableResponse, match="Neither query_key nor id specified"):
        read_search((ENTREZ / "esummary8.xml").read_bytes())  # the <ERROR> shape of every E-utility


def test_efetch_body_all_or_nothing():
    body = EFETCH_259.read_bytes()

    assert len(read_records(body, "efetch", expected=259)) == 259
    with pytest.raises(UnusableResponse, match="not valid XML"):
        read_records(body[: len(body) // 3], "efetch", expected=None)
    with pytest.raises(UnusableResponse, match="holds 259 of 260 records"):
        read_records(body, "efetch", expected=260)
    two = read_records((ENTREZ / "pubmed2.xml").read_bytes(), "efetch", None)
    assert [a.pmid for a in two] == ["11748933", "11700088"]


# ------------------------------------------------------------------------ retries
def test_backoff_doubles_with_jitter_in_its_upper_half():
    settings = Settings(eutils_backoff_s=1.0)
    assert [backoff_delay(settings, n, rand=lambda: 0.0) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [backoff_delay(settings, n, rand=lambda: 1.0) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff_delay(settings, 30, rand=lambda: 1.0) == 60.0  # capped


def test_with_retries_retries_transient_failures_and_gives_up_with_a_sentence():
    settings = Settings(eutils_backoff_s=1.0, eutils_max_retries=5)
    failures = [
        HTTPError("u", 429, "Too Many Requests", None, None),  # type: ignore[arg-type]
        TimeoutError("timed out"),
        URLError(ConnectionRefusedError(111, "Connection refused")),
        http.client.IncompleteRead(b"partial"),
        UnusableResponse("cut"),
    ]
    slept: list[float] = []
    seen_last: list[bool] = []

    def attempt(last: bool) -> str:
        seen_last.append(last)
        if failures:
            raise failures.pop(0)
        return "answer"

    assert with_retries(settings, "test request", attempt, sleep=slept.append) == "answer"
    assert seen_last == [False] * 5 + [True]
    assert len(slept) == 5 and all(0.5 * 2**i <= s <= 2**i for i, s in enumerate(slept))

    def always_down(last: bool) -> str:
        raise HTTPError("u", 502, "Bad Gateway", None, None)  # type: ignore[arg-type]

    with pytest.raises(EutilsError, match=r"^The test request failed 6 times \(last: HTTP 502 Bad Gateway\); check"):
        with_retries(settings, "test request", always_down, sleep=slept.append)


def test_requests_go_under_the_configured_address_by_get_or_post():
    short = build_request("http://127.0.0.1:8080/mirror", "efetch", {"db": "pubmed", "id": "1", "email": None})
    assert (short.method, short.full_url) == ("GET", "http://127.0.0.1:8080/mirror/efetch.fcgi?db=pubmed&id=1")
    assert build_request("http://127.0.0.1:8080/mirror/", "efetch", {"id": "1"}).full_url.startswith(
        "http://127.0.0.1:8080/mirror/efetch.fcgi?"
    )
    posted = build_request("http://127.0.0.1/", "epost", {"id": "1,2"}, post=True)
    assert (posted.method, posted.full_url, posted.data) == ("POST", "http://127.0.0.1/epost.fcgi", b"id=1%2C2")
    many = build_request("http://127.0.0.1/", "efetch", {"id": ",".join(str(10_000_000 + i) for i in range(100))})
    assert many.method == "POST" and b"id=10000000%2C10000001" in many.data


# ------------------------------------------------------------------------ date windows
def test_pubmed_dates_cover_whole_years_and_months():
    assert parse_date("2020", end=False) == date(2020, 1, 1)
    assert parse_date("2020", end=True) == date(2020, 12, 31)
    assert parse_date("2024/02", end=True) == date(2024, 2, 29)
    assert parse_date("2021-07-04", end=False) == date(2021, 7, 4)
    assert requested_range(None, None) is None
    assert requested_range("2019", None).first == date(2019, 1, 1)
    with pytest.raises(UserError, match="not a valid date"):
        parse_date("2021/13/01", end=False)


def test_windows_are_halved_newest_first_until_each_fits():
    published = [date(2000 + i % 20, 1 + i % 12, 1 + i % 28) for i in range(500)]
    asked: list[DateRange] = []

    def count_in(window: DateRange) -> int:
        asked.append(window)
        return sum(window.first <= d <= window.last for d in published)

    whole = DateRange(date(1990, 1, 1), date(2030, 12, 31))
    windows = list(fitting_windows(whole, len(published), count_in, cap=60))

    assert sum(count for _, count in windows) == 500
    assert all(0 < count <= 60 for _, count in windows)
    assert all(newer.first > older.last for (newer, _), (older, _) in itertools.pairwise(windows))

    asked.clear()
    next(fitting_windows(whole, len(published), count_in, cap=60))
    assert len(asked) < 20  # lazy: the first window needs only the counts on its way down


def test_a_single_day_over_the_cap_is_yielded_as_it_is():
    day = DateRange(date(2020, 5, 1), date(2020, 5, 1))
    assert list(fitting_windows(day, 120, lambda w: 0, cap=50)) == [(day, 120)]
