"""Input formats: which reader a file needs, chosen by its name.

Readers yield ``Article``s and ``Deletion``s in file order and raise
``ParseError`` (after the records before the problem) for damaged input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ingest.formats.errors import ParseError
from ingest.formats.medline_text import iter_medline_text
from ingest.formats.pubmed_xml import iter_pubmed_xml
from ingest.formats.sources import Source
from ingest.items import Item
from retrieval.errors import UserError

Reader = Callable[[Source, str | None], Iterator[Item]]
READERS: dict[str, Reader] = {
    ".xml": iter_pubmed_xml,
    ".xml.gz": iter_pubmed_xml,
    ".txt": iter_medline_text,
    ".nbib": iter_medline_text,
    ".medline": iter_medline_text,
}
SUPPORTED = "PubMed XML (.xml, .xml.gz) or MEDLINE text (.txt, .nbib, .medline)"

__all__ = ["READERS", "SUPPORTED", "ParseError", "iter_file", "iter_upload", "reader_for"]


def reader_for(filename: str) -> Reader:
    """The reader for ``filename``'s suffix; a ``UserError`` names the supported formats otherwise."""
    lowered = filename.lower()
    for suffix in sorted(READERS, key=len, reverse=True):  # ".xml.gz" before ".xml"
        if lowered.endswith(suffix):
            return READERS[suffix]
    raise UserError(f"{filename} is not a supported file type; use {SUPPORTED}.")


def iter_file(path: Path) -> Iterator[Item]:
    """Items of the file at ``path``, read by the reader its suffix calls for."""
    return reader_for(path.name)(path, str(path))


def iter_upload(filename: str, stream: BinaryIO) -> Iterator[Item]:
    """Items of a file uploaded in the web app (``filename`` is the user's name for it)."""
    return reader_for(filename)(stream, filename)
