"""One schedule for all E-utilities requests of the process: 3/s, or 10/s with an API key."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from ingest.eutils import client, iter_query
from ingest.eutils.rate_limit import RateLimiter, request_interval
from tests.fake_eutils import FakeEutils, fast_settings

pytest_plugins = ["tests.fake_eutils.fixtures"]


class FakeClock:
    """Time that moves only when someone sleeps, so spacing is exact and tests take no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_ncbi_limits_without_and_with_api_key():
    assert 1 / request_interval(None) <= 3
    assert 1 / request_interval("") <= 3
    assert 1 / request_interval("key") == pytest.approx(10)


def test_requests_are_spaced_by_the_interval():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)

    waits = [limiter.wait(0.1) for _ in range(5)]

    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    clock.now = 10.0  # after a quiet spell the next request goes at once
    assert limiter.wait(0.1) == 0.0


def test_threads_share_one_schedule():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            start = clock() + limiter.wait(0.37)
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    starts.sort()
    assert len(starts) == 200
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) == pytest.approx(0.37)


@pytest.mark.parametrize(("api_key", "interval"), [("fake-key", 0.1), (None, 0.37)])
def test_every_request_waits_its_turn(
    api_key: str | None, interval: float, fake_eutils: FakeEutils, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(client, "SHARED_LIMITER", limiter)
    settings = fast_settings(fake_eutils, tmp_path, api_key=api_key)
    fake_eutils.inject("503", endpoint="efetch")  # a retry waits its turn too

    items = list(iter_query(settings, "liver", max_records=45))

    assert len(items) == 45
    requests = len(fake_eutils.requests)
    assert requests == 1 + 1 + 3 + 1  # count, search, three batches of 20, one retry
    assert clock.sleeps == pytest.approx([interval * n for n in range(1, requests)])  # the clock stood still
