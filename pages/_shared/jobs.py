"""Imports that run in a background thread while the app stays usable.

One ``JobRegistry`` per library, shared by every session (``st.cache_resource``):
any user sees the running import's progress and can cancel it, and a second
import waits until the first is done (one writer at a time keeps SQLite and the
index simple). A job is the ingest ``Reporter``: the pipeline and the E-utilities
fetcher report stages and counts to it and poll it for cancellation.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st

from ingest.pipeline import IngestSummary
from pages._shared.resources import library
from retrieval.errors import UserError

log = logging.getLogger("medlit.web")

State = Literal["running", "done", "cancelled", "failed"]
STAGE_NAMES = {
    "parse": "Reading records",
    "fetch": "Downloading from PubMed",
    "entities": "Finding drugs and diseases",
    "embed": "Embedding abstracts",
    "index": "Updating the search index",
}


class ImportBusy(UserError):
    """Another import is running; the user should wait for it or cancel it."""


@dataclass
class ImportJob:
    """One import: what it is, how far it got, and how it ended."""

    id: int
    label: str
    started: float = field(default_factory=time.time)
    state: State = "running"
    stage_name: str = "starting"
    total: int | None = None
    done: int = 0
    summary: IngestSummary = field(default_factory=IngestSummary)
    messages: list[str] = field(default_factory=list)  # one sentence each, for the user
    failure: str | None = None  # why a fetch stopped part-way (the work itself ended normally)
    finished: float | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    # ------------------------------------------------------------ Reporter protocol
    def stage(self, name: str, total: int | None) -> None:
        self.stage_name, self.total, self.done = name, total, 0

    def advance(self, n: int) -> None:
        self.done += n

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # ------------------------------------------------------------------ for pages
    def cancel(self) -> None:
        self._cancel.set()

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))

    @property
    def progress_text(self) -> str:
        name = STAGE_NAMES.get(self.stage_name, self.stage_name.capitalize())
        if self.cancelled() and self.running:
            name = "Stopping after the current batch"
        if self.total:
            return f"{name}: {min(self.done, self.total):,} of {self.total:,}"
        return f"{name}…" if not self.done else f"{name}: {self.done:,}"


Work = Callable[[ImportJob], None]


class JobRegistry:
    """The imports of one library in this process, newest last."""

    def __init__(self) -> None:
        self._jobs: list[ImportJob] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._threads: dict[int, threading.Thread] = {}

    def start(self, label: str, work: Work) -> ImportJob:
        """Run ``work(job)`` in a thread; ``work`` fills ``job.summary`` and ``job.messages``."""
        with self._lock:
            if (current := self.current()) is not None:
                raise ImportBusy(
                    f"An import is already running ({current.label}); wait for it to finish or cancel it first."
                )
            job = ImportJob(next(self._ids), label)
            self._jobs.append(job)
            thread = threading.Thread(target=self._run, args=(job, work), name=f"medlit-import-{job.id}", daemon=True)
            self._threads[job.id] = thread
        thread.start()
        return job

    def _run(self, job: ImportJob, work: Work) -> None:
        try:
            work(job)
            job.state = "cancelled" if job.cancelled() else "done"
        except UserError as error:  # bad input, NCBI unreachable...: the sentence says what to do
            log.warning("import %s failed: %s", job.label, error)
            job.state = "failed"
            job.messages.append(str(error))
        except Exception:  # a bug; the thread must never die silently
            log.exception("import %s failed", job.label)
            job.state = "failed"
            job.messages.append("The import stopped because of an unexpected error; the details are in the log.")
        finally:
            job.finished = time.time()

    def current(self) -> ImportJob | None:
        return next((j for j in reversed(self._jobs) if j.running), None)

    def recent(self, limit: int = 5) -> list[ImportJob]:
        return list(reversed(self._jobs[-limit:]))

    def wait(self, job: ImportJob, timeout: float | None = None) -> bool:
        """Block until ``job`` ends (tests and the command line); True when it did."""
        thread = self._threads.get(job.id)
        if thread is not None:
            thread.join(timeout)
        return not job.running


@st.cache_resource
def _registry(data_dir: str) -> JobRegistry:
    return JobRegistry()


def registry() -> JobRegistry:
    return _registry(str(library().settings.data_dir))
