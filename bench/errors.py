"""The one error a benchmark raises for a user to act on (printed without a traceback)."""


class BenchError(Exception):
    """A benchmark cannot run as asked; the message says why and what to do."""
