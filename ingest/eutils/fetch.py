"""Fetching PubMed records for a query or a PMID list, resuming without downloading anything twice.

The PMIDs of each date window are listed first (esearch), the ones the
library already has are dropped (``known``), and only the rest is downloaded:
straight from the search's history set when nothing was known, else from a
history set of just the missing PMIDs (epost). Re-running an interrupted
fetch therefore downloads only what is still missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import date

from ingest.eutils import client
from ingest.eutils.report import FetchReport
from ingest.eutils.responses import History, SearchResult
from ingest.eutils.windows import DateRange, all_dates, fitting_windows, requested_range
from ingest.items import Item
from ingest.progress import Reporter, SilentReporter
from retrieval.errors import UserError
from retrieval.guard import require_clean
from retrieval.library.records import Article
from retrieval.settings import Settings

Known = Callable[[Sequence[str]], set[str]]
DateLike = str | date | None
log = logging.getLogger(__name__)
NCBI = "NCBI"
HOW_TO_SEND_REDACTED = (
    "use 'Send the redacted query' on the Import page (python -m ingest pubmed/pmids --send-redacted)"
)


def nothing_known(pmids: Sequence[str]) -> set[str]:
    """The default ``known``: fetch everything (an empty library)."""
    return set()


def count_query(settings: Settings, query: str, mindate: DateLike = None, maxdate: DateLike = None) -> int:
    """How many PubMed records match ``query`` (publication dates within ``mindate``-``maxdate``)."""
    return client.search_count(settings, _checked_query(query), requested_range(mindate, maxdate))


def iter_query(
    settings: Settings,
    query: str,
    *,
    max_records: int | None = None,
    mindate: DateLike = None,
    maxdate: DateLike = None,
    known: Known = nothing_known,
    reporter: Reporter | None = None,
    report: FetchReport | None = None,
) -> Iterator[Item]:
    """An iterator over the records matching ``query`` that ``known`` does not already have.

    ``max_records`` limits the hits considered (newest publication dates first
    when the result set needs date windows), not the downloads, so a re-run
    after an interruption completes the same set. An empty query, a bad date or
    ``max_records`` raise ``UserError`` here, before any request, and so does a query holding
    patient identifiers (``IdentifiersFound``, see ``retrieval.guard``); iterating
    raises ``EutilsError`` when NCBI keeps failing.
    """
    query = _checked_query(query)
    if max_records is not None and max_records < 1:
        raise UserError(f"max_records is {max_records}; ask for at least 1 record, or leave it unset for all.")
    requested = requested_range(mindate, maxdate)
    report = report if report is not None else FetchReport()
    return _query_records(settings, query, max_records, requested, known, reporter or SilentReporter(), report)


def _query_records(
    settings: Settings,
    query: str,
    max_records: int | None,
    requested: DateRange | None,
    known: Known,
    reporter: Reporter,
    report: FetchReport,
) -> Iterator[Item]:
    total = client.search_count(settings, query, requested)
    wanted = total if max_records is None else min(total, max_records)
    report.requested = wanted
    reporter.stage("fetch", wanted)
    remaining, listed, seen, cut_by_date = wanted, 0, set[str](), False
    for window, found in _window_searches(settings, query, requested, total, settings.eutils_max_window):
        if remaining <= 0:
            break
        listed += found.count
        cut_by_date = cut_by_date or window != requested
        if found.count > len(found.ids):
            report.warnings.append(
                f"NCBI listed only {len(found.ids):,} of the {found.count:,} records published {window or 'ever'}, "
                "so only those were fetched: narrow the query to get the rest."
            )
        pmids = [p for p in found.ids[:remaining] if p not in seen]  # a record can match two windows
        seen.update(pmids)
        remaining -= len(pmids)
        # The search's history set starts with exactly these PMIDs unless some were dropped; then epost them.
        reuse = found.history if pmids == found.ids[: len(pmids)] else None
        yield from _fetch_listed(settings, pmids, reuse, known, reporter, report)
    if cut_by_date and requested is None and max_records is None and listed < total:
        report.warnings.append(
            f"{total - listed:,} of {total:,} records have no publication date between "
            f"{all_dates()} and were not fetched."
        )


def _window_searches(
    settings: Settings, query: str, span: DateRange | None, count: int, cap: int
) -> Iterator[tuple[DateRange | None, SearchResult]]:
    """Search ``query`` in date windows of at most ``cap`` hits each, newest first, listing every PMID.

    ``span`` is ``None`` for no date limits (searched as is when it fits). When
    NCBI lists fewer PMIDs per search than ``cap`` (its limit changed), the
    window is cut again to the size NCBI does list.
    """
    if count <= cap:
        windows: Iterator[tuple[DateRange | None, int]] = iter([(span, count)] if count else [])
    else:
        whole = span or all_dates()
        windows = fitting_windows(whole, count, lambda window: client.search_count(settings, query, window), cap)
    for window, _ in windows:
        found = client.search(settings, query, cap, window)  # the whole cap: a window can grow after counting
        ncbi_cap = len(found.ids)
        cuttable = window is None or window.halves() is not None
        if 0 < ncbi_cap < min(found.count, cap) and cuttable:
            log.warning(
                "NCBI lists %d PMIDs per search, fewer than eutils_max_window=%d; cutting smaller.", ncbi_cap, cap
            )
            yield from _window_searches(settings, query, window or all_dates(), found.count, ncbi_cap)
        else:
            yield window, found


def iter_pmids(
    settings: Settings,
    pmids: Sequence[str],
    *,
    known: Known = nothing_known,
    reporter: Reporter | None = None,
    report: FetchReport | None = None,
) -> Iterator[Item]:
    """An iterator over the records of ``pmids`` that ``known`` does not already have.

    An entry that is not a PMID raises ``UserError`` here, before any request.
    PMIDs NCBI does not deliver end up in ``report.not_found``.
    """
    if not isinstance(pmids, str) and not all(str(p).strip().isdigit() for p in pmids):
        # A pasted list may hold more than PMIDs (a chart line); bare numbers alone identify no one.
        require_clean(" ".join(str(p) for p in pmids), NCBI, HOW_TO_SEND_REDACTED)
    wanted = checked_pmids(pmids)
    report = report if report is not None else FetchReport()
    return _pmid_records(settings, wanted, known, reporter or SilentReporter(), report)


def _pmid_records(
    settings: Settings, wanted: list[str], known: Known, reporter: Reporter, report: FetchReport
) -> Iterator[Item]:
    report.requested = len(wanted)
    reporter.stage("fetch", len(wanted))
    have = known(wanted)
    missing = [p for p in wanted if p not in have]
    report.already_known += len(wanted) - len(missing)
    reporter.advance(len(wanted) - len(missing))
    yield from _fetch_by_id_confirming(settings, missing, reporter, report)


def checked_pmids(pmids: Sequence[str]) -> list[str]:
    """``pmids`` stripped and without repeats; ``UserError`` naming the entries that are not PMIDs."""
    if isinstance(pmids, str):
        raise UserError("Give the PMIDs as a list, not one string; e.g. ['31452104', '28375731'].")
    cleaned = [str(p).strip() for p in pmids]
    bad = [p for p in cleaned if not (p.isascii() and p.isdigit() and int(p) > 0)]
    if bad:
        shown = ", ".join(repr(p) for p in bad[:5]) + (", …" if len(bad) > 5 else "")
        raise UserError(f"Not PMIDs: {shown}; a PMID is a positive whole number such as 31452104.")
    return list(dict.fromkeys(str(int(p)) for p in cleaned))


def _checked_query(query: str) -> str:
    """The query stripped; ``ValueError`` when empty, ``IdentifiersFound`` when it holds patient identifiers."""
    if not query or not query.strip():
        raise UserError("The PubMed query is empty; type search terms, e.g. 'aspirin AND stroke'.")
    return require_clean(query.strip(), NCBI, HOW_TO_SEND_REDACTED)


def _fetch_listed(
    settings: Settings,
    pmids: list[str],
    history: History | None,
    known: Known,
    reporter: Reporter,
    report: FetchReport,
) -> Iterator[Item]:
    """Download the PMIDs of one window that the library lacks, in batches from a history set.

    ``history`` holds exactly ``pmids`` (the window's search) or is ``None``.
    """
    have = known(pmids)
    missing = [p for p in pmids if p not in have]
    report.already_known += len(pmids) - len(missing)
    reporter.advance(len(pmids) - len(missing))
    if not missing:
        return
    if have or history is None:
        history = client.post(settings, missing)
    delivered: set[str] = set()
    batch = settings.eutils_batch_size
    for start in range(0, len(missing), batch):
        items = client.fetch_from_history(settings, history, start, min(batch, len(missing) - start))
        delivered.update(_pmids(items))
        yield from _counted(items, reporter, report)
    absent = [p for p in missing if p not in delivered]
    if absent:  # listed by esearch, yet not delivered from the history set: ask for them by PMID
        yield from _fetch_by_id_confirming(settings, absent, reporter, report)


def _fetch_by_id_confirming(
    settings: Settings, pmids: list[str], reporter: Reporter, report: FetchReport
) -> Iterator[Item]:
    """Download ``pmids`` by PMID; those missing twice in a row are reported as not found.

    Asking a second time tells a record NCBI lacks from one a proxy dropped.
    """
    absent = yield from _fetch_by_id(settings, pmids, reporter, report)
    if absent:
        absent = yield from _fetch_by_id(settings, absent, reporter, report)
    report.not_found.extend(absent)
    reporter.advance(len(absent))


def _fetch_by_id(
    settings: Settings, pmids: list[str], reporter: Reporter, report: FetchReport
) -> Generator[Item, None, list[str]]:
    """Yield the records of ``pmids`` in batches; return the PMIDs NCBI did not deliver."""
    absent: list[str] = []
    batch = settings.eutils_batch_size
    for start in range(0, len(pmids), batch):
        part = pmids[start : start + batch]
        items = client.fetch_ids(settings, part)
        delivered = set(_pmids(items))
        absent.extend(p for p in part if p not in delivered)
        yield from _counted(items, reporter, report)
    return absent


def _pmids(items: list[Item]) -> list[str]:
    return [item.pmid for item in items if isinstance(item, Article)]


def _counted(items: list[Item], reporter: Reporter, report: FetchReport) -> list[Item]:
    report.fetched += len(items)
    reporter.advance(len(items))
    return items
