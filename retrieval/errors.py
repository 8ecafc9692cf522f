"""The one error type meant for users, and how the command lines report errors.

A ``UserError`` carries one sentence: what went wrong and what to do. Pages and
command lines show exactly these as they are. Any other exception is a bug in
MedLit: it is logged with its traceback and the user sees a short apology, so a
programming error never passes for bad input (and bad input never looks like a
crash).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

USER_ERROR_EXIT = 2
BUG_EXIT = 1
BUG_APOLOGY = "MedLit hit an unexpected error (a bug); the details are above."

log = logging.getLogger("medlit.cli")


class UserError(Exception):
    """A problem the user can fix; the message is one sentence saying what went wrong and what to do."""


def reported(command: Callable[[], int]) -> int:
    """Run a command line's work and return its exit code; errors become one line on stderr.

    A ``UserError`` is printed as ``error: <message>`` (exit code 2). Anything
    else is logged with its traceback (on stderr unless logging is configured
    otherwise), followed by a short apology (exit code 1).
    """
    try:
        return command()
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return USER_ERROR_EXIT
    except Exception:
        log.exception("unexpected error")
        print(BUG_APOLOGY, file=sys.stderr)
        return BUG_EXIT
