"""What a user sees instead of a traceback, and what an empty library page says.

Errors raised for users (a ``UserError`` carries one sentence saying what went
wrong and what to do) are shown as they are; anything else is a bug: it is
logged with its traceback and shown as a short apology with a next step, never
as if the user's input were at fault.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from pages._shared.nav import import_link
from pages._shared.text import md
from retrieval.errors import UserError

log = logging.getLogger("medlit.web")


@contextmanager
def shown_errors(doing: str) -> Iterator[None]:
    """Run a block; a failure becomes one message on the page, the rest of the page still renders."""
    try:
        yield
    except UserError as error:
        message = str(error) or f"Could not finish {doing}; check the input and try again."
        st.warning(md(message), icon=":material/info:")  # messages may quote file names or queries
    except Exception:
        log.exception("failed while %s", doing)
        st.error(
            f"Something went wrong while {doing}. Try again; if it happens again, reload the page "
            "(the details are in the server log).",
            icon=":material/error:",
        )


def empty_library(what: str) -> None:
    """The guidance every page shows while the library holds no article."""
    st.info(f"The library is empty. {what}", icon=":material/inbox:")
    import_link()


def redacted_resend(key: str, message: str, label: str) -> tuple | None:
    """While patient identifiers hold back a request (kept under ``key`` in this session only), say why and
    offer to send the redacted text; returns what was kept once the person chooses to, else None."""
    if key not in st.session_state:
        return None
    st.warning(md(message), icon=":material/shield_person:")
    if not st.button(label, icon=":material/shield:"):
        return None
    return st.session_state.pop(key)
