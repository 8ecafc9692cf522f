"""The one error a benchmark raises for a user to act on (printed without a traceback)."""

from retrieval.errors import UserError


class BenchError(UserError):
    """A benchmark cannot run as asked; the message says why and what to do."""
