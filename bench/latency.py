"""Latency of what a user waits for, on a warm library: search, extractive answer, LLM answer.

Every path runs once untimed first (model loads, caches), then each question is
timed ``repeats`` times; p50/p95 are over all timed calls. The LLM figures come
from ``ask(mode="llm")``'s own timings: the model's first token, generation plus
sentence verification, and the answer's total time including search.
"""

from __future__ import annotations

from bench.stats import percentiles, timed
from retrieval.library import Library

SEARCH_METHODS = ("hybrid", "dense", "bm25")


def search_and_extractive(library: Library, questions: list[str], repeats: int) -> dict:
    from retrieval.answers import ask
    from retrieval.search import search

    ask(library, questions[0])  # warm-up: embedding model, SQLite pages, index
    samples: dict[str, list[float]] = {f"search_{m}": [] for m in SEARCH_METHODS} | {"answer_extractive": []}
    for _ in range(repeats):
        for question in questions:
            for method in SEARCH_METHODS:
                samples[f"search_{method}"].append(timed(lambda q=question, m=method: search(library, q, method=m))[1])
            samples["answer_extractive"].append(timed(lambda q=question: ask(library, q, mode="extractive"))[1])
    return {name: percentiles(values) for name, values in samples.items()}


def llm_answer(library: Library, questions: list[str], repeats: int) -> dict:
    """First-token and total latency of LLM answers (questions the library abstains on are counted apart)."""
    from retrieval.answers import ask

    ask(library, questions[0], mode="llm")  # warm-up: loads the model
    first, generation, total = [], [], []
    abstained = 0
    for _ in range(repeats):
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
