"""The fake's search: simple term matching on title and abstract words, and pdat date limits.

A term is one or more alternatives joined by ``OR``; an alternative matches a
record when all its words (``AND`` is implicit, field tags like ``[tiab]`` are
ignored, a trailing ``*`` matches a prefix) are in its title or abstract.
``all[sb]`` matches every record. Hits are sorted newest publication first,
like PubMed's default.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

from tests.fake_eutils.records import FakeRecord

_FIELD_TAG = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"[a-z0-9]+\*?")
_DATE = re.compile(r"^(\d{4})(?:/(\d{1,2})(?:/(\d{1,2}))?)?$")


def _matches(words: list[str], record: FakeRecord) -> bool:
    for word in words:
        if word.endswith("*"):
            if not any(w.startswith(word[:-1]) for w in record.words):
                return False
        elif word not in record.words:
            return False
    return True


def parse_pdat(value: str, *, end: bool) -> date:
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = match.groups()
    if month is None:
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    if day is None:
        last_day = calendar.monthrange(int(year), int(month))[1]
        return date(int(year), int(month), last_day if end else 1)
    return date(int(year), int(month), int(day))


def search(
    records: Iterable[FakeRecord], term: str, mindate: date | None = None, maxdate: date | None = None
) -> list[str]:
    """PMIDs matching ``term`` and published within ``mindate``-``maxdate``, newest first."""
    text = term.strip().lower()
    alternatives = (
        []
        if text == "all[sb]"
        else [
            [w for w in _WORD.findall(_FIELD_TAG.sub(" ", part)) if w not in ("and",)]
            for part in re.split(r"\s+or\s+", text)
        ]
    )
    hits = [
        r
        for r in records
        if (not alternatives or any(_matches(words, r) for words in alternatives))
        and (mindate is None or r.pub_date >= mindate)
        and (maxdate is None or r.pub_date <= maxdate)
    ]
    hits.sort(key=lambda r: (r.pub_date, int(r.pmid)), reverse=True)
    return [r.pmid for r in hits]
