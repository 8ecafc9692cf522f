"""Bio.Entrez requests sent to the configured E-utilities address, with a timeout, without retries.

Bio.Entrez hard-codes NCBI's address in each function, opens URLs without a
timeout and retries on its own (``max_tries``, ``sleep_between_tries``). MedLit
needs the address to be a setting (a mirror, or the local fake server of the
tests), a bounded wait, and one retry policy (``retry.py``). So, once, on
import: Bio.Entrez's module-level ``urlopen`` is replaced by ``_routed_urlopen``
and its own retries are switched off. The routing applies only inside
``routed(...)`` on the calling thread; anywhere else Bio.Entrez opens URLs as
shipped.
"""

from __future__ import annotations

import threading
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from Bio import Entrez

NCBI_PREFIX = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"

_shipped_urlopen = urllib.request.urlopen
_route = threading.local()


def readdress(url: str, base_url: str) -> str:
    """``url`` of an NCBI E-utility, moved under ``base_url`` (which may or may not end in a slash)."""
    if not url.startswith(NCBI_PREFIX):
        raise ValueError(f"Bio.Entrez asked for {url!r}, outside the E-utilities at {NCBI_PREFIX}")
    return base_url.rstrip("/") + "/" + url[len(NCBI_PREFIX) :]


def _routed_urlopen(request: urllib.request.Request, *args: Any, **kwargs: Any) -> Any:
    target = getattr(_route, "target", None)
    if target is None:
        return _shipped_urlopen(request, *args, **kwargs)
    base_url, timeout_s = target
    request.full_url = readdress(request.full_url, base_url)
    return _shipped_urlopen(request, timeout=timeout_s)


@contextmanager
def routed(base_url: str, timeout_s: float) -> Iterator[None]:
    """Within this block, Bio.Entrez calls on this thread go to ``base_url`` and wait at most ``timeout_s``."""
    previous = getattr(_route, "target", None)
    _route.target = (base_url, timeout_s)
    try:
        yield
    finally:
        _route.target = previous


Entrez.urlopen = _routed_urlopen
Entrez.max_tries = 1  # one try per call: retry.py decides about the next one
Entrez.sleep_between_tries = 0
# Bio.Entrez warns about a missing e-mail in its own terms on every call; client.py says it once, in MedLit's.
warnings.filterwarnings("ignore", message=r"\s*Email address is not specified", category=UserWarning)
