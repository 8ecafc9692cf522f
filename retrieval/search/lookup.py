"""A PMID typed where a question or query goes means "open that article", not "find articles like this number"."""

from __future__ import annotations

import re

_PMID = re.compile(r"^\s*(?:PMID\s*:?\s*)?(\d{1,9})\s*$", re.I)


def typed_pmid(text: str) -> str | None:
    """The PMID when ``text`` is one PMID (``31452104``, ``PMID: 31452104``), else None."""
    match = _PMID.match(text or "")
    return match.group(1).lstrip("0") or None if match else None
