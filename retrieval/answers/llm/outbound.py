"""What may go to a language model that runs on another machine: nothing that identifies a patient.

The local llama.cpp model (and an ollama or OpenAI-compatible server on this machine's loopback
address) is not "outbound": the question goes to it as typed. A remote server gets the question
only when the guard finds no identifier in it; otherwise the call is not made
(``IdentifiersFound``, one sentence saying what was found and how to send the redacted question).
The evidence is published abstracts, not what a person typed: whatever the guard finds in it is
redacted before it goes, without stopping the answer.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from urllib.parse import urlparse

from retrieval.answers.llm.prompt import EvidenceBlock
from retrieval.guard import check, require_clean
from retrieval.settings import Settings

REMOTE_MODEL = "the remote language model"
HOW_TO_SEND_REDACTED = "use 'Send the redacted question' on the Ask page (python -m retrieval ask --send-redacted)"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
OLLAMA_DEFAULT_URL = "http://localhost:11434"


def is_remote(settings: Settings) -> bool:
    """Whether the configured chat model runs on another machine (the guard applies)."""
    if settings.llm_provider == "llamacpp":
        return False
    url = settings.llm_base_url or (OLLAMA_DEFAULT_URL if settings.llm_provider == "ollama" else None)
    if not url:
        return True  # the OpenAI-compatible provider without a base URL is the hosted service
    host = (urlparse(url if "//" in url else f"//{url}").hostname or "").lower()
    if host in LOOPBACK_NAMES:
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: another machine as far as the guard knows


def guarded(settings: Settings) -> bool:
    return settings.guard_local_llm or is_remote(settings)


def outbound_question(settings: Settings, question: str, send_redacted: bool = False) -> str:
    """The question as it may be sent: unchanged, redacted on request, or refused."""
    if not guarded(settings):
        return question
    if send_redacted:
        return check(question).redacted
    return require_clean(question, REMOTE_MODEL, HOW_TO_SEND_REDACTED)


def outbound_evidence(settings: Settings, blocks: list[EvidenceBlock]) -> list[EvidenceBlock]:
    """Evidence blocks with anything the guard finds redacted, when the model is remote."""
    if not guarded(settings):
        return blocks
    return [replace(b, title=check(b.title).redacted, text=check(b.text).redacted) for b in blocks]
