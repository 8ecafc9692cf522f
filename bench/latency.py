"""Latency of what a user waits for, on a warm library: search, extractive answer, LLM answer.

Every path runs once untimed first (model loads, caches), then search and
extractive answers time each question ``repeats`` times; LLM answers time
``repeats`` distinct questions per requested question (see ``llm_answer``).
p50/p95 are over all timed calls. The LLM figures come
from ``ask(mode="llm")``'s own timings: the model's first token, generation plus
sentence verification, and the answer's total time including search.
"""

from __future__ import annotations

from bench.stats import percentiles, timed
from retrieval.library import Library

SEARCH_METHODS = ("hybrid", "dense", "bm25")


def search_and_extractive(library: Library, questions: list[str], repeats: int) -> dict:
    from retrieval.answers.ask import ask
    from retrieval.search.hybrid import search

    ask(library, questions[0])  # warm-up: embedding model, SQLite pages, index
    samples: dict[str, list[float]] = {f"search_{m}": [] for m in SEARCH_METHODS} | {"answer_extractive": []}
    for _ in range(repeats):
        for question in questions:
            for method in SEARCH_METHODS:
                samples[f"search_{method}"].append(timed(lambda q=question, m=method: search(library, q, method=m))[1])
            samples["answer_extractive"].append(timed(lambda q=question: ask(library, q, mode="extractive"))[1])
    return {name: percentiles(values) for name, values in samples.items()}


def llm_answer(library: Library, warm_up: str, questions: list[str]) -> dict:
    """First-token and total latency of LLM answers, one call per question (abstentions counted apart).

    Every timed question is new to the model: llama.cpp reuses the evaluated
    prompt when a prompt starts like the previous one, so asking the same
    question again would time a cached prompt, not an answer.
    """
    from retrieval.answers.ask import ask

    ask(library, warm_up, mode="llm")  # untimed: loads the model
    first, generation, total = [], [], []
    abstained = 0
    for question in questions:
        answer = ask(library, question, mode="llm")
        if "llm_total" not in answer.timings_ms:
            abstained += 1
            continue
        first.append(answer.timings_ms["llm_first_token"])
        generation.append(answer.timings_ms["llm_total"])
        total.append(answer.timings_ms["total"])
    return {
        "llm_first_token": percentiles(first),
        "llm_generate_and_verify": percentiles(generation),
        "answer_llm_total": percentiles(total),
        "abstained_calls": abstained,
    }
