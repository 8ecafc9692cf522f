"""Embedding throughput: a plain sentence-transformers loop against MedLit's ``Embedder`` backends.

All run in one process on the same abstracts (title + abstract, as the library
embeds them), after a warm-up batch. Beside speed, each backend's vectors are
compared with the baseline's (mean cosine), since a faster backend is only
useful if it keeps the vectors close.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import get_args

import numpy as np

from bench.stats import median
from retrieval.settings import Settings

BACKENDS: tuple[str, ...] = get_args(Settings.model_fields["embedding_backend"].annotation)  # what settings accept
BASELINE = "sentence-transformers loop"
WARMUP = 8


def corpus_texts(files: Iterable[Path], n: int) -> list[str]:
    """The first ``n`` abstracts with text, as the library embeds them (title, newline, abstract)."""
    from ingest.formats.pubmed_xml import iter_pubmed_xml
    from retrieval.library.records import Article
    from retrieval.library.store import embedding_text

    texts: list[str] = []
    for path in files:
        for item in iter_pubmed_xml(path):
            if isinstance(item, Article) and item.has_abstract:
                texts.append(embedding_text(item.title, item.abstract_text, 1))
                if len(texts) == n:
                    return texts
    return texts


def plain_loop(settings: Settings, texts: list[str]) -> tuple[float, np.ndarray]:
    """The baseline: a SentenceTransformer loaded as its documentation shows, ``encode`` over batches in order."""
    import torch
    from sentence_transformers import SentenceTransformer

    from retrieval.library.embedding import model_path, quiet_transformers

    torch.set_num_threads(settings.cpu_threads)
    quiet_transformers()  # the same quiet output as the Embedder it is compared with
    start = time.perf_counter()
    model = SentenceTransformer(str(model_path(settings.embedding_model)), device="cpu", local_files_only=True)
    load_s = time.perf_counter() - start

    def encode(batch: list[str]) -> np.ndarray:
        parts = [
            model.encode(
                batch[i : i + settings.embedding_batch_size], normalize_embeddings=True, show_progress_bar=False
            )
            for i in range(0, len(batch), settings.embedding_batch_size)
        ]
        return np.vstack(parts).astype(np.float32)

    return load_s, encode


def medlit_backend(settings: Settings, backend: str):
    from retrieval.library.embedding import Embedder

    start = time.perf_counter()
    embedder = Embedder(settings, backend=backend)
    return time.perf_counter() - start, embedder.encode


def measure(settings: Settings, texts: list[str], backends: Iterable[str], repeats: int) -> list[dict]:
    """Throughput (abstracts/s, median of ``repeats``) and cosine to the baseline vectors, per backend."""
    rows: list[dict] = []
    reference: np.ndarray | None = None
    runs = [(BASELINE, lambda: plain_loop(settings, texts))]
    runs += [(name, lambda name=name: medlit_backend(settings, name)) for name in backends]
    for name, load in runs:
        row: dict = {"backend": name, "texts": len(texts)}
        try:
            load_s, encode = load()
            encode(texts[:WARMUP])
            seconds = []
            for _ in range(repeats):
                start = time.perf_counter()
                vectors = encode(texts)
                seconds.append(time.perf_counter() - start)
        except Exception as error:  # a backend that cannot run here is reported, not fatal
            row.update(error=f"{type(error).__name__}: {error}"[:300])
            rows.append(row)
            continue
        if reference is None:
            reference = vectors
        row.update(
            load_s=round(load_s, 3),
            seconds=round(median(seconds), 3),
            abstracts_per_s=round(len(texts) / median(seconds), 2),
            mean_cosine_to_baseline=round(float(np.mean(np.sum(vectors * reference, axis=1))), 5),
        )
        rows.append(row)
    return rows
