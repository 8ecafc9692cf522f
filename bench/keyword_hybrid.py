"""Hybrid search timed at 1M+ records, whose vectors are synthetic: 1M abstracts cannot be embedded on 2 cores.

The records and the keyword leg are the real ones of ``bench keyword-scale``. The
dense leg searches an approximate index (IVF-PQ by default, re-ranked with the
stored float16 vectors as the library does from ``PQ_MIN_VECTORS`` on: a library
of 1M abstracts has about 2M chunks) of one clustered synthetic vector per record
(``bench.scale``: vector row i is record i + 1). Each question is timed through
the steps of ``retrieval.search.hybrid.run_search``: the question embedded by the
real model, the dense search (a synthetic query vector from the same mixture),
the BM25 leg, the fusion, evidence levels and records of the results, their
matched sentences. Only the dense leg's look-up of chunk rows (one SQL query by
primary key for 240 ids) is not made: the synthetic vectors have no chunks.
"""

from __future__ import annotations

import time
from pathlib import Path

import faiss
import numpy as np

from bench.scale import build, dataset
from bench.scale_probe import stored_vectors
from bench.stats import percentiles
from retrieval.library import Library
from retrieval.library.vector_index import VectorIndex
from retrieval.search.fusion import weighted_fusion
from retrieval.search.hybrid import CANDIDATES, design_levels, matched_sentences
from retrieval.search.legs import OVERFETCH, bm25_leg
from retrieval.text import content_words

K = 10
HYBRID_NOTE = (
    "hybrid: real records, real keyword leg, real question embedding; the dense leg searches an index (IVF-PQ:"
    " re-ranked with the stored vectors) of one synthetic clustered vector per record, built on one FAISS thread;"
    " its chunk-row look-up is not made (bench/keyword_hybrid.py)."
)


def hybrid_times(library: Library, questions: list[str], kind: str, repeats: int, seed: int, folder: Path) -> dict:
    """Build a synthetic vector index of ``kind`` over the library's records, then time hybrid search per question."""
    n = library.store.article_count()
    start = time.perf_counter()
    data = dataset(n, len(questions), seed, folder)
    made_s = time.perf_counter() - start
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # OpenMP threads waiting for busy cores made builds many times slower
    try:
        built, build_s = build(kind, data, seed)
    finally:
        faiss.omp_set_num_threads(threads)
    path = folder / "synthetic.faiss"
    faiss.write_index(built, str(path))
    del built
    index = VectorIndex(path, library.settings, exact=stored_vectors(str(data.vectors)))
    index.load(mmap=True)
    library.embed_query("warm-up")  # the model loads once per process, not per question
    steps: dict[str, list[float]] = {}
    for _ in range(repeats):
        for question, vector in zip(questions, data.queries, strict=True):
            for step, ms in search_steps(library, index, question, vector).items():
                steps.setdefault(step, []).append(ms)
    return {
        "vectors": n,
        "index_kind": index.kind,
        "vectors_made_s": round(made_s, 1),
        "index_build_s": round(build_s, 1),
        "index_bytes": path.stat().st_size,
        **{step: percentiles(samples) for step, samples in steps.items()},
    }


def search_steps(library: Library, index: VectorIndex, question: str, vector: np.ndarray) -> dict[str, float]:
    """Milliseconds of each step of one hybrid search, and of the whole (``search``)."""
    marks = [time.perf_counter()]
    library.embed_query(question)
    marks.append(time.perf_counter())
    scores, ids = index.search(vector, CANDIDATES * OVERFETCH)
    dense = [(str(int(i) + 1), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0][:CANDIDATES]
    marks.append(time.perf_counter())
    keyword = bm25_leg(library, question, None, None, CANDIDATES)
    marks.append(time.perf_counter())
    fused = weighted_fusion(dense, keyword)
    design_levels(library, list(fused))
    top = sorted(fused, key=lambda p: (-fused[p], p))[:K]
    terms = content_words(question)
    for article in library.store.get_articles(top).values():
        matched_sentences(terms, article, None)
    marks.append(time.perf_counter())
    names = ["embed_query", "dense", "bm25", "fuse_and_fetch"]
    steps = {name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(names)}
    return steps | {"search": (marks[-1] - marks[0]) * 1000}
