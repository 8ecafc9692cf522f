"""Dense retrieval with another embedding backend: what a faster backend does to quality.

The library's vectors come from one backend. To judge another (e.g.
``torch-int8``), every chunk of the library is re-embedded with it into a temporary
exact index, and the questions are searched the way the dense leg searches
(best chunk per article). Costly (the whole library is embedded again), so
``bench quality`` does it only for the backends named with ``--backends``.
"""

from __future__ import annotations

from bench.eval_data import Question
from bench.metrics import gold_rank, retrieval_metrics
from retrieval.library import Library
from retrieval.library.embedding import embedder_for
from retrieval.library.vector_index import exact_search
from retrieval.search.hybrid import CANDIDATES


def dense_ranks(library: Library, backend: str, questions: list[Question], k: int) -> list[int | None]:
    """Rank (1-based, within ``k``) of each question's gold article by dense search with ``backend``."""
    # The library's own backend is already loaded and shared.
    embedder = embedder_for(library.settings, backend, library.embedding_model)
    pmids, texts = (list(column) for column in zip(*library.store.chunk_texts(), strict=True))
    rows = exact_search(embedder.encode(texts), embedder.encode([q.question for q in questions]), 4 * CANDIDATES)
    ranks: list[int | None] = []
    for q, found in zip(questions, rows, strict=True):
        ranks.append(gold_rank(list(dict.fromkeys(pmids[i] for i in found if i >= 0))[:k], q.pmid))
    return ranks


def backend_metrics(library: Library, backends: list[str], questions: list[Question], k: int) -> dict:
    """Dense-only R@1/R@k/MRR per backend; a backend that cannot load is reported with its error."""
    out = {}
    for backend in backends:
        try:
            ranks = dense_ranks(library, backend, questions, k)
        except Exception as error:  # an unavailable backend is a result, not a crash
            out[backend] = {"error": f"{type(error).__name__}: {error}"[:300]}
            continue
        out[backend] = {**retrieval_metrics(ranks, k), "ranks": ranks}
    return out
