"""Embedding on Ray Data: ``map_batches`` actors that load the library's model once and embed what they are sent.

The chunks are cut exactly as ``Library.embed_pending`` cuts them (blocks of ``EMBED_BLOCK`` in
chunk order, each in the CPU's length batches, or whole on a GPU), so each vector comes out as
the plain pipeline would have made it, whichever worker made it: int8 vectors depend on the
texts batched together. Small units keep the workers evenly busy; the vectors come back to this
process as shards, and this process alone writes them to the store.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ingest.distributed.shards import apply_shards, shard_folder
from retrieval.environment import set_process_environment
from retrieval.library import Library
from retrieval.library.embedding import Embedder, device_for, length_batches
from retrieval.library.library import EMBED_BLOCK
from retrieval.settings import Settings

ROUND_BLOCKS = 16  # blocks read from the store per Ray Data run: a whole inline embed of the pipeline in one run
UNITS_PER_CALL = 4  # CPU length batches per actor call: enough to amortise a call, few enough to spread a block
THREADS_PER_WORKER = 1  # a CPU worker is one Ray CPU: more torch threads would only fight the other workers


class EmbedWorker:
    """A Ray Data actor: the library's model on this worker's device, loaded once for the whole run."""

    def __init__(self, settings: Settings, backend: str, device: str):
        set_process_environment()
        self.embedder = Embedder(settings, backend, device)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ids = [np.asarray(unit_ids, dtype=np.int64) for unit_ids in batch["ids"]]
        vectors = [self.embedder.encode([str(text) for text in texts]) for texts in batch["texts"]]
        return {"id": np.concatenate(ids), "vector": np.vstack(vectors)}


def embedding_device(library: Library) -> str:
    """Where the library's model runs now (a GPU when the settings and this machine allow)."""
    return device_for(library.embedding_backend, library.settings.embedding_device)


def work_units(rows: list[tuple[int, str]], batch_size: int | None) -> list[dict]:
    """``rows`` (chunk id, text) cut into what one encode call of ``Library.embed_pending`` would batch together.

    ``batch_size``: the CPU's batch; ``None`` on a GPU, which batches a whole block by token length itself.
    """
    units = []
    for start in range(0, len(rows), EMBED_BLOCK):
        block = rows[start : start + EMBED_BLOCK]
        texts = [text for _, text in block]
        groups = length_batches(texts, batch_size) if batch_size else [np.arange(len(block))]
        units += [{"ids": [block[i][0] for i in group], "texts": [texts[i] for i in group]} for group in groups]
    return units


@dataclass
class RayEmbed:
    """The pipeline's ``embed`` on Ray: pending chunks embedded by ``workers`` actors, applied here from shards."""

    ray: ModuleType
    workers: int

    def __call__(self, library: Library, progress: Callable[[int], None] | None = None) -> int:
        done = 0
        while rows := library.store.pending_chunks(ROUND_BLOCKS * EMBED_BLOCK):
            done += self._round(library, rows, progress)
        return done

    def _round(self, library: Library, rows: list[tuple[int, str]], progress: Callable[[int], None] | None) -> int:
        """Embed ``rows`` on the workers, keep what comes back as shards, then commit it here."""
        with shard_folder(library) as shards:
            for batch in self._embedded(library, rows).iter_batches(batch_size=None, batch_format="numpy"):
                shards.write(batch["id"], batch["vector"])
                if progress:
                    progress(len(batch["id"]))
            return apply_shards(library, shards, (chunk_id for chunk_id, _ in rows))

    def _embedded(self, library: Library, rows: list[tuple[int, str]]) -> Any:
        """The Ray Data dataset of ``rows``' vectors (column ``id`` and ``vector``), computed as it is read."""
        device = embedding_device(library)
        cuda = device == "cuda"
        # A GPU worker keeps one tokenizer per core of its machine: one core alone cannot keep a GPU fed.
        threads = library.settings.embedding_threads if cuda else THREADS_PER_WORKER
        settings = library.settings.model_copy(
            update={"embedding_model": library.embedding_model, "embedding_threads": threads}
        )
        units = work_units(rows, None if cuda else settings.embedding_batch_size)
        pool = min(self.workers, len(units))  # a small round does not start workers it has no work for
        per_call = 1 if cuda else min(UNITS_PER_CALL, -(-len(units) // pool))
        with warnings.catch_warnings():
            # max_restarts has no named parameter yet in Ray 2.60, only the ray_remote_args it deprecates.
            warnings.simplefilter("ignore", DeprecationWarning)
            return self.ray.data.from_items(units, override_num_blocks=-(-len(units) // per_call)).map_batches(
                EmbedWorker,
                fn_constructor_kwargs={"settings": settings, "backend": library.embedding_backend, "device": device},
                batch_size=per_call,
                batch_format="numpy",
                compute=self.ray.data.ActorPoolStrategy(size=pool),
                num_cpus=THREADS_PER_WORKER,
                num_gpus=1 if cuda else 0,
                # A worker that dies fails the round (its chunks stay pending: running the import again embeds
                # them) rather than being restarted without end on the same input.
                max_restarts=0,
            )
