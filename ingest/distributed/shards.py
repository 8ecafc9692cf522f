"""Vector shards: what the embedding workers sent back, on disk until the writer applies them.

These are a round's scratch files, not the library's own float16 shards (``retrieval.library.vector_shards``):
applying them goes through ``Store.set_vectors``, which keeps each vector as a BLOB or in the
library's shards, as the library's size says.

A round's vectors reach the store only after every one of its chunks came back, so a round a
worker failed leaves its chunks pending as a whole (the next ingest embeds them), and this
process holds one shard in memory at a time however far the workers run ahead. The folder is
the library's own (``vector-shards-*`` beside the store) and is removed after each round; one a killed
process left behind goes with the next ingest (``ingest.liveness``).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ingest.liveness import SCRATCH_PREFIX
from retrieval.library import Library


class ShardFolder:
    """Numbered ``.npz`` files of (chunk ids, vectors), written in arrival order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def write(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        np.savez(self.folder / f"{self.count:06d}.npz", ids=np.asarray(ids, np.int64), vectors=vectors)
        self.count += 1

    def read(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for path in sorted(self.folder.glob("*.npz")):
            with np.load(path) as shard:
                yield shard["ids"], shard["vectors"]


@contextmanager
def shard_folder(library: Library) -> Iterator[ShardFolder]:
    """A fresh folder of shards in the library's data folder, removed afterwards however the round ends."""
    library.settings.data_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=library.settings.data_dir))
    try:
        yield ShardFolder(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def apply_shards(library: Library, shards: ShardFolder, expected: Iterable[int]) -> int:
    """Commit the shards' vectors (one short transaction each) once they cover exactly the ``expected`` chunks."""
    wanted = np.sort(np.fromiter(expected, dtype=np.int64))
    got = np.sort(np.concatenate([ids for ids, _ in shards.read()] or [np.zeros(0, np.int64)]))
    if not np.array_equal(wanted, got):
        raise RuntimeError(f"the embedding workers returned {len(got)} vectors for {len(wanted)} chunks")
    for ids, vectors in shards.read():
        library.store.set_vectors(ids, vectors)
    return len(wanted)
