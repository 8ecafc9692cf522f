"""Who is using the app, and what they may do.

With no sign-in configured (no ``[auth]`` in ``.streamlit/secrets.toml``), MedLit is one
person's app as it always was: everyone who can reach it may do everything (and the default
address, 127.0.0.1, lets only this computer reach it). With sign-in configured, every page asks
for it first (OpenID Connect through ``st.login``), and each person has a role
(``retrieval.library.team``): readers ask, search and keep private collections; curators also
import, change shared collections and delete; admins also manage roles. Pages reach
collections through ``collections()``, which acts as this person, so no page lists a
collection its person may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pages._shared.resources import library, settings
from retrieval.library.collections import Collections
from retrieval.library.team import LOCAL_USER, Actor, Team, at_least


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    signed_in: bool

    def may(self, role: str) -> bool:
        return at_least(self.role, role)

    @property
    def label(self) -> str:
        return self.email or self.name

    @property
    def actor(self) -> Actor:
        """This person as the library's rules see them (the single user when no one signs in)."""
        return Actor(self.label.lower(), self.role, on_team=True) if self.signed_in else Actor()


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def team() -> Team:
    return Team(library().store, settings().admin_emails)


def current_person() -> Person:
    """The person using this session; with sign-in configured and nobody signed in, the sign-in page (stops)."""
    if not sign_in_configured():
        return Person("", LOCAL_USER, "admin", signed_in=False)
    if not st.user.is_logged_in:
        # The only page there is before sign-in: no menu, no page of the library.
        st.navigation([st.Page(_sign_in_page, title="Sign in", url_path="sign-in")], position="hidden").run()
        st.stop()
    email = str(st.user.get("email") or st.user.get("sub") or "")
    name = str(st.user.get("name") or email)
    return Person(email, name, team().role_of(email), signed_in=True)


def _sign_in_page() -> None:
    st.title("MedLit")
    st.markdown("This MedLit library is shared by a team: sign in to use it.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)


def person() -> Person:
    """The person of this run (set by app.py before the page runs)."""
    return st.session_state.get("medlit_person") or current_person()


def collections() -> Collections:
    """The library's collections as this person sees them and may change them."""
    return Collections(library().store, person().actor)


def require(role: str, doing: str) -> bool:
    """Whether the person may do ``doing``; if not, one sentence on the page says who may."""
    if person().may(role):
        return True
    st.info(f"Only {role}s can {doing} on this server; ask an admin if you need to.", icon=":material/lock:")
    return False


def record(action: str, subject: str = "") -> None:
    """Write to the audit log who did ``action`` (import, export, delete, change) to ``subject``."""
    team().record(person().label, action, subject)


def sidebar(who: Person) -> None:
    if not who.signed_in:
        address = str(st.get_option("server.address") or "127.0.0.1")
        if address not in ("127.0.0.1", "localhost", "::1"):
            st.warning(
                "Served on the network without sign-in: anyone who reaches it may import and delete. "
                "See README, Serving a team.",
                icon=":material/lock_open:",
            )
        return
    st.caption(f":material/person: {who.name} · {who.role}")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
