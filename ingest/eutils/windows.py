"""Publication-date windows small enough for esearch to list every PMID.

esearch lists at most ``eutils_max_window`` (9,999) PMIDs of a result set, so
a larger set is cut by publication date (``datetype=pdat``): a range whose
count is over the cap is halved, newest half first, until each piece fits.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from retrieval.errors import UserError

# PubMed's oldest citations are from the late 1700s; epub-ahead-of-print dates run into next year.
EARLIEST = date(1700, 1, 1)
LATEST_YEARS_AHEAD = 5

_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?\s*$")


@dataclass(frozen=True)
class DateRange:
    """Publication dates from ``first`` to ``last``, both included."""

    first: date
    last: date

    def params(self) -> dict[str, str]:
        return {"datetype": "pdat", "mindate": f"{self.first:%Y/%m/%d}", "maxdate": f"{self.last:%Y/%m/%d}"}

    def halves(self) -> tuple[DateRange, DateRange] | None:
        """The older and the newer half; ``None`` for a single day, which cannot be cut."""
        if self.first >= self.last:
            return None
        middle = self.first + (self.last - self.first) // 2
        return DateRange(self.first, middle), DateRange(middle + timedelta(days=1), self.last)

    def __str__(self) -> str:
        return f"{self.first:%Y/%m/%d}-{self.last:%Y/%m/%d}"


def parse_date(value: str | date, *, end: bool) -> date:
    """A PubMed date (``2020``, ``2020/05``, ``2020/05/17``, also with dashes) as the first or last day it covers."""
    if isinstance(value, date):
        return value
    match = _DATE.match(value)
    if not match:
        raise UserError(f"{value!r} is not a date; write it as YYYY, YYYY/MM or YYYY/MM/DD, e.g. 2020/05/17.")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError:
        raise UserError(f"{value!r} is not a valid date; write it as YYYY, YYYY/MM or YYYY/MM/DD.") from None


def requested_range(mindate: str | date | None, maxdate: str | date | None) -> DateRange | None:
    """The user's date limits as a range (an open end reaches PubMed's first or last date), or ``None``."""
    if mindate is None and maxdate is None:
        return None
    whole = all_dates()
    first = parse_date(mindate, end=False) if mindate is not None else whole.first
    last = parse_date(maxdate, end=True) if maxdate is not None else whole.last
    if first > last:
        raise UserError(f"The date range {first:%Y/%m/%d}-{last:%Y/%m/%d} is empty; put the earlier date first.")
    return DateRange(first, last)


def all_dates() -> DateRange:
    today = date.today()
    return DateRange(EARLIEST, date(today.year + LATEST_YEARS_AHEAD, 12, 31))


def fitting_windows(
    span: DateRange, count: int, count_in: Callable[[DateRange], int], cap: int
) -> Iterator[tuple[DateRange, int]]:
    """Yield ``(window, count)`` covering ``span`` newest first, each with at most ``cap`` records.

    ``count`` is the known count of ``span``; ``count_in`` asks NCBI for the
    count of a smaller range. Both halves are counted, not one subtracted from
    the whole: a record with an electronic and a print date can fall in both.
    Empty windows are skipped; a single day over the cap cannot be cut and is
    yielded as it is (the caller lists what it can). Counting is lazy, so a
    caller that stops early asks for no more counts.
    """
    if count == 0:
        return
    halves = span.halves() if count > cap else None
    if halves is None:
        yield span, count
        return
    older, newer = halves
    yield from fitting_windows(newer, count_in(newer), count_in, cap)
    yield from fitting_windows(older, count_in(older), count_in, cap)
