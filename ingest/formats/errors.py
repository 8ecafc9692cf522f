"""Errors raised when an input file cannot be read as a bibliographic format."""

from __future__ import annotations

from retrieval.errors import UserError


class ParseError(UserError):
    """The input is damaged or is not in the format its name promises.

    The message is meant for the user: it names the file, where the problem is
    and what to do. Parsers raise it only after yielding every complete record
    that came before the problem, so an ingest keeps those records.
    """
