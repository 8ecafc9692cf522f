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

Rows of replaced or deleted chunks stay behind, unread. Compaction copies a shard's live rows
into a file of the shard's next generation (``vectors/000000.1.f16``), fsynced before the store
points the chunks at it in one transaction; only then is the old file removed. A file no
committed generation names is a leftover of a compaction or a write that was stopped, removed
by the next compaction (``stray``).
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
COPY_BLOCK = 1 << 16  # rows copied at once when a shard is compacted: 48 MiB of 384-d float16 rows


class DamagedShardError(UserError):
    """A shard file is missing or shorter than the rows the store committed to it."""


class ShardFiles:
    """The shard files of one library: append rows, gather rows by number, say how many rows are intact."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._maps: dict[int, tuple[int, np.memmap]] = {}  # shard: (generation, map of its committed rows)
        self._lock = threading.Lock()  # the web app reads from many threads

    def path(self, shard: int, generation: int = 0) -> Path:
        """A shard's file; a compacted shard's generation is in its name, so the old file stays whole until removed."""
        suffix = f".{generation}" if generation else ""
        return self.folder / f"{shard:06d}{suffix}{SHARD_SUFFIX}"

    def append(self, shard: int, start: int, vectors: np.ndarray, generation: int = 0) -> None:
        """Write ``vectors`` as float16 rows from row ``start`` (the committed end), drop what lay beyond, fsync.

        A shard shorter than ``start`` rows lost committed rows: writing would fill the gap with
        zeros, so it is refused and left for the library check to repair.
        """
        rows = np.ascontiguousarray(vectors, dtype=DTYPE)
        row_bytes = rows.shape[1] * DTYPE.itemsize
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(shard, generation)
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size < start * row_bytes:
                raise DamagedShardError(self._damage(shard, generation))
            os.pwrite(fd, rows.tobytes(), start * row_bytes)
            os.ftruncate(fd, (start + len(rows)) * row_bytes)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(self.folder)

    def gather(self, shard: int, generation: int, rows: np.ndarray, committed: int, dim: int) -> np.ndarray:
        """The float32 vectors in rows ``rows`` of a shard holding ``committed`` rows of ``dim`` dimensions."""
        stored = self._map(shard, generation, committed, dim)
        return np.asarray(stored[np.asarray(rows, dtype=np.int64)], dtype=np.float32)

    def _map(self, shard: int, generation: int, committed: int, dim: int) -> np.memmap:
        """A read-only map of the shard's committed rows, kept open; mapped again once more rows are committed
        or the shard was compacted (a new generation: the old map would give the old rows).

        Only committed rows are mapped: bytes beyond them may be cut off by the next write, and
        reading a mapped page past the end of a file kills the process.
        """
        with self._lock:
            mapped_generation, stored = self._maps.get(shard, (-1, None))
            if stored is None or mapped_generation != generation or len(stored) < committed or stored.shape[1] != dim:
                if self.intact_rows(shard, dim, generation) < committed:
                    raise DamagedShardError(self._damage(shard, generation))
                stored = np.memmap(self.path(shard, generation), dtype=DTYPE, mode="r", shape=(committed, dim))
                self._maps[shard] = (generation, stored)
            return stored

    def release(self, keep: set[tuple[int, int]]) -> None:
        """Drop the maps of files that are no longer a committed (shard, generation): a map keeps a removed file's
        disk space until it is dropped, and a long-running reader would otherwise hold every compacted file."""
        with self._lock:
            for shard in [s for s, (g, _) in self._maps.items() if (s, g) not in keep]:
                del self._maps[shard]

    def intact_rows(self, shard: int, dim: int, generation: int = 0) -> int:
        """Whole rows the shard file holds (0 when it is missing)."""
        try:
            size = self.path(shard, generation).stat().st_size
        except FileNotFoundError:
            return 0
        return size // (dim * DTYPE.itemsize)

    def cut(self, shard: int, rows: int, dim: int, generation: int = 0) -> None:
        """Keep only the first ``rows`` rows of a shard (none: remove it), after its damage was found."""
        with self._lock:
            self._maps.pop(shard, None)
        path = self.path(shard, generation)
        if rows == 0:
            path.unlink(missing_ok=True)
        elif path.exists():
            os.truncate(path, rows * dim * DTYPE.itemsize)

    def copy_live(self, shard: int, generation: int, rows: np.ndarray, committed: int, dim: int) -> None:
        """Write rows ``rows`` (in that order) of a shard's file into the file of its next generation, and fsync it.

        The new file is written whole and made durable before the store points any chunk at it,
        so a process stopped here leaves only a stray file; the old file is not touched.
        """
        source = self._map(shard, generation, committed, dim)
        target = self.path(shard, generation + 1)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for start in range(0, len(rows), COPY_BLOCK):
                os.write(fd, np.ascontiguousarray(source[rows[start : start + COPY_BLOCK]]).tobytes())
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_folder(self.folder)

    def stray(self, committed: set[tuple[int, int]]) -> list[Path]:
        """Shard files no committed (shard, generation) names: left by a compaction or a first write that stopped."""
        wanted = {self.path(shard, generation).name for shard, generation in committed}
        found = self.folder.glob(f"*{SHARD_SUFFIX}") if self.folder.is_dir() else []
        return sorted(p for p in found if p.name not in wanted)

    def remove(self, paths: list[Path]) -> int:
        """Remove files that no committed row points at (an old generation, a stray file); return their bytes."""
        freed = 0
        for path in paths:
            try:
                freed += path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
        if paths:
            _fsync_folder(self.folder)
        return freed

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob(f"*{SHARD_SUFFIX}")) if self.folder.is_dir() else 0

    def _damage(self, shard: int, generation: int) -> str:
        return (
            f"The vector shard {self.path(shard, generation)} is missing or shorter than the library says: "
            "run `python -m ingest check --repair` to embed its chunks again."
        )


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable (its folder entry), not only its bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
