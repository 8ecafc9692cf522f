"""The table of recent imports (provenance of the library), shown on the Import and Library pages."""

from __future__ import annotations

import streamlit as st

from retrieval.library import Library


def _when(timestamp: str | None) -> str:
    return (timestamp or "running").replace("T", " ").rstrip("Z")


def recent_imports_table(lib: Library, title: str, limit: int = 10) -> bool:
    """Show the last ``limit`` ingest runs under ``title``; False when there were none."""
    runs = lib.store.recent_runs(limit)
    if not runs:
        return False
    st.subheader(title)
    st.dataframe(
        [
            {
                "Started (UTC)": _when(r["started_at"]),
                "Finished (UTC)": _when(r["finished_at"]),
                "Kind": r["kind"],
                "Source": r["source"],
                "Status": r["status"],
                "Added": r["added"],
                "Updated": r["updated"],
                "Deleted": r["deleted"],
                "Unchanged": r["skipped"],
                "Message": r["message"],
            }
            for r in runs
        ],
        hide_index=True,
        width="stretch",
    )
    return True
