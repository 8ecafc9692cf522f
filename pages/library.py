"""Library: what the library holds, how it is indexed, what was imported, and whether store and index agree."""

from __future__ import annotations

import streamlit as st

from pages._shared import charts, facets
from pages._shared.auth import person, team
from pages._shared.boot import through_app
from pages._shared.guard import empty_library, shown_errors
from pages._shared.history import recent_imports_table
from pages._shared.resources import library, version_key
from pages._shared.text import md, plural
from retrieval.library.team import ROLES

CHECK = "library_check"


def main() -> None:
    st.title("Library")
    lib = library()
    status = lib.status()
    if not status["articles"]:
        empty_library("Import PubMed records to build it; this page then shows what it holds.")
    a, b, c, d = st.columns(4)
    a.metric("Articles", f"{status['articles']:,}")
    b.metric("With abstract", f"{status['with_abstract']:,}")
    c.metric("Retracted", f"{status['retracted']:,}")
    d.metric("Disk size", size_text(status["data_bytes"]))
    e, f, g, h = st.columns(4)
    e.metric("Searchable passages", f"{status['chunks']:,}")
    f.metric("Vectors in index", f"{status['vectors']:,}")
    g.metric("Index type", str(status["index_type"]))
    h.metric("Awaiting embedding", f"{status['pending_embeddings']:,}")
    st.caption(
        f"Embedding model: {md(status['embedding_model'])} ({md(status['embedding_backend'])}) · "
        f"data folder: {md(status['data_dir'])}"
    )
    if status["articles"]:
        version = version_key()
        left, right = st.columns(2)
        with left:
            years = facets.articles_by_year(version)
            charts.by_year(years, undated=status["articles"] - sum(years.values()))
        with right:
            charts.by_level(facets.articles_by_level(version))
    with shown_errors("checking the library"):
        check_panel()
    recent_imports_table(lib, "Last imports")
    if person().may("curator"):
        audit_panel()
    if person().signed_in and person().may("admin"):
        roles_panel()


def audit_panel() -> None:
    """Who imported, exported, deleted or changed what, and when (curators only)."""
    st.subheader("Audit log")
    entries = team().audit()
    if not entries:
        st.caption("Nothing imported, exported, deleted or changed from the web app yet.")
        return
    st.dataframe(
        [{"when (UTC)": e.at.replace("T", " ").rstrip("Z"), "who": e.who, "did": e.action, "what": e.subject}
         for e in entries],
        hide_index=True,
        width="stretch",
    )  # fmt: skip


def roles_panel() -> None:
    """Admins give people the curator or admin role (everyone signed in is a reader)."""
    st.subheader("Roles")
    members = team().members()
    if members:
        st.dataframe([{"e-mail": e, "role": r} for e, r in members], hide_index=True, width="stretch")
    with st.form("roles_form", border=False):
        email = st.text_input("E-mail", placeholder="name@hospital.org")
        role = st.selectbox("Role", ROLES)
        if st.form_submit_button("Set role", icon=":material/manage_accounts:"):
            with shown_errors("setting the role"):
                team().set_role(email, role, by=person().label)
                st.rerun()


def check_panel() -> None:
    st.subheader("Store and index check")
    st.caption("Proves that every search vector belongs to a stored passage and every passage has its vector.")
    left, right = st.columns([1, 4])
    if left.button("Run the check", icon=":material/fact_check:"):
        with st.spinner("Checking…"):
            st.session_state[CHECK] = library().check()
    report = st.session_state.get(CHECK)
    if report is None:
        return
    if report.ok:
        right.success(
            "Store and index agree." + (" (Repaired.)" if report.repaired else ""), icon=":material/verified:"
        )
        return
    right.error(f"{plural(len(report.problems), 'problem')} found: " + md("; ".join(report.problems)) + ".")
    if right.button("Repair", icon=":material/build:", help="Re-embeds what is missing and rebuilds the index."):
        with st.spinner("Repairing…"):
            st.session_state[CHECK] = library().check(repair=True)
        st.rerun()


def size_text(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


through_app()
main()
