"""Scripted failures for the fake E-utilities server: what real NCBI does on a bad day."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    INVALID_API_KEY = "400"  # NCBI's answer to a wrong api_key: not worth retrying
    TOO_MANY_REQUESTS = "429"  # NCBI's rate-limit answer: JSON body, no Retry-After header
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    HANG = "hang"  # accept the request, never answer (until the server stops)
    TRUNCATE = "truncate"  # a complete HTTP answer whose XML stops in the middle
    CUT = "cut"  # the connection closes before the announced Content-Length is sent
    SHORT = "short"  # efetch only: well-formed, but the last record left out
    ERROR_BODY = "error"  # HTTP 200 with an <ERROR> body
    RESET = "reset"  # the connection is reset (TCP RST) without an answer


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    endpoint: str | None = None  # "esearch", "epost", "efetch"; None: the next request, whatever it is

    def applies_to(self, endpoint: str) -> bool:
        return self.endpoint is None or self.endpoint == endpoint
