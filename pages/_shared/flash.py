"""Messages that survive one rerun: an action reruns the page so every part shows its result, then says what it did."""

from __future__ import annotations

from typing import Literal

import streamlit as st

_KEY = "flash_messages"
Kind = Literal["success", "info", "warning"]


def flash(message: str, kind: Kind = "success") -> None:
    st.session_state.setdefault(_KEY, []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop(_KEY, []):
        getattr(st, kind)(message)
