"""What a user sees instead of a traceback, and what an empty library page says.

Errors raised for users (``ValueError`` and its kin carry one sentence saying
what went wrong and what to do) are shown as they are; anything else is logged
with its traceback and shown as a short apology with a next step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ingest.eutils import EutilsError
from pages._shared.jobs import ImportBusy
from pages._shared.nav import import_link
from pages._shared.text import md

log = logging.getLogger("medlit.web")

USER_ERRORS = (ValueError, EutilsError, ImportBusy)


@contextmanager
def shown_errors(doing: str) -> Iterator[None]:
    """Run a block; a failure becomes one message on the page, the rest of the page still renders."""
    try:
        yield
    except USER_ERRORS as error:
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
