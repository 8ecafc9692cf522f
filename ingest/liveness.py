"""Which ingest runs are alive, across processes and after ``kill -9``.

An ingest records its run as 'running' and only its own end marks it done, cancelled or
failed; a process killed outright (``kill -9``, a power cut) never gets there. So every
ingest also holds a shared lock on the data folder's ``ingest.lock`` while it runs: the
operating system lets go of it when the process ends, however it ends. Whoever can take the
lock exclusively knows no ingest runs, so any run still marked 'running' is one a dead
process left behind: it is closed as 'interrupted', with what it had committed, and the
library's next ingest (or the web app's resume) embeds and indexes what it left pending.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.library import Library

LOCK_FILE = "ingest.lock"
SCRATCH_PREFIX = "vector-shards-"  # an ingest's scratch folders in the data folder (ingest.distributed.shards)
INTERRUPTED = "interrupted"
INTERRUPTED_MESSAGE = (
    "stopped before it finished (the process was killed or the machine stopped); "
    "the records it committed are kept; import the same source again to add the rest"
)


@contextmanager
def _lock_file(data_dir: Path) -> Iterator[int]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("a+b") as handle:
        yield handle.fileno()


@contextmanager
def running(library: Library) -> Iterator[None]:
    """Held for the whole of an ingest; many ingests may hold it at once, no dead process ever does."""
    with _lock_file(library.settings.data_dir) as fd:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield


def close_interrupted_runs(library: Library) -> list[dict]:
    """Close the runs that dead processes left 'running', and remove their scratch folders; [] also while an
    ingest runs (the runs and folders may be its own)."""
    with _lock_file(library.settings.data_dir) as fd:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        for scratch in library.settings.data_dir.glob(f"{SCRATCH_PREFIX}*"):
            shutil.rmtree(scratch, ignore_errors=True)
        return library.store.close_running_runs(INTERRUPTED, INTERRUPTED_MESSAGE)
