"""What a fetch did besides yielding records, for the CLI and the web app to tell the user."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_PMIDS = 10


@dataclass
class FetchReport:
    """Filled in while ``iter_query`` / ``iter_pmids`` run; complete once the iterator is exhausted."""

    requested: int = 0  # query hits considered (after max_records) or distinct PMIDs asked for
    already_known: int = 0  # in the library already, so not downloaded again
    fetched: int = 0
    not_found: list[str] = field(default_factory=list)  # asked for (or listed by esearch) but not delivered
    warnings: list[str] = field(default_factory=list)

    def not_found_line(self) -> str | None:
        """E.g. ``2 PMIDs not found: 99999999, 99999998`` (past ten: ``… and 5 more``); ``None`` when all were found."""
        if not self.not_found:
            return None
        shown = ", ".join(self.not_found[:SHOWN_PMIDS])
        hidden = len(self.not_found) - SHOWN_PMIDS
        more = f" and {hidden:,} more" if hidden > 0 else ""
        noun = "PMID" if len(self.not_found) == 1 else "PMIDs"
        return f"{len(self.not_found):,} {noun} not found: {shown}{more}"
