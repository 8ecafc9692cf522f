"""The embedding model: vectors independent of batching, and the int8 backend close to float32.

The GPU's length-bucketed path runs on CPU too, so its tokenising, sorting,
padding and reordering are checked here on real abstracts; the float16 CUDA path
itself only where torch sees a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from retrieval.library.embedding import Embedder, embedder_for
from retrieval.library.store import embedding_text
from retrieval.library.token_batches import bucketed_batches
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


def test_the_length_bucketed_path_gives_the_plain_paths_vectors_in_the_texts_order():
    texts = fixture_texts()
    embedder = embedder_for(Settings(embedding_backend="torch", embedding_device="cpu"))
    lengths = embedder.count_tokens(texts)
    assert lengths != sorted(lengths, reverse=True)  # sorting moves texts, so the order must be restored
    done: list[int] = []
    plain = embedder.encode(texts)
    bucketed = embedder.encode_bucketed(texts, done.append, batch_size=2)  # several groups of 16, 2 per batch
    assert sum(done) == len(texts) and len(done) == len(texts) // 2
    np.testing.assert_allclose(np.linalg.norm(bucketed, axis=1), 1.0, atol=1e-5)
    assert np.sum(plain * bucketed, axis=1).min() >= 0.9999


def test_token_batches_split_each_group_across_tokenizers_and_pad_each_batch_to_its_own_longest():
    texts = ["x" * n for n in (3, 9, 1, 7, 7, 2, 5, 8, 4, 6)]
    calls: dict[int, list[int]] = {0: [], 1: []}

    def tokenizer(k: int):
        def tokenize(group: list[str]) -> dict[str, list[list[int]]]:
            calls[k].append(len(group))
            return {"input_ids": [[len(t)] * len(t) for t in group], "attention_mask": [[1] * len(t) for t in group]}

        return tokenize

    batches = list(bucketed_batches([tokenizer(0), tokenizer(1)], texts, batch_size=2, group_size=6, pad_id=-1))
    assert calls == {0: [3, 2], 1: [3, 2]}  # each group shared between the tokenizers
    positions = [list(b.positions) for b in batches]
    assert positions == [[1, 3], [4, 0], [5, 2], [7, 9], [6, 8]]  # longest first within each group of 6
    for batch in batches:
        lengths = [len(texts[p]) for p in batch.positions]
        width = max(lengths)
        assert batch.features["input_ids"].tolist() == [[n] * n + [-1] * (width - n) for n in lengths]
        assert batch.features["attention_mask"].sum(axis=1).tolist() == lengths


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_float16_vectors_match_cpu_float32():
    texts = fixture_texts() * 40  # more than one batch of 1,024
    reference = embedder_for(Settings(embedding_backend="torch", embedding_device="cpu")).encode(texts[:30])
    gpu = Embedder(Settings(), backend="torch", device="cuda")
    assert gpu.model.dtype == torch.float16
    vectors = gpu.encode(texts)
    cosines = np.sum(np.tile(reference, (40, 1)) * vectors, axis=1)
    assert cosines.mean() >= 0.9999 and cosines.min() >= 0.9999
