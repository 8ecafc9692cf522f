"""Generate an answer (or a summary) with the configured chat model and keep only what verification passes.

The model sees numbered evidence blocks; its output streams to ``on_token`` as it
is written (the page shows it live, marked as unverified) and is then checked
sentence by sentence by ``retrieval.answers.llm.verify``. Only sentences whose citations,
numbers and content are backed by the cited abstracts come back in
``VerifiedDraft.sentences``; the rest are listed in ``removed`` with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from retrieval.answers.llm.chat_model import get_chat_model
from retrieval.answers.llm.entailment import entailment_check
from retrieval.answers.llm.outbound import outbound_evidence, outbound_question
from retrieval.answers.llm.prompt import build_messages, evidence_blocks
from retrieval.answers.llm.verify import EvidenceDoc, load_support_threshold, verify_draft
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.records import Article
from retrieval.search.results import Hit


class LanguageModelError(UserError):
    """The chat model could not be loaded or reached; the message says what to do."""


@dataclass
class VerifiedDraft:
    sentences: list[tuple[str, list[str]]]  # kept sentence (citations stripped), the PMIDs backing it
    removed: list[dict]  # {"sentence", "reason"} for each sentence verification removed
    raw: str  # the model's full output
    first_token_ms: float  # from the call to the first streamed token: what a user waits before text appears
    total_ms: float  # from the call to the verified answer
    dropped_citations: list[dict] = field(default_factory=list)  # citations removed from kept sentences
    said_insufficient: bool = False  # the model declared the evidence insufficient
    streamed_chunks: int = 0  # pieces streamed (one token each with llama.cpp)
    load_ms: float = 0.0  # loading the model (first call of a process only); included in both timings
    verify_ms: float = 0.0  # checking the output, included in total_ms


def hit_article(library: Library, hit: Hit) -> Article:
    """The full article of a hit (hits from search carry it; others are read from the store)."""
    if hit.article is not None:
        return hit.article
    return library.store.get_article(hit.pmid) or Article(pmid=hit.pmid, title=hit.title, year=hit.year)


def generate_verified(
    library: Library,
    question: str,
    hits: list[Hit],
    *,
    task: str = "answer",
    on_token: Callable[[str], None] | None = None,
    send_redacted: bool = False,
    on_queue: Callable[[int], None] | None = None,
) -> VerifiedDraft:
    """Have the model answer ``question`` (``task="summary"``: summarise the topic) from ``hits``, then verify.

    Retracted articles are never given to the model, so a citation of one is
    removed like any other citation outside the evidence. A remote model gets neither a question
    with patient identifiers (``IdentifiersFound``, unless ``send_redacted``) nor identifiers in the
    evidence (redacted): see ``outbound``.
    """
    started = time.perf_counter()
    settings = library.settings
    usable = [h for h in hits if not h.retracted]
    if not usable:
        return VerifiedDraft([], [], "", 0.0, 0.0)
    question = outbound_question(settings, question, send_redacted)
    articles = [hit_article(library, h) for h in usable]
    blocks = evidence_blocks(articles, [h.sentences for h in usable], settings.llm_evidence_tokens)
    messages = build_messages(question, outbound_evidence(settings, blocks), task)
    threshold = load_support_threshold(settings.data_dir, *library.vectors)
    load_started = time.perf_counter()
    try:
        chat = get_chat_model(settings)
    except Exception as error:  # provider packages raise their own types; the user needs one clear sentence
        raise LanguageModelError(f"The {settings.llm_provider} language model could not be loaded: {error}") from error
    load_ms = (time.perf_counter() - load_started) * 1000

    pieces: list[str] = []
    first_token_ms = 0.0
    with chat.turn(on_queue):  # the local model answers one question at a time; on_queue hears the place
        for text in _stream_text(chat.model, messages, settings.llm_provider):
            if not pieces:
                first_token_ms = (time.perf_counter() - started) * 1000
            pieces.append(text)
            if on_token:
                on_token(text)
        raw = "".join(pieces)
        verify_started = time.perf_counter()
        entails = entailment_check(library, chat.model)  # reads the local model: still within this turn
        evidence = [EvidenceDoc.from_article(a) for a in articles]
        verification = verify_draft(raw, evidence, library.embed_texts, threshold, entails)
        verify_ms = (time.perf_counter() - verify_started) * 1000
    return VerifiedDraft(
        sentences=verification.sentences,
        removed=verification.removed,
        raw=raw,
        first_token_ms=first_token_ms,
        total_ms=(time.perf_counter() - started) * 1000,
        dropped_citations=verification.dropped_citations,
        said_insufficient=verification.said_insufficient,
        streamed_chunks=len(pieces),
        load_ms=load_ms,
        verify_ms=verify_ms,
    )


def _stream_text(model: BaseChatModel, messages: list[BaseMessage], provider: str) -> Iterator[str]:
    """The model's output as it streams; a provider's failure becomes one clear ``LanguageModelError``."""
    try:
        for chunk in model.stream(messages):
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content
    except Exception as error:  # connection refused, unknown model, context overflow...
        raise LanguageModelError(
            f"The {provider} language model stopped with an error: {error}; "
            "check MEDLIT_LLM_PROVIDER, MEDLIT_LLM_MODEL and MEDLIT_LLM_BASE_URL."
        ) from error
