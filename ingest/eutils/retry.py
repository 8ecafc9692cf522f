"""The one retry policy for E-utilities requests: exponential backoff with jitter.

NCBI's transient failures come in many shapes (HTTP 429 without Retry-After,
5xx from its proxies, stalled or reset connections, cut-off bodies, ``<ERROR>``
bodies from an overloaded backend); they are all retried the same way, so that
a long fetch survives a bad minute. Requests NCBI rejects as wrong (other 4xx)
fail at once: asking again would give the same answer.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.error import HTTPError, URLError

from ingest.eutils.errors import EutilsError, UnusableResponse
from retrieval.settings import Settings

T = TypeVar("T")
MAX_DELAY_S = 60.0
ERROR_TEXT = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)


def backoff_delay(settings: Settings, failures: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after the ``failures``-th failure: doubling from eutils_backoff_s, half of it random.

    The random half spreads out clients that failed together, so they do not
    all return at the same instant and trip NCBI's rate limit again.
    """
    ceiling = min(MAX_DELAY_S, settings.eutils_backoff_s * 2 ** (failures - 1))
    return ceiling / 2 + rand() * ceiling / 2


def is_transient(status: int) -> bool:
    return status == 429 or status >= 500


def _rejection_reason(error: HTTPError) -> str:
    """NCBI's own words for a rejected request (JSON ``error`` or an ``<ERROR>`` element), else the HTTP reason."""
    try:
        body = error.read(4096) or b""
    except (OSError, http.client.HTTPException):
        body = b""
    try:
        reason = json.loads(body).get("error")
    except (ValueError, AttributeError):
        match = ERROR_TEXT.search(body)
        reason = match.group(1).decode("utf-8", "replace").strip() if match else None
    return f"HTTP {error.code}: {reason or error.reason}"


def describe(error: BaseException) -> str:
    """A short phrase for what went wrong with one attempt."""
    if isinstance(error, HTTPError):
        return f"HTTP {error.code} {error.reason}".strip()
    if isinstance(error, TimeoutError) or (isinstance(error, URLError) and isinstance(error.reason, TimeoutError)):
        return "no answer in time"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed in the middle of the response"
    if isinstance(error, URLError):
        return f"could not connect ({error.reason})"
    if isinstance(error, ConnectionError | http.client.HTTPException):
        return f"the connection broke ({type(error).__name__})"
    return str(error) or type(error).__name__


def with_retries(
    settings: Settings,
    what: str,
    attempt: Callable[[bool], T],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``attempt(last_attempt)`` until it succeeds, at most ``1 + eutils_max_retries`` times.

    ``attempt`` learns whether it is the last try so it can accept an answer
    that is merely incomplete (records NCBI no longer has) instead of failing.
    Raises ``EutilsError`` when NCBI rejects the request or every try failed.
    """
    tries = 1 + max(0, settings.eutils_max_retries)
    failures = 0
    while True:
        last = failures == tries - 1
        try:
            return attempt(last)
        except (UnusableResponse, OSError, http.client.HTTPException) as error:
            failures += 1
            if isinstance(error, HTTPError) and not is_transient(error.code):
                raise EutilsError(
                    f"NCBI refused the {what} ({_rejection_reason(error)}); check the query, the API key "
                    f"(MEDLIT_API_KEY) and the E-utilities address (MEDLIT_EUTILS_URL={settings.eutils_url})."
                ) from error
            if last:
                raise EutilsError(
                    f"The {what} failed {tries} times (last: {describe(error)}); check the network connection "
                    "and whether NCBI's E-utilities are up, then try again later."
                ) from error
        sleep(backoff_delay(settings, failures))
