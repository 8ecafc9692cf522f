"""The embedding model: vectors independent of batching, and the int8 backend close to float32."""

from __future__ import annotations

import numpy as np

from retrieval.library.embedding import embedder_for
from retrieval.library.store import embedding_text
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES


def fixture_texts() -> list[str]:
    return [embedding_text(a.title, " ".join(s.text for s in a.abstract), 0) for a in FIXTURE_ARTICLES]


def test_vectors_do_not_depend_on_batch_size():
    texts = fixture_texts()
    small = embedder_for(Settings(embedding_backend="torch", embedding_batch_size=4)).encode(texts)
    large = embedder_for(Settings(embedding_backend="torch", embedding_batch_size=64)).encode(texts)
    assert small.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(small, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(small, large, atol=1e-4)


def test_int8_backend_stays_close_to_float32_and_keeps_the_nearest_text():
    texts = fixture_texts()
    reference = embedder_for(Settings(), "torch").encode(texts)
    quantised = embedder_for(Settings(), "torch-int8").encode(texts)
    cosines = np.sum(reference * quantised, axis=1)
    assert cosines.mean() > 0.96 and cosines.min() > 0.9
    # Each text's nearest other text is the same under both backends for nearly all texts.
    assert (nearest_other(reference) == nearest_other(quantised)).mean() >= 0.9


def nearest_other(vectors: np.ndarray) -> np.ndarray:
    return np.argsort(-(vectors @ vectors.T), axis=1)[:, 1]
