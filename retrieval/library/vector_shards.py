"""Float16 vector shards beside the store: how a large library keeps each chunk vector once, at half the bytes.

A shard is a headerless file of float16 rows (``vectors/000000.f16`` beside ``library.sqlite``),
memory-mapped for reading. The store says which rows are committed (table ``vector_shards``)
and where each chunk's vector lies (``chunks.shard``, ``chunks.shard_row``); this module only
moves bytes and never speaks SQL.

Shards are append-only and written past their committed end, inside the store's write
transaction: the bytes are written and fsynced first, the rows that point at them are
committed after. A process killed in between leaves bytes no row points at, which the next
write overwrites (and cuts off), so committed rows are never rewritten in place and a reader's
memory map never sees a row change. Writing a temporary file and renaming it would need either a
copy of the whole shard per write or a file per write (about 30,000 files for all of PubMed);
appending past the commit point gives the same guarantee without either.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from retrieval.errors import UserError

SHARD_FOLDER = "vectors"
SHARD_SUFFIX = ".f16"
SHARD_ROWS = 1 << 20  # rows per shard: 768 MiB of 384-d vectors, so all of PubMed (64M chunks) is 61 files
DTYPE = np.dtype(np.float16)


class DamagedShardError(UserError):
    """A shard file is missing or shorter than the rows the store committed to it."""


class ShardFiles:
    """The shard files of one library: append rows, gather rows by number, say how many rows are intact."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._maps: dict[int, np.memmap] = {}
        self._lock = threading.Lock()  # the web app reads from many threads

    def path(self, shard: int) -> Path:
        return self.folder / f"{shard:06d}{SHARD_SUFFIX}"

    def append(self, shard: int, start: int, vectors: np.ndarray) -> None:
        """Write ``vectors`` as float16 rows from row ``start`` (the committed end), drop what lay beyond, fsync.

        A shard shorter than ``start`` rows lost committed rows: writing would fill the gap with
        zeros, so it is refused and left for the library check to repair.
        """
        rows = np.ascontiguousarray(vectors, dtype=DTYPE)
        row_bytes = rows.shape[1] * DTYPE.itemsize
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(shard)
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size < start * row_bytes:
                raise DamagedShardError(self._damage(shard))
            os.pwrite(fd, rows.tobytes(), start * row_bytes)
            os.ftruncate(fd, (start + len(rows)) * row_bytes)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(self.folder)

    def gather(self, shard: int, rows: np.ndarray, committed: int, dim: int) -> np.ndarray:
        """The float32 vectors in rows ``rows`` of a shard holding ``committed`` rows of ``dim`` dimensions."""
        stored = self._map(shard, committed, dim)
        return np.asarray(stored[np.asarray(rows, dtype=np.int64)], dtype=np.float32)

    def _map(self, shard: int, committed: int, dim: int) -> np.memmap:
        """A read-only map of the shard's committed rows, kept open; mapped again once more rows are committed.

        Only committed rows are mapped: bytes beyond them may be cut off by the next write, and
        reading a mapped page past the end of a file kills the process.
        """
        with self._lock:
            stored = self._maps.get(shard)
            if stored is None or len(stored) < committed or stored.shape[1] != dim:
                if self.intact_rows(shard, dim) < committed:
                    raise DamagedShardError(self._damage(shard))
                stored = np.memmap(self.path(shard), dtype=DTYPE, mode="r", shape=(committed, dim))
                self._maps[shard] = stored
            return stored

    def intact_rows(self, shard: int, dim: int) -> int:
        """Whole rows the shard file holds (0 when it is missing)."""
        try:
            size = self.path(shard).stat().st_size
        except FileNotFoundError:
            return 0
        return size // (dim * DTYPE.itemsize)

    def cut(self, shard: int, rows: int, dim: int) -> None:
        """Keep only the first ``rows`` rows of a shard (none: remove it), after its damage was found."""
        with self._lock:
            self._maps.pop(shard, None)
        path = self.path(shard)
        if rows == 0:
            path.unlink(missing_ok=True)
        elif path.exists():
            os.truncate(path, rows * dim * DTYPE.itemsize)

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob(f"*{SHARD_SUFFIX}")) if self.folder.is_dir() else 0

    def _damage(self, shard: int) -> str:
        return (
            f"The vector shard {self.path(shard)} is missing or shorter than the library says: "
            "run `python -m ingest check --repair` to embed its chunks again."
        )


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable (its folder entry), not only its bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
