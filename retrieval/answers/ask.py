"""Answering a question from the library: search, decide whether there is evidence, then answer with citations.

Two modes: ``extractive`` (default) quotes the abstracts' own sentences and
needs no language model; ``llm`` has the local model write an answer whose
every sentence is checked against the cited abstracts (``retrieval.answers.llm``),
and falls back to quoting when no written sentence survives the check. Either
way a question the library cannot answer gets an abstention, decided before any
model runs (``retrieval.answers.abstention``), naming what the library lacks
when the question names something no article mentions; a model that itself
finds the evidence insufficient is an abstention too, never a fallback to quotes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Literal

from retrieval.answers.abstention import features, load_rule
from retrieval.answers.bottom_line import bottom_line
from retrieval.answers.calibrated import library_file
from retrieval.answers.extractive import answering_hits, extract
from retrieval.answers.results import Answer, ArticleStance, Citation
from retrieval.answers.stance import STANCE_MODEL, article_stance, is_yes_no, load_stance_model, verdict
from retrieval.errors import UserError
from retrieval.guard import check
from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import run_search
from retrieval.search.results import Hit
from retrieval.search.subjects import subject_coverage
from retrieval.search.unnamed import described_treatment, unnamed_sentence

Mode = Literal["extractive", "llm"]
NO_EVIDENCE = "No evidence in this library answers this question."
INSUFFICIENT = "The language model found that the closest articles do not answer this question."
CLOSEST = 5  # articles shown, not cited, beside an abstention
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

    Raises ``UserError`` for an empty question, an unknown mode, an empty library or an unknown collection,
    and ``IdentifiersFound`` when the llm mode would send a question with patient identifiers to a remote
    model; ``send_redacted`` answers the redacted question instead, searched locally too; ``on_queue``
    hears how many questions are ahead of this one while it waits for the local model.
    """
    if mode not in ("extractive", "llm"):
        raise UserError(f"Unknown answer mode {mode!r}: use 'extractive' or 'llm'.")
    searched = question  # what local search, the subject check and the quotes read
    if send_redacted:
        checked = check(question)
        question, searched = checked.redacted, checked.searchable  # no abstract mentions "<PERSON>"
    elif mode == "llm":  # refuse a question a remote model must not get before doing any work for it
        from retrieval.answers.llm.outbound import outbound_question

        outbound_question(library.settings, question)
    started = time.perf_counter()
    subjects = subject_coverage(library, searched)
    subjects_ms = _ms(started)
    # search reads a misspelt or unlisted name as the library writes it too ("Zonegran": zonisamide)
    result = run_search(library, subjects.with_names_read(searched), filters, k, prefer_strong_designs)
    timings = {**result.timings_ms, "subjects": subjects_ms}
    answer = Answer(question=question.strip(), answer=NO_EVIDENCE, abstained=True, mode=mode, timings_ms=timings)
    answer.missing, answer.read_as = subjects.missing, subjects.read_as
    if not result.hits or load_rule(library).abstains(features(result, subjects)):
        return _abstain(answer, result.hits, subjects.missing_sentence() or NO_EVIDENCE, started)
    if described := described_treatment(searched):  # "the new cholesterol injection", not "the new drug dapagliflozin"
        return _abstain(answer, result.hits, unnamed_sentence(described), started)
    if subjects.chemicals and not answering_hits(result.hits, subjects):  # the drug only in unrelated articles
        return _abstain(answer, result.hits, subjects.elsewhere_sentence(), started)

    if mode == "llm":
        usable = [h for h in result.hits if not h.retracted][: library.settings.llm_articles]
        written = _llm_answer(library, answer.question, usable, on_token, timings, send_redacted, on_queue)
        if written is None:
            return _abstain(answer, result.hits, INSUFFICIENT, started)
        answer.answer, answer.citations, answer.removed = written
        answer.quoted = not answer.citations
    if not answer.citations:  # the extractive mode, or nothing the model wrote survived verification
        t0 = time.perf_counter()
        extracted = extract(library, searched, result.hits, result.vector, subjects)
        answer.answer, answer.citations = extracted.text, extracted.citations
        timings["extract"] = _ms(t0)
    if not answer.citations:
        return _abstain(answer, result.hits, NO_EVIDENCE, started)
    answer.abstained = False
    answer.evidence = _cited_first(result.hits, answer.citations)
    because = ""
    if is_yes_no(searched):
        answer.verdict, because = _verdict(library, answer, subjects.in_library_words(searched))
    retracted = retracted_above(result.hits, answer.cited_pmids)
    answer.bottom_line = bottom_line(answer.cited, retracted, answer.verdict, because)
    timings["total"] = _ms(started)
    return answer


def _verdict(library: Library, answer: Answer, question: str) -> tuple[str, str]:
    """The verdict of a yes/no question over the cited articles' stances, and what it rests on."""
    own = library_file(library.settings.data_dir, STANCE_MODEL)
    model = load_stance_model(own if own.is_file() else None)  # the library's own fit, else the shipped one
    cited = [h for h in answer.cited if h.article is not None]
    judged = [(h, article_stance(model, question, h.article, answering=i == 0)) for i, h in enumerate(cited)]
    answer.stances = {h.pmid: ArticleStance(s.label, s.sentence) for h, s in judged}
    return verdict([(s, h.level) for h, s in judged])


def retracted_above(hits: list[Hit], cited: list[str]) -> int:
    """Retracted articles ranked above the first one the answer cites: better matches it did not quote."""
    first = next((i for i, h in enumerate(hits) if h.pmid in cited), len(hits))
    return sum(h.retracted for h in hits[:first])


def _abstain(answer: Answer, closest: list[Hit], message: str, started: float) -> Answer:
    """An abstention, with the closest articles beside it (none of them cited)."""
    answer.abstained, answer.answer, answer.citations = True, message, []
    answer.evidence = closest[:CLOSEST]
    answer.timings_ms["total"] = _ms(started)
    return answer


def _cited_first(hits: list[Hit], citations: list[Citation]) -> list[Hit]:
    """The evidence articles, those the answer cites first (in citation order), then the related ones."""
    order = {pmid: i for i, pmid in enumerate(dict.fromkeys(c.pmid for c in citations))}
    return sorted(hits, key=lambda h: (order.get(h.pmid, len(order)), hits.index(h)))


def _llm_answer(
    library: Library,
    question: str,
    hits: list[Hit],
    on_token: Callable[[str], None] | None,
    timings: dict[str, float],
    send_redacted: bool = False,
    on_queue: Callable[[int], None] | None = None,
) -> tuple[str, list[Citation], list[dict]] | None:
    """The verified written answer: its text, citations and removed sentences; None when the model said the
    evidence is insufficient and wrote nothing that passed verification."""
    from retrieval.answers.llm.answer import generate_verified

    draft = generate_verified(
        library, question, hits, task="answer", on_token=on_token, send_redacted=send_redacted, on_queue=on_queue
    )
    timings["llm_first_token"] = draft.first_token_ms
    timings["llm_total"] = draft.total_ms
    if draft.said_insufficient and not draft.sentences:
        return None
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
