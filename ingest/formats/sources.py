"""What a reader reads from: a path on disk or an open binary stream (an upload, an HTTP body)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from ingest.formats.errors import ParseError

Source = str | Path | BinaryIO


def source_name(source: Source, name: str | None) -> str:
    """How error messages call the source: the given name, else the path, else the stream's name."""
    if name:
        return name
    if isinstance(source, str | Path):
        return str(source)
    return str(getattr(source, "name", "") or "the uploaded file")


def open_source(source: Source, label: str, stack: ExitStack) -> BinaryIO:
    """A binary stream over ``source``; a path is opened (and closed by ``stack``), a stream is used as is."""
    if not isinstance(source, str | Path):
        return source
    try:
        return stack.enter_context(Path(source).open("rb"))
    except OSError as error:
        raise ParseError(f"{label} could not be read ({error.strerror}); check that the file exists.") from None
