"""``python -m ingest update``: keep a library current.

Two steps, each safe to interrupt and re-run:

1. **NLM update files.** The mirror (``Settings.update_mirror_url``, NLM's ``updatefiles/`` folder
   or a copy of it) lists ``pubmedYYnNNNN.xml.gz`` files with ``.md5`` side files. Every file
   newer than the newest NLM file this library has finished ingesting (baseline or update, from
   its import history) is downloaded to the data folder, checked against its MD5, applied in
   order (new and revised records, deletions) and removed. A file that fails stops the run, so
   no later file is applied before it.
2. **Saved PubMed queries.** Each saved PubMed query is searched again (only PMIDs the library
   lacks are downloaded); the PMIDs it had not found before are recorded as new for it, which
   the "What's new" page lists until its owner has looked.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from ingest.checksums import ChecksumError, verify_md5
from ingest.eutils import EutilsError, FetchReport, iter_query
from ingest.formats import iter_file
from ingest.formats.errors import ParseError
from ingest.pipeline import IngestSummary, ingest
from ingest.progress import Reporter, SilentReporter
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.collections import Collections

NLM_FILE = re.compile(r"pubmed(\d{2})n(\d{4})\.xml\.gz$")
DOWNLOAD_CHUNK = 1 << 20


class UpdateError(UserError):
    """The update could not go on; the message says why and what to do."""


@dataclass
class QueryRun:
    name: str
    new: int = 0
    error: str = ""


@dataclass
class UpdateReport:
    applied: list[str] = field(default_factory=list)  # update files applied, in order
    summary: IngestSummary = field(default_factory=IngestSummary)
    queries: list[QueryRun] = field(default_factory=list)

    def lines(self) -> list[str]:
        files = ", ".join(self.applied) if self.applied else "none newer than the last one applied"
        out = [f"update files: {files}"]
        out += [
            f"saved query {q.name!r}: " + (f"failed: {q.error}" if q.error else f"{q.new} new") for q in self.queries
        ]
        return out


def file_key(name: str) -> tuple[int, int] | None:
    """(year, number) of an NLM file name, for ordering; None for any other file."""
    match = NLM_FILE.search(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def last_applied(library: Library) -> tuple[int, int] | None:
    """The newest NLM file (baseline or update) this library has finished ingesting."""
    keys = [k for source in library.store.finished_run_sources() if (k := file_key(Path(source).name))]
    return max(keys, default=None)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def _open(url: str, timeout: float):
    if not url.startswith(("http://", "https://", "file://")):
        raise UpdateError(f"The update mirror {url!r} is not an http(s) or file address; set MEDLIT_UPDATE_MIRROR_URL.")
    return urllib.request.urlopen(url, timeout=timeout)


def listed_files(mirror_url: str, timeout: float) -> list[str]:
    """The NLM update file names the mirror lists, in order."""
    base = mirror_url if mirror_url.endswith("/") else mirror_url + "/"
    if base.startswith("file://"):
        folder = Path(base.removeprefix("file://"))
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    else:
        try:
            with _open(base, timeout) as answer:
                page = answer.read(16 << 20).decode("utf-8", "replace")
        except OSError as error:
            raise UpdateError(f"Cannot list the update files at {base}: {error}.") from error
        parser = _Links()
        parser.feed(page)
        names = [href.rsplit("/", 1)[-1] for href in parser.hrefs]
    return sorted({n for n in names if file_key(n)}, key=file_key)


def _download(url: str, target: Path, timeout: float) -> None:
    try:
        with _open(url, timeout) as answer, target.open("wb") as out:
            shutil.copyfileobj(answer, out, DOWNLOAD_CHUNK)
    except OSError as error:
        raise UpdateError(f"Cannot download {url}: {error}; run the update again to retry.") from error


def apply_update_files(
    library: Library, mirror_url: str, reporter: Reporter, report: UpdateReport, timeout: float = 60.0
) -> None:
    """Download, check and apply every listed update file newer than the last one applied, in order."""
    base = mirror_url if mirror_url.endswith("/") else mirror_url + "/"
    since = last_applied(library)
    pending = [n for n in listed_files(base, timeout) if since is None or file_key(n) > since]
    if not pending:
        return
    work = library.settings.data_dir / "updates"
    work.mkdir(parents=True, exist_ok=True)
    for name in pending:
        folder = Path(tempfile.mkdtemp(prefix="update-", dir=work))
        try:
            path = folder / name
            _download(urljoin(base, name), path, timeout)
            _download(urljoin(base, name + ".md5"), folder / (name + ".md5"), timeout)
            try:
                verify_md5(path)
                summary = ingest(library, iter_file(path), kind="update", source=urljoin(base, name), reporter=reporter)
            except (ChecksumError, ParseError, ValueError) as error:
                raise UpdateError(f"{error} No later update file was applied; run the update again.") from error
            report.summary.merge(summary)
            report.applied.append(name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def rerun_saved_queries(library: Library, reporter: Reporter, report: UpdateReport) -> None:
    """Search every saved PubMed query again; record the PMIDs each finds for the first time."""
    shelves = Collections(library.store)
    for saved in shelves.pubmed_queries():
        run = QueryRun(saved.name)
        report.queries.append(run)
        listed: list[str] = []

        def known(pmids: Sequence[str], listed: list[str] = listed) -> set[str]:
            listed.extend(pmids)  # every PMID the search lists passes here, known or not
            return library.store.known_pmids(pmids)

        fetched = FetchReport()
        try:
            items = iter_query(library.settings, saved.query, known=known, reporter=reporter, report=fetched)
            summary = ingest(
                library, items, kind="eutils", source=f"saved PubMed query: {saved.query}", reporter=reporter,
                items_report_progress=True,
            )  # fmt: skip
        except (EutilsError, ValueError) as error:
            run.error = str(error)
            continue
        report.summary.merge(summary)
        run.new = len(shelves.record_run(saved.id, listed))


def update(
    library: Library,
    mirror_url: str,
    reporter: Reporter | None = None,
    *,
    files: bool = True,
    queries: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> UpdateReport:
    reporter = reporter or SilentReporter()
    report = UpdateReport()
    if files:
        if on_step:
            on_step(f"update files from {mirror_url}")
        apply_update_files(library, mirror_url, reporter, report, library.settings.eutils_timeout_s)
    if queries:
        if on_step:
            on_step("saved PubMed queries")
        rerun_saved_queries(library, reporter, report)
    return report
