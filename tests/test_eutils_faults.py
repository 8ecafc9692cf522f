"""Every failure NCBI is known for is retried into success; a failure that persists says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.eutils import EutilsError, count_query, iter_pmids, iter_query
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils, FaultKind, fast_settings
from tests.fake_eutils.search import search

pytest_plugins = ["tests.fake_eutils.fixtures"]

RETRIED = [kind for kind in FaultKind if kind is not FaultKind.INVALID_API_KEY]


@pytest.mark.parametrize("kind", RETRIED, ids=[k.value for k in RETRIED])
def test_fault_on_every_endpoint_is_retried_into_success(kind: FaultKind, fake_eutils: FakeEutils, tmp_path: Path):
    settings = fast_settings(fake_eutils, tmp_path, eutils_timeout_s=0.3 if kind is FaultKind.HANG else 2.0)
    hits = search(fake_eutils.records.values(), "liver")[:30]
    known = set(hits[:5])  # something known, so the fetch goes through esearch, epost and efetch
    endpoints = ("efetch",) if kind is FaultKind.SHORT else ("esearch", "epost", "efetch")  # SHORT drops a record
    for endpoint in endpoints:
        fake_eutils.inject(kind, endpoint=endpoint)

    items = list(iter_query(settings, "liver", max_records=30, known=lambda ids: known & set(ids)))

    assert [item.pmid for item in items] == [p for p in hits if p not in known]
    assert fake_eutils.pending_faults == 0
    faulted = [r for r in fake_eutils.requests if r.fault is kind]
    assert {r.endpoint for r in faulted} == set(endpoints)
    for failed in faulted:  # the very next request to that endpoint asked the same again
        later = fake_eutils.requests[fake_eutils.requests.index(failed) + 1 :]
        retry = next(r for r in later if r.endpoint == failed.endpoint)
        assert retry.params == failed.params and retry.fault is None


def test_faults_on_pmid_fetch_lose_nothing(fake_eutils: FakeEutils, eutils_settings: Settings):
    pmids = search(fake_eutils.records.values(), "rats")[:45]
    fake_eutils.inject("503", "truncate", "cut", "short", "429", "error", "reset", endpoint="efetch")

    items = list(iter_pmids(eutils_settings, pmids))

    assert sorted(item.pmid for item in items) == sorted(pmids)
    assert len(items) == len(pmids)  # nothing delivered twice to the caller
    assert fake_eutils.pending_faults == 0


def test_exhausted_retries_raise_one_clear_sentence(fake_eutils: FakeEutils, eutils_settings: Settings):
    fake_eutils.inject(*["503"] * (eutils_settings.eutils_max_retries + 1))

    with pytest.raises(EutilsError) as caught:
        count_query(eutils_settings, "liver")

    message = str(caught.value)
    assert "failed 4 times" in message and "HTTP 503" in message
    assert "check the network" in message and "try again later" in message
    assert "\n" not in message and message.endswith(".")
    assert len(fake_eutils.requests) == 4


def test_a_hanging_server_times_out_and_is_reported(fake_eutils: FakeEutils, tmp_path):
    settings = fast_settings(fake_eutils, tmp_path, eutils_timeout_s=0.2, eutils_max_retries=1)
    fake_eutils.inject("hang", "hang")

    with pytest.raises(EutilsError, match=r"failed 2 times \(last: no answer in time\)"):
        count_query(settings, "liver")


def test_a_rejected_request_fails_at_once_with_ncbi_reason(fake_eutils: FakeEutils, eutils_settings: Settings):
    fake_eutils.inject("400")

    with pytest.raises(EutilsError, match="API key invalid") as caught:
        count_query(eutils_settings, "liver")

    assert "MEDLIT_API_KEY" in str(caught.value)
    assert len(fake_eutils.requests) == 1  # asking again would get the same answer


def test_records_before_a_persistent_failure_are_yielded(fake_eutils: FakeEutils, eutils_settings: Settings):
    hits = search(fake_eutils.records.values(), "liver")
    got = []
    iterator = iter_query(eutils_settings, "liver")
    got.extend(next(iterator) for _ in range(eutils_settings.eutils_batch_size))
    fake_eutils.inject(*["502"] * (eutils_settings.eutils_max_retries + 1), endpoint="efetch")

    with pytest.raises(EutilsError, match="download of records 21-40 failed"):
        got.extend(iterator)

    assert [a.pmid for a in got] == hits[:20]
