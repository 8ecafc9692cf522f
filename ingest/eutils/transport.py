"""One HTTP request to an E-utility at the configured address, with a timeout: MedLit's own, not Bio.Entrez's.

Biopython 1.88 has no supported way to send its E-utilities requests anywhere
but NCBI: ``Bio.Entrez.esearch``/``epost``/``efetch`` each build their
``Request`` from a hard-coded ``https://eutils.ncbi.nlm.nih.gov/...`` address
and open it in ``Bio.Entrez._open``, through the module's own ``urlopen``,
without a timeout, behind its own throttle and retry loop. No argument or
module setting changes the address, and none takes a request made elsewhere;
rerouting them would mean replacing ``Bio.Entrez.urlopen`` for the whole
process. MedLit needs the address to be a setting (a mirror, or the tests'
fake server), a bounded wait, and one rate limit and retry policy for the
process (``rate_limit.py``, ``retry.py``), so it makes the request itself,
with the parameters NCBI documents, and ``responses.py`` reads the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode
from urllib.request import Request, urlopen

# NCBI asks for POST when a request carries many UIDs; like Bio.Entrez, go by the length of the
# encoded parameters (a GET address that long is also where proxies start to refuse).
LONGEST_GET_QUERY = 1000


def build_request(base_url: str, utility: str, params: Mapping[str, object], post: bool = False) -> Request:
    """The request for ``utility`` (``esearch``, ``epost``, ``efetch``) under ``base_url``.

    Parameters set to ``None`` are left out (no e-mail or API key configured).
    GET, unless ``post`` is asked for (epost) or the parameters are too long for an address.
    """
    url = f"{base_url.rstrip('/')}/{utility}.fcgi"
    query = urlencode({name: value for name, value in params.items() if value is not None})
    if post or len(query) > LONGEST_GET_QUERY:
        return Request(url, data=query.encode("ascii"), method="POST")
    return Request(f"{url}?{query}", method="GET")


def read_body(request: Request, timeout_s: float) -> bytes:
    """The whole response body; HTTP errors, timeouts and broken connections raise for ``retry.py`` to judge."""
    with urlopen(request, timeout=timeout_s) as response:
        return response.read()
