"""What an input source yields: article records, and deletions of earlier records."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.library.records import Article


@dataclass(frozen=True)
class Deletion:
    """A ``DeleteCitation`` block: these PMIDs must leave the library."""

    pmids: tuple[str, ...]


Item = Article | Deletion
