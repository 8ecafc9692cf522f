"""The ingest pipeline: items in, committed records, vectors and index out.

Records are committed in batches (one SQLite transaction each), then embedded
block by block, then the index is synchronised and atomically replaced. Each
step can be interrupted at any moment: running the same ingest again finds the
committed records unchanged (skipped), embeds what was left pending and heals
the index, so the final library is the same as after an uninterrupted run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ingest.items import Deletion, Item
from ingest.liveness import close_interrupted_runs, running
from ingest.progress import Reporter, SilentReporter
from retrieval.library import Library
from retrieval.library.entities import model_version
from retrieval.library.library import EMBED_BLOCK
from retrieval.library.records import Article

BATCH = 500  # records per transaction

# How pending chunks get their vectors: ``Library.embed_pending`` here, or workers elsewhere
# (``ingest.distributed``); either way embedded block by block, committed by this process alone.
Embed = Callable[[Library, Callable[[int], None] | None], int]


class IngestCancelled(Exception):
    """The user stopped the ingest; what was committed before stays."""


@dataclass
class IngestSummary:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("added", "updated", "deleted", "skipped", "failed")}

    def merge(self, other: IngestSummary) -> None:
        for key, value in other.counts().items():
            setattr(self, key, getattr(self, key) + value)
        self.errors.extend(other.errors)

    def line(self) -> str:
        return " · ".join(f"{k} {v:,}" for k, v in self.counts().items())


def store_items(
    library: Library,
    items: Iterable[Item],
    source: str,
    reporter: Reporter,
    summary: IngestSummary,
    count: bool,
    embed: Embed = Library.embed_pending,
) -> None:
    """Commit records and deletions in input order (a deletion never overtakes an earlier record)."""
    pending: list[Article] = []

    def flush() -> None:
        if not pending:
            return
        result = library.upsert_articles(pending, source)
        summary.added += len(result.added)
        summary.updated += len(result.updated)
        summary.skipped += len(result.skipped)
        if count:
            reporter.advance(len(pending))
        pending.clear()
        if library.store.count_pending() >= 4 * EMBED_BLOCK:
            embed(library, None)

    iterator = iter(items)
    while True:
        try:
            item = next(iterator, None)
        except Exception:
            flush()  # keep every record read before a malformed part of the input
            raise
        if item is None:
            break
        if reporter.cancelled():
            flush()
            raise IngestCancelled
        if isinstance(item, Deletion):
            flush()
            summary.deleted += len(library.delete_articles(item.pmids, source))
        else:
            pending.append(item)
            if len(pending) >= BATCH:
                flush()
    flush()


def finish(library: Library, reporter: Reporter, embed: Embed = Library.embed_pending) -> None:
    """Find the entities of articles the shipped entity model has not read, embed whatever is pending, and
    make the index match.

    Articles ingested before entity extraction existed, or read by an earlier entity model, are read here
    too: running any import (``python -m ingest files ...``) backfills a library, and an interrupted run
    resumes.
    """
    if library.settings.extract_entities:
        reporter.stage("entities", library.store.count_without_entities(model_version()))
        library.extract_entities(progress=reporter.advance)
    reporter.stage("embed", library.store.count_pending())
    embed(library, reporter.advance)
    reporter.stage("index", None)
    library.sync_index()


def ingest(
    library: Library,
    items: Iterable[Item],
    *,
    kind: str,
    source: str,
    reporter: Reporter | None = None,
    total: int | None = None,
    items_report_progress: bool = False,
    embed: Embed = Library.embed_pending,
) -> IngestSummary:
    """Run one ingest of ``items`` and record its provenance (kind, source, counts, outcome).

    Records are counted on the reporter as they are committed, unless the items'
    source reports its own progress (a fetch from NCBI counts what it downloads).
    """
    close_interrupted_runs(library)  # before this run is one: a run left 'running' now was a dead process's
    with running(library):
        reporter = reporter or SilentReporter()
        return _ingest(library, items, kind, source, reporter, total, items_report_progress, embed)


def _ingest(
    library: Library,
    items: Iterable[Item],
    kind: str,
    source: str,
    reporter: Reporter,
    total: int | None,
    items_report_progress: bool,
    embed: Embed,
) -> IngestSummary:
    summary = IngestSummary()
    run_id = library.store.start_run(kind, source)
    status, message = "failed", ""
    try:
        if not items_report_progress:
            reporter.stage("parse", total)
        store_items(library, items, source, reporter, summary, not items_report_progress, embed)
        finish(library, reporter, embed)
        status = "done"
    except IngestCancelled:
        status, message = "cancelled", "stopped by the user; records committed before the stop are kept"
        finish(library, reporter, embed)
    except Exception as error:
        message = str(error)
        summary.failed += 1
        summary.errors.append(message)
        finish(library, reporter, embed)
        raise
    finally:
        library.store.finish_run(run_id, status, summary.counts(), message)
    return summary
