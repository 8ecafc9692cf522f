"""The three kinds of import the app runs as background jobs: files, a PubMed query, a PMID list.

Each builds a ``Work`` for ``JobRegistry.start`` around ``ingest.imports``, the
same code ``python -m ingest`` runs, and keeps what it returns on the job: the
counts, and the sentences the Import page shows (a failure keeps what was
committed before it, and says so).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from ingest.imports import ImportResult, import_files, import_pmids, import_query, resume_interrupted
from pages._shared.jobs import ImportJob, Work
from retrieval.library import Library
from retrieval.library.collections import Collections

UPLOADS = "uploads"


def uploads_dir(library: Library) -> Path:
    """Where uploads wait for their import; a folder left here after a restart is an import the server never ended."""
    folder = library.settings.data_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def files_work(library: Library, folder: Path) -> Work:
    """Import every file saved in ``folder`` (an upload), then remove the folder."""

    def work(job: ImportJob) -> None:
        try:
            _keep(job, import_files(library, sorted(folder.iterdir()), job, kind="upload"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return work


def query_work(
    library: Library,
    query: str,
    max_records: int | None,
    mindate: str | None = None,
    maxdate: str | None = None,
    save_as: str | None = None,
) -> Work:
    """Fetch a query's records; with ``save_as``, keep the query current (``python -m ingest update``)."""

    def work(job: ImportJob) -> None:
        listed: list[str] = []
        _keep(
            job,
            import_query(library, query, job, max_records=max_records, mindate=mindate, maxdate=maxdate, listed=listed),
        )
        if save_as and not job.cancelled():
            shelves = Collections(library.store)
            if shelves.find_pubmed_query(query) is None:
                shelves.save_pubmed_query(save_as, query, listed)
                job.messages.append(f"Saved as “{save_as}”: the What's new page lists what later updates find.")

    return work


def pmids_work(library: Library, pmids: Sequence[str], purpose: str) -> Work:
    def work(job: ImportJob) -> None:
        _keep(job, import_pmids(library, pmids, job, source=purpose))

    return work


def _keep(job: ImportJob, result: ImportResult) -> None:
    """The job shows the counts and the sentences, the reason a fetch stopped first."""
    job.summary.merge(result.summary)
    job.failure = job.failure or result.failure
    job.messages.extend([result.failure, *result.messages] if result.failure else result.messages)


def resume_work(library: Library, runs: Sequence[dict], folders: Sequence[Path]) -> Work:
    """Finish what a stopped server left: uploads it had not finished reading are read again (what it had
    committed counts as unchanged); else what its runs had committed is embedded and indexed."""

    def work(job: ImportJob) -> None:
        if not folders:
            _keep(job, resume_interrupted(library, runs, job))
            return
        names = ", ".join(sorted(p.name for folder in folders for p in folder.iterdir()))
        job.messages.append(
            f"The server was stopped during the import of {names}; it was resumed: records committed before the stop "
            "count as unchanged."
        )
        for folder in folders:
            files_work(library, folder)(job)

    return work
