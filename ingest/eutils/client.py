"""The E-utilities calls MedLit makes: esearch, epost and efetch on PubMed.

Each call waits its turn at the shared rate limiter, goes to the configured
address (``Settings.eutils_url``) with the configured timeout, reads the whole
body and checks it; any failure is retried by the one policy of ``retry.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from ingest.eutils.rate_limit import SHARED_LIMITER, request_interval
from ingest.eutils.responses import History, SearchResult, read_post, read_records, read_search
from ingest.eutils.retry import with_retries
from ingest.eutils.transport import build_request, read_body
from ingest.eutils.windows import DateRange
from ingest.items import Item
from retrieval.settings import Settings

TOOL = "medlit"
T = TypeVar("T")
log = logging.getLogger(__name__)


@cache
def _warn_missing_email() -> None:
    """Said once per process: NCBI contacts this address before blocking a client that overloads it."""
    log.warning("MEDLIT_EMAIL is not set: NCBI asks for a contact address with every E-utilities request.")


def _identity(settings: Settings) -> dict[str, str | None]:
    """The tool, e-mail and API key NCBI asks every request to carry."""
    if not settings.email:
        _warn_missing_email()
    return {"tool": TOOL, "email": settings.email or None, "api_key": settings.api_key or None}


def _body(settings: Settings, utility: str, params: dict[str, Any]) -> bytes:
    """One HTTP request, in its turn: the whole response body. epost always goes by POST, as NCBI asks."""
    SHARED_LIMITER.wait(request_interval(settings.api_key))
    request = build_request(
        settings.eutils_url, utility, {"db": "pubmed", **params, **_identity(settings)}, post=utility == "epost"
    )
    return read_body(request, settings.eutils_timeout_s)


def _call(
    settings: Settings,
    what: str,
    utility: str,
    params: dict[str, Any],
    read: Callable[[bytes, bool], T],
) -> T:
    return with_retries(settings, what, lambda last: read(_body(settings, utility, params), last))


def _dates(window: DateRange | None) -> dict[str, str]:
    return window.params() if window else {}


def search_count(settings: Settings, term: str, window: DateRange | None = None) -> int:
    """How many PubMed records match ``term`` (within ``window``)."""
    params = {"term": term, "rettype": "count", **_dates(window)}
    return _call(settings, f"PubMed count of {term!r}", "esearch", params, lambda b, _: read_search(b)).count


def search(settings: Settings, term: str, retmax: int, window: DateRange | None = None) -> SearchResult:
    """The first ``retmax`` PMIDs matching ``term``, kept on the history server for efetch."""
    params = {"term": term, "usehistory": "y", "retmax": retmax, **_dates(window)}
    return _call(settings, f"PubMed search for {term!r}", "esearch", params, lambda b, _: read_search(b))


def post(settings: Settings, pmids: Sequence[str]) -> History:
    """Store ``pmids`` on the history server, so they can be fetched in batches by position."""
    params = {"id": ",".join(pmids)}
    return _call(settings, f"upload of {len(pmids)} PMIDs to NCBI", "epost", params, lambda b, _: read_post(b))


def fetch_from_history(settings: Settings, history: History, retstart: int, retmax: int) -> list[Item]:
    """Records ``retstart`` to ``retstart + retmax`` of a history set; all of them, or retried.

    On the last try a short answer is accepted: records NCBI listed but can no
    longer deliver are found by the caller and reported, not fatal.
    """
    params = {
        "WebEnv": history.webenv,
        "query_key": history.query_key,
        "retstart": retstart,
        "retmax": retmax,
        "retmode": "xml",
    }
    what = f"download of records {retstart + 1}-{retstart + retmax}"
    return _call(
        settings, what, "efetch", params, lambda body, last: read_records(body, what, None if last else retmax)
    )


def fetch_ids(settings: Settings, pmids: Sequence[str]) -> list[Item]:
    """The records of ``pmids`` that NCBI has (it silently leaves out the others)."""
    what = f"download of {len(pmids)} PMID{'' if len(pmids) == 1 else 's'}"
    params = {"id": ",".join(pmids), "retmode": "xml"}
    return _call(settings, what, "efetch", params, lambda body, _: read_records(body, what, None))
