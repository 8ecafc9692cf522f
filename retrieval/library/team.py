"""A library served to a team: members' roles and the audit log of what changed.

Roles: readers ask, search and keep collections; curators also import, change shared
collections and delete; admins also manage roles. Admins named in the settings
(``MEDLIT_ADMIN_EMAILS``) are admins whatever the table says, so a new server has one.
Anyone else signed in is a reader until an admin says otherwise.

Collections are private (their owner's alone) or shared (the team's); a saved search follows the
collection it is attached to, and one attached to none is its owner's. ``Actor`` says who acts
and what that lets them do to a collection or saved search; the single-user app (no sign-in) is one ``Actor``
who owns and may do everything, so a library used by one person behaves as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.errors import UserError
from retrieval.library.store import Store, utc_now

ROLES = ("reader", "curator", "admin")
RANK = {role: n for n, role in enumerate(ROLES)}
LOCAL_USER = "local user"  # the one person of a library served without sign-in
PRIVATE, SHARED = "private", "shared"
VISIBILITIES = (PRIVATE, SHARED)


def at_least(role: str, needed: str) -> bool:
    return RANK.get(role, -1) >= RANK[needed]


@dataclass(frozen=True)
class Actor:
    """Who acts on the library, with which role; ``on_team`` is False when no sign-in is configured.

    The rules for collections live here, next to the roles they follow: everyone sees the shared
    collections and their own private ones; an owner changes their private ones; changing a shared
    one, or sharing one's own, takes a curator. Admins are curators here: a private collection
    stays private even from them.
    """

    who: str = LOCAL_USER
    role: str = "admin"
    on_team: bool = False

    def may(self, role: str) -> bool:
        return not self.on_team or at_least(self.role, role)

    def sees(self, owner: str, visibility: str) -> bool:
        return not self.on_team or visibility == SHARED or owner == self.who

    def owns(self, owner: str) -> bool:
        """Whether ``owner``'s things are this person's: on a single-user library everything is theirs."""
        return not self.on_team or owner == self.who

    def sees_saved_search(self, owner: str, collection: tuple[str, str] | None) -> bool:
        """A saved search attached to a collection (its owner, visibility) is seen with it; else its owner's alone."""
        return self.sees(*collection) if collection else self.owns(owner)

    def may_change(self, owner: str, visibility: str) -> bool:
        if not self.on_team:
            return True
        return self.may("curator") if visibility == SHARED else owner == self.who

    def may_share(self, owner: str) -> bool:
        """Whether this person may set a collection's visibility (a curator, for their own collections)."""
        return not self.on_team or (self.may("curator") and owner == self.who)

    @property
    def new_visibility(self) -> str:
        """What a new collection is unless its creator chooses: the team's on a single-user library, else theirs."""
        return PRIVATE if self.on_team else SHARED


SINGLE_USER = Actor()


@dataclass(frozen=True)
class AuditEntry:
    at: str
    who: str
    action: str
    subject: str


class Team:
    def __init__(self, store: Store, admin_emails: tuple[str, ...] = ()):
        self.store = store
        self.admins = {e.strip().lower() for e in admin_emails if e.strip()}

    # ------------------------------------------------------------------ roles
    def role_of(self, email: str) -> str:
        email = email.strip().lower()
        if email in self.admins:
            return "admin"
        row = self.store.conn.execute("SELECT role FROM members WHERE email = ?", (email,)).fetchone()
        return row[0] if row else "reader"

    def set_role(self, email: str, role: str, by: str) -> None:
        email = email.strip().lower()
        if role not in ROLES:
            raise UserError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
        if "@" not in email:
            raise UserError("Give the person's e-mail address, as their sign-in provider reports it.")
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO members (email, role, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(email) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at",
                (email, role, utc_now()),
            )
        self.record(by, "role", f"{email} is now {role}")

    def members(self) -> list[tuple[str, str]]:
        rows = self.store.conn.execute("SELECT email, role FROM members ORDER BY email").fetchall()
        listed = {r[0]: r[1] for r in rows} | dict.fromkeys(self.admins, "admin")
        return sorted(listed.items())

    # ------------------------------------------------------------------ audit
    def record(self, who: str, action: str, subject: str = "") -> None:
        """Note that ``who`` did ``action`` (import, export, delete, change, role) to ``subject``."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log (at, who, action, subject) VALUES (?, ?, ?, ?)",
                (utc_now(), who or LOCAL_USER, action, subject),
            )

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        rows = self.store.conn.execute(
            "SELECT at, who, action, subject FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [AuditEntry(*r) for r in rows]
