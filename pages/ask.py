"""Ask: a question in, an answer out in which every sentence cites the abstract it comes from.

Extractive mode quotes the abstracts (instant, no language model); language
model mode streams a written answer, then shows only the sentences that passed
the check against the cited abstracts. A question the library cannot answer
gets a clear "no evidence" instead of a guess.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import streamlit as st

from pages._shared import cards, charts
from pages._shared.boot import through_app
from pages._shared.filters import describe, sidebar_filters
from pages._shared.guard import empty_library, redacted_resend, shown_errors
from pages._shared.nav import ARTICLE, import_link
from pages._shared.resources import is_empty, library
from pages._shared.text import md, plural, short
from retrieval.answers.ask import ask
from retrieval.answers.results import Answer
from retrieval.guard import IdentifiersFound
from retrieval.search.lookup import typed_pmid

MODES = {"Extractive": "extractive", "Language model": "llm"}
MODE_HELP = (
    "Extractive quotes the most relevant sentences of the abstracts, instantly. "
    "Language model writes a short answer (slower, on this computer's CPU); sentences the cited "
    "abstracts do not support are removed."
)
RESULT = "ask_result"
QUESTION_SHOWN = 300  # characters of the question echoed above its answer
VERDICT_BADGES = {
    "yes": ":green-badge[Yes]",
    "no": ":red-badge[No]",
    "mixed": ":orange-badge[Mixed]",
    "insufficient": ":gray-badge[Insufficient evidence]",
}
STANCE_WORDS = {"supports": "Says yes", "contradicts": "Says no", "neutral": "Neither yes nor no"}
REDACT = "ask_redact"
log = logging.getLogger("medlit.web")


def main() -> None:
    st.title("Ask the library")
    st.caption(
        "Answers come only from the abstracts in this library, and every sentence cites the article it rests on. "
        "When the library holds no evidence, it says so."
    )
    if is_empty():
        empty_library("Import PubMed records first; then ask questions and get answers citing them.")
        return
    filters, prefer = sidebar_filters()
    with st.form("ask_form", border=False):
        question = st.text_input(
            "Your question",
            placeholder="e.g. Do statins prevent heart attacks in people at low cardiovascular risk?",
        )
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        with left:
            mode = st.segmented_control(
                "Answer style", list(MODES), default="Extractive", required=True, help=MODE_HELP
            )
        with right:
            submitted = st.form_submit_button("Ask", type="primary", icon=":material/send:", width="stretch")
    if submitted and (pmid := typed_pmid(question)) and library().store.known_pmids([pmid]):
        st.switch_page(ARTICLE, query_params={"pmid": pmid})
    if submitted:
        st.session_state.pop(RESULT, None)  # a failed question must not leave the previous answer under it
        st.session_state.pop(REDACT, None)
        with shown_errors("answering the question"):
            st.session_state[RESULT] = (
                guarded_answer(question, MODES[mode], filters, prefer),
                describe(filters, prefer),
            )
    held = st.session_state.get(REDACT)  # patient identifiers stopped a question to a remote model
    if held and redacted_resend(REDACT, str(held[0]), "Send the redacted question"):
        refused, redo_mode = held
        with shown_errors("answering the question"):
            st.session_state[RESULT] = (
                answer_question(refused.result.text, redo_mode, filters, prefer, send_redacted=True),
                describe(filters, prefer),
            )
    if st.session_state.get(RESULT, (None,))[0] is not None:
        answer, filter_line = st.session_state[RESULT]
        show_answer(answer, filter_line)


def guarded_answer(question: str, mode: str, filters, prefer: bool) -> Answer | None:
    """The answer, or None when the guard kept the question from a remote model (the page offers redaction)."""
    try:
        return answer_question(question, mode, filters, prefer)
    except IdentifiersFound as refused:
        st.session_state[REDACT] = (refused, mode)  # this session's memory only, never written
        return None


def answer_question(question: str, mode: str, filters, prefer: bool, send_redacted: bool = False) -> Answer:
    if mode == "extractive":
        with st.spinner("Searching the library…"):
            return ask(library(), question, filters, mode="extractive", prefer_strong_designs=prefer)
    from retrieval.answers.llm.answer import LanguageModelError  # loads the model code: only when it is used

    live = st.empty()
    written: list[str] = []

    def on_queue(ahead: int) -> None:
        live.info(
            f"Waiting for the language model: {plural(ahead, 'question')} ahead of yours (it answers one at a time).",
            icon=":material/hourglass_top:",
        )

    def on_token(token: str) -> None:
        written.append(token)
        live.info("Writing (draft, not yet checked): " + md("".join(written)), icon=":material/edit_note:")

    try:
        with st.spinner("Searching, then writing with the language model (the first answer also loads the model)…"):
            return ask(
                library(),
                question,
                filters,
                mode="llm",
                prefer_strong_designs=prefer,
                on_token=on_token,
                send_redacted=send_redacted,
                on_queue=on_queue,
            )
    except LanguageModelError as error:  # the model could not load or run: say why, and how to get an answer anyway
        log.warning("language model answer failed: %s", error)
        raise LanguageModelError(
            f"{error} Choose the Extractive answer style to get an answer quoted from the abstracts."
        ) from error
    finally:
        live.empty()


def show_answer(answer: Answer, filter_line: str) -> None:
    st.markdown(f"**Q:** {md(short(answer.question, QUESTION_SHOWN))}")
    if filter_line:
        st.caption(f"Filters: {md(filter_line)}")
    if answer.abstained:
        show_abstention(answer)
        return

    by_pmid = {hit.pmid: hit for hit in answer.evidence}
    numbers = {pmid: i for i, pmid in enumerate(answer.cited_pmids, start=1)}
    with st.container(border=True):
        verdict = VERDICT_BADGES.get(answer.verdict or "")
        st.markdown(f"{verdict + ' ' if verdict else ''}**Bottom line:** {md(answer.bottom_line)}")
        if answer.read_as:
            st.caption(f"Read as: {md(answer.read_as_text)}.")
        if answer.stances:
            charts.consensus([s.stance for s in answer.stances.values()])
        for sentence, pmids in cited_sentences(answer):
            marks = " ".join(f"[\\[{numbers[p]}\\]]({article_address(p, sentence)})" for p in pmids)
            st.markdown(f"- {md(sentence)} {marks}")
        if answer.quoted_after_llm:
            st.caption(
                "The language model's draft did not pass the check against the sources, "
                "so these sentences are quoted from the abstracts instead."
            )
        how = "quoted from the abstracts" if answer.quoted else "written by the language model and checked"
        seconds = answer.timings_ms.get("total", 0) / 1000
        st.caption(f"Answer {how} · {plural(len(numbers), 'cited article')} · {seconds:.1f} s")
    if answer.removed:
        with st.expander(
            f"{plural(len(answer.removed), 'sentence')} of the draft removed: not supported by the sources"
        ):
            for removed in answer.removed:
                st.markdown(f"- {md(removed.get('sentence', ''))} — {md(removed.get('reason', ''))}")

    st.subheader("Cited articles")
    st.caption("Open an article to see the sentence the answer rests on, highlighted in its abstract.")
    for pmid, number in numbers.items():
        hit = by_pmid.get(pmid)
        sentences = [c.sentence for c in answer.citations if c.pmid == pmid]
        cards.cited_source(number, hit.article if hit else None, pmid, sentences, hit.level if hit else "")
        if stance := answer.stances.get(pmid):
            st.caption(f"{STANCE_WORDS[stance.stance]}: “{md(stance.sentence)}”")

    if answer.related:
        st.subheader("Related articles, not cited")
        st.caption("Found by the search, but none of their sentences answers the question.")
        for rank, hit in enumerate(answer.related, start=1):
            cards.hit_card(hit, rank)


def show_abstention(answer: Answer) -> None:
    if answer.missing:
        st.warning(
            f"**{md(answer.answer)}** MedLit does not answer from articles about something else.",
            icon=":material/search_off:",
        )
    else:
        st.info(
            f"**{md(answer.answer)}** Try other words, loosen the filters, or import articles on this topic.",
            icon=":material/search_off:",
        )
    if answer.read_as:  # what was looked up, so that a refused brand or lay word can be checked
        st.caption(f"Read as: {md(answer.read_as_text)}.")
    import_link("Import articles on this topic")
    if answer.evidence:
        st.subheader("Closest articles — they do not answer your question")
        for rank, hit in enumerate(answer.evidence, start=1):
            cards.hit_card(hit, rank)


def article_address(pmid: str, sentence: str) -> str:
    """The cited article's page, which highlights the quoted sentence in its abstract."""
    return f"./article?pmid={pmid}&quote={quote(sentence, safe='')}"


def cited_sentences(answer: Answer) -> list[tuple[str, list[str]]]:
    """Citations grouped by sentence, in answer order (a written sentence may cite several PMIDs)."""
    grouped: dict[str, list[str]] = {}
    for citation in answer.citations:
        pmids = grouped.setdefault(citation.sentence, [])
        if citation.pmid not in pmids:
            pmids.append(citation.pmid)
    return list(grouped.items())


through_app()
main()
