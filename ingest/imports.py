"""One import (files, a PubMed query or a PMID list), run the same way for the command line and the web app.

``python -m ingest`` prints what an import returns; the web app's background
job keeps it for its page. Both therefore count alike (a fetched record once,
a PMID NCBI did not return as failed) and tell the user the same sentences:
NCBI's warnings, the PMIDs not found, the records already in the library, and,
when a file is damaged or NCBI fails part-way, that what was committed before
is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.checksums import verify_md5
from ingest.eutils import EutilsError, FetchReport, iter_pmids, iter_query
from ingest.eutils.fetch import DateLike
from ingest.formats import iter_file, iter_upload
from ingest.formats.errors import ParseError
from ingest.items import Item
from ingest.pipeline import Embed, IngestSummary, ingest
from ingest.progress import Reporter
from retrieval.errors import UserError
from retrieval.library import Library

# The items of a file on disk: read here (``iter_file``), or read by workers elsewhere and handed back in order.
FileItems = Callable[[Path], Iterable[Item]]
FileKind = Literal["file", "upload"]


@dataclass
class ImportResult:
    """What an import did: its counts, and what the user should read about it (one sentence each)."""

    summary: IngestSummary = field(default_factory=IngestSummary)
    messages: list[str] = field(default_factory=list)
    failure: str | None = None  # why a fetch stopped part-way; the records committed before it are kept


def import_files(
    library: Library,
    paths: Sequence[Path],
    reporter: Reporter,
    kind: FileKind = "file",
    items_of: FileItems = iter_file,
    embed: Embed = Library.embed_pending,
) -> ImportResult:
    """Import ``paths`` in order (``kind="upload"``: files saved from the web app); a damaged one counts as failed.

    ``items_of`` and ``embed`` say where files are parsed and chunks embedded (``ingest.distributed``: on Ray);
    whatever they are, this process commits every record, deletion and vector, one file after the other.
    """
    result = ImportResult()
    for path in paths:
        if reporter.cancelled():
            break
        try:
            if verify_md5(path):
                result.messages.append(f"{path.name}: checksum verified")
            result.summary.merge(_ingest_file(library, path, reporter, kind, items_of, embed))
        except ParseError as error:  # raised part-way through the file, after its complete records were committed
            committed = _committed_before_failure(library)
            result.summary.merge(committed)
            kept = committed.added + committed.updated + committed.skipped + committed.deleted
            result.messages.append(f"{error} Records read before the problem were kept." if kept else str(error))
        except UserError as error:  # a damaged download or an unsupported file: nothing of it was read
            result.summary.failed += 1
            result.summary.errors.append(str(error))
            result.messages.append(str(error))
    return result


def _ingest_file(
    library: Library, path: Path, reporter: Reporter, kind: FileKind, items_of: FileItems, embed: Embed
) -> IngestSummary:
    """A file on disk is named by its path; an upload by the user's file name (the server's folder means nothing)."""
    if kind == "upload":
        with path.open("rb") as stream:
            items = iter_upload(path.name, stream)
            return ingest(library, items, kind=kind, source=path.name, reporter=reporter, embed=embed)
    return ingest(library, items_of(path), kind=kind, source=str(path.resolve()), reporter=reporter, embed=embed)


def import_query(
    library: Library,
    query: str,
    reporter: Reporter,
    max_records: int | None = None,
    mindate: DateLike = None,
    maxdate: DateLike = None,
    listed: list[str] | None = None,
) -> ImportResult:
    """Fetch the records matching a PubMed query that the library does not have yet.

    ``listed`` receives every PMID the query finds, known or not: the baseline of a saved query.
    """
    report = FetchReport()

    def known(pmids: Sequence[str]) -> set[str]:
        if listed is not None:
            listed.extend(pmids)
        return library.store.known_pmids(pmids)

    items = iter_query(
        library.settings,
        query,
        max_records=max_records,
        mindate=mindate,
        maxdate=maxdate,
        known=known,
        reporter=reporter,
        report=report,
    )
    return _fetched(library, items, report, reporter, kind="pubmed", source=query)


def import_pmids(library: Library, pmids: Sequence[str], reporter: Reporter, source: str | None = None) -> ImportResult:
    """Fetch the records of ``pmids`` that the library does not have yet; ``source`` says why, for provenance."""
    report = FetchReport()
    items = iter_pmids(library.settings, pmids, known=library.store.known_pmids, reporter=reporter, report=report)
    return _fetched(library, items, report, reporter, kind="pmids", source=source or _count(len(pmids), "PMID"))


def _fetched(
    library: Library, items: Iterable[Item], report: FetchReport, reporter: Reporter, kind: str, source: str
) -> ImportResult:
    """Ingest what a fetch yields, then turn its report into counts and sentences.

    The fetcher reports its own progress (records downloaded, known or not
    found), so the pipeline must not count the same records again as it
    commits them.
    """
    result = ImportResult()
    try:
        result.summary = ingest(library, items, kind=kind, source=source, reporter=reporter, items_report_progress=True)
    except EutilsError as error:
        result.summary = _committed_before_failure(library)
        result.failure = (
            f"{str(error).removesuffix('.')}; records committed before the failure are kept; run it again to resume."
        )
    result.messages.extend(report.warnings)
    if line := report.not_found_line():
        result.messages.append(f"{line}.")
        result.summary.failed += len(report.not_found)
    if known := report.already_known:
        were = "was" if known == 1 else "were"
        result.messages.append(
            f"{_count(known, 'record')} {were} already in the library and {were} not downloaded again."
        )
    return result


def resume_interrupted(library: Library, runs: Sequence[dict], reporter: Reporter) -> ImportResult:
    """Say what the ``runs`` a stopped process left had committed, then embed and index it (the library's check
    is clean again); what they had not read yet is not known here: the sentences say to import it again."""
    result = ImportResult()
    for run in runs:
        kept = run["added"] + run["updated"]
        result.messages.append(
            f"The import of {run['source']} (started {run['started_at'].replace('T', ' ').rstrip('Z')} UTC) was "
            f"stopped before it finished; what it committed ({_count(kept, 'record')}) is kept and now searchable. "
            "Import the same source again to add the rest."
        )
    result.summary = ingest(library, [], kind="resume", source="what an interrupted import left", reporter=reporter)
    return result


def _committed_before_failure(library: Library) -> IngestSummary:
    """What an ingest that raised had committed, read back from its provenance row (the failure counts as failed)."""
    runs = library.store.recent_runs(1)
    if not runs:
        return IngestSummary()
    run = runs[0]
    return IngestSummary(
        **{k: run[k] for k in ("added", "updated", "deleted", "skipped", "failed")}, errors=[run["message"]]
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
