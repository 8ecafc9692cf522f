"""Roles and the audit log of a team server, and the single-user app when no sign-in is configured."""

from __future__ import annotations

import pytest
from ui_support import IMPORT_RECORDS, app_test, pubmed_xml, texts

from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.team import Team, at_least
from retrieval.settings import Settings


def test_roles_rank_and_configured_admins_win(tmp_path):
    team = Team(Library(Settings(data_dir=tmp_path)).store, ("Boss@Example.org",))
    assert team.role_of("someone@example.org") == "reader"
    assert team.role_of("boss@example.org") == "admin"
    team.set_role("Cur@Example.org", "curator", by="boss@example.org")
    team.set_role("boss@example.org", "reader", by="boss@example.org")  # the settings still make them admin
    assert team.role_of("cur@example.org") == "curator" and team.role_of("boss@example.org") == "admin"
    assert at_least("admin", "curator") and at_least("curator", "reader") and not at_least("reader", "curator")
    with pytest.raises(UserError):
        team.set_role("cur@example.org", "owner", by="boss@example.org")
    with pytest.raises(UserError):
        team.set_role("not an address", "curator", by="boss@example.org")
    entries = team.audit()
    assert [(e.who, e.action) for e in entries][:2] == [("boss@example.org", "role"), ("boss@example.org", "role")]
    assert entries[-1].subject == "cur@example.org is now curator"


def test_without_sign_in_the_app_is_single_user_and_audits_its_imports(tmp_path, monkeypatch):
    from test_ui_import import finish_job, upload

    data_dir = tmp_path / "library"
    at = app_test(monkeypatch, data_dir, "pages/import_records.py")
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]
    upload(at, ("records.xml", pubmed_xml(IMPORT_RECORDS[:2]), "text/xml"))
    finish_job(at, data_dir)
    at.switch_page("pages/library.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Audit log" in texts(at)
    [entry] = Team(Library(Settings(data_dir=data_dir)).store).audit()
    assert (entry.who, entry.action, entry.subject) == ("local user", "import", "records.xml")
