"""The two failures of talking to NCBI: one for the user, one kept inside the retry loop."""

from __future__ import annotations

from retrieval.errors import UserError


class EutilsError(UserError):
    """NCBI E-utilities refused a request or kept failing after every retry.

    The message is one sentence for the user: what failed and what to do (check
    the network, NCBI's status, the query or the API key, or try later).
    """


class UnusableResponse(Exception):
    """NCBI answered, but the answer cannot be used: an ``<ERROR>`` body, cut-off XML, missing records.

    These are transient on NCBI's side (an overloaded backend, a dropped
    connection behind their proxy), so the request is retried like an HTTP 503.
    """
