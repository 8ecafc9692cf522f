"""The three kinds of import the app runs as background jobs: files, a PubMed query, a PMID list.

Each builds a ``Work`` for ``JobRegistry.start``. A failure keeps what was
committed before it (the pipeline commits in batches) and tells the user, in
one sentence, what happened and what to do.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from ingest.eutils import EutilsError, FetchReport, iter_pmids, iter_query
from ingest.formats import iter_upload
from ingest.formats.errors import ParseError
from ingest.pipeline import IngestSummary, ingest
from pages._shared.jobs import ImportJob, Work
from retrieval.library import Library
from retrieval.library.collections import Collections


def files_work(library: Library, folder: Path) -> Work:
    """Import every file saved in ``folder`` (an upload), then remove the folder."""

    def work(job: ImportJob) -> None:
        try:
            for path in sorted(folder.iterdir()):
                if job.cancelled():
                    break
                try:
                    with path.open("rb") as stream:
                        summary = ingest(
                            library, iter_upload(path.name, stream), kind="upload", source=path.name, reporter=job
                        )
                    job.summary.merge(summary)
                except ParseError as error:
                    job.summary.merge(_last_run_counts(library))
                    job.messages.append(f"{error} Records read before the problem were kept.")
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
        report = FetchReport()
        listed: list[str] = []

        def known(pmids: Sequence[str]) -> set[str]:
            listed.extend(pmids)  # what the query finds today: the saved query's baseline
            return library.store.known_pmids(pmids)

        items = iter_query(
            library.settings,
            query,
            max_records=max_records,
            mindate=mindate,
            maxdate=maxdate,
            known=known,
            reporter=job,
            report=report,
        )
        _fetch(library, job, items, f"PubMed query: {query}", report)
        if save_as and not job.cancelled():
            shelves = Collections(library.store)
            if shelves.find_pubmed_query(query) is None:
                shelves.save_pubmed_query(save_as, query, listed)
                job.messages.append(f"Saved as “{save_as}”: the What's new page lists what later updates find.")

    return work


def pmids_work(library: Library, pmids: Sequence[str], purpose: str) -> Work:
    def work(job: ImportJob) -> None:
        report = FetchReport()
        items = iter_pmids(library.settings, list(pmids), known=library.store.known_pmids, reporter=job, report=report)
        _fetch(library, job, items, purpose, report)

    return work


def _fetch(library: Library, job: ImportJob, items, source: str, report: FetchReport) -> None:
    try:
        job.summary.merge(ingest(library, items, kind="eutils", source=source, reporter=job))
    except EutilsError as error:
        job.summary.merge(_last_run_counts(library))
        job.messages.append(f"{error} Records downloaded before the failure were kept; run it again for the rest.")
    job.messages.extend(report.warnings)
    if line := report.not_found_line():
        job.messages.append(line + ".")
    if report.already_known:
        job.messages.append(f"{report.already_known:,} were already in the library and were not downloaded again.")


def _last_run_counts(library: Library) -> IngestSummary:
    """What a failed ingest committed, read back from its provenance row."""
    runs = library.store.recent_runs(1)
    counts = {k: runs[0][k] for k in ("added", "updated", "deleted", "skipped")} if runs else {}
    return IngestSummary(**counts)
