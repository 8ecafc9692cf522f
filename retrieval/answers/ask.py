"""Answering a question from the library: search, decide whether there is evidence, then answer with citations.

Two modes: ``extractive`` (default) quotes the abstracts' own sentences and
needs no language model; ``llm`` has the local model write an answer whose
every sentence is checked against the cited abstracts (``retrieval.answers.llm``), and
falls back to the extractive answer when no written sentence survives the check.
Either way a question the library cannot answer gets an abstention, decided
before any model runs (``retrieval.answers.abstention``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Literal

from retrieval.answers.abstention import features, load_rule
from retrieval.answers.extractive import extract
from retrieval.answers.results import Answer, Citation
from retrieval.guard import redact
from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import run_search
from retrieval.search.results import Hit

Mode = Literal["extractive", "llm"]
NO_EVIDENCE = "No evidence in this library answers this question."
_CITATION_MARK = re.compile(r"\[\s*(?:PMID:?\s*)?\d+(?:\s*[,;]\s*(?:PMID:?\s*)?\d+)*\s*\]")


def ask(
    library: Library,
    question: str,
    filters: SearchFilters | None = None,
    mode: Mode = "extractive",
    k: int = 10,
    prefer_strong_designs: bool = False,
    on_token: Callable[[str], None] | None = None,
    send_redacted: bool = False,
    on_queue: Callable[[int], None] | None = None,
) -> Answer:
    """Answer ``question`` from the library, every sentence cited, or abstain.

    Raises ValueError (with a message fit for a user) for an empty question, an
    empty library or an unknown collection, and ``IdentifiersFound`` (a ValueError) when
    the llm mode would send a question with patient identifiers to a remote model.
    ``send_redacted`` answers the redacted question instead, searched locally too; ``on_queue``
    hears how many questions are ahead of this one while it waits for the local model.
    """
    if mode not in ("extractive", "llm"):
        raise ValueError(f"Unknown answer mode {mode!r}: use 'extractive' or 'llm'.")
    if send_redacted:
        question = redact(question)
    elif mode == "llm":  # refuse a question a remote model must not get before doing any work for it
        from retrieval.answers.llm.outbound import outbound_question

        outbound_question(library.settings, question)
    started = time.perf_counter()
    result = run_search(library, question, filters, k, prefer_strong_designs)
    timings = dict(result.timings_ms)
    answer = Answer(question=question.strip(), answer=NO_EVIDENCE, abstained=True, mode=mode, timings_ms=timings)
    if not result.hits or load_rule(library).abstains(features(result)):
        timings["total"] = _ms(started)
        return answer
    answer.evidence = result.hits

    if mode == "llm":
        usable = [h for h in result.hits if not h.retracted][: library.settings.llm_articles]
        answer.answer, answer.citations, answer.removed = _llm_answer(
            library, answer.question, usable, on_token, timings, send_redacted, on_queue
        )
    if not answer.citations:  # the extractive mode, or nothing the model wrote survived verification
        t0 = time.perf_counter()
        extracted = extract(library, answer.question, result.hits, result.vector)
        answer.answer, answer.citations, answer.bottom_line = extracted.text, extracted.citations, extracted.bottom_line
        timings["extract"] = _ms(t0)
    answer.abstained = not answer.citations
    if answer.abstained:
        answer.answer = NO_EVIDENCE
    timings["total"] = _ms(started)
    return answer


def _llm_answer(
    library: Library,
    question: str,
    hits: list[Hit],
    on_token: Callable[[str], None] | None,
    timings: dict[str, float],
    send_redacted: bool = False,
    on_queue: Callable[[int], None] | None = None,
) -> tuple[str, list[Citation], list[dict]]:
    """The verified written answer: its text, citations and the sentences verification removed."""
    from retrieval.answers.llm.answer import generate_verified

    draft = generate_verified(
        library, question, hits, task="answer", on_token=on_token, send_redacted=send_redacted, on_queue=on_queue
    )
    timings["llm_first_token"] = draft.first_token_ms
    timings["llm_total"] = draft.total_ms
    titles = {h.pmid: h.title for h in hits}
    citations = [Citation(pmid, titles.get(pmid, ""), text) for text, pmids in draft.sentences for pmid in pmids]
    return cited_text(draft.sentences), citations, draft.removed


def cited_text(sentences: list[tuple[str, list[str]]]) -> str:
    """Verified sentences as one text, each ending with its PMIDs in brackets (unless it already cites them)."""
    return " ".join(
        sentence if _CITATION_MARK.search(sentence) else f"{sentence} [{', '.join(pmids)}]"
        for sentence, pmids in sentences
    )


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
