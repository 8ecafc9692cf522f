"""One request schedule for the whole process, as NCBI asks of every client.

NCBI allows 3 requests per second without an API key and 10 with one, per
user, not per thread: the web app and the CLI may fetch from several threads,
so all of them draw their start times from the one ``SHARED_LIMITER``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

# Without a key NCBI allows 3 requests/s; spacing them 1/3 s apart still trips its limit now and then
# (Biopython's Bio.Entrez found 0.37 s reliable and spaces its own requests so).
INTERVAL_WITHOUT_KEY_S = 0.37
INTERVAL_WITH_KEY_S = 0.1


def request_interval(api_key: str | None) -> float:
    """Seconds between two request starts allowed by NCBI for this client."""
    return INTERVAL_WITH_KEY_S if api_key else INTERVAL_WITHOUT_KEY_S


class RateLimiter:
    """Hands out request start times at least ``interval`` apart, to any number of threads.

    Each caller reserves the next free slot under a lock and sleeps outside it,
    so waiting threads queue up in order instead of all waking at once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start = -math.inf

    def wait(self, interval: float) -> float:
        """Block until this caller may start a request; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay


SHARED_LIMITER = RateLimiter()
