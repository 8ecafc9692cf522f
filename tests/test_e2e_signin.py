"""A team server: sign-in through OpenID Connect (``st.login``) against a mock provider, and roles.

The test starts a mock OIDC provider and ``streamlit run app.py`` with an ``[auth]`` section
pointing at it (both on loopback, both stopped at the end), then signs in with Chromium as a
reader, an admin who makes the reader a curator, and the reader again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, free_port, serve
from mock_oidc import MockOIDC

pytestmark = pytest.mark.browser
ADMIN = "admin@example.org"
READER = "reader@example.org"


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[tuple[str, MockOIDC]]:
    with MockOIDC() as provider:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(provider.secrets_toml(url))
        env = {"MEDLIT_ADMIN_EMAILS": f'["{ADMIN}"]', "HF_HUB_OFFLINE": "1"}
        args = ["--secrets.files", str(secrets_file)]
        with serve(tmp_path / "library", tmp_path / "server.log", port, args, env):
            yield url, provider


def test_sign_in_roles_and_audit(team_server: tuple[str, MockOIDC], tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    url, provider = team_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=WAIT_MS)

        def signed_in(email: str, name: str):
            provider.next_user = {"email": email, "name": name}
            page = browser.new_context().new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            expect(page.get_by_text("sign in to use it")).to_be_visible()
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0, timeout=5000)  # no menu before sign-in
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text(f"{name} ·")).to_be_visible()
            return page

        reader = signed_in(READER, "Rita Reader")
        expect(reader.get_by_text("Rita Reader · reader")).to_be_visible()
        reader.goto(f"{url}/import_records")
        expect(reader.get_by_text("Only curators can import records")).to_be_visible()
        reader.goto(f"{url}/library")
        expect(reader.get_by_text("Store and index check")).to_be_visible()
        expect(reader.get_by_text("Audit log")).to_have_count(0)

        admin = signed_in(ADMIN, "Ada Admin")
        expect(admin.get_by_text("Ada Admin · admin")).to_be_visible()
        admin.goto(f"{url}/library")
        expect(admin.get_by_role("heading", name="Roles")).to_be_visible()
        admin.get_by_label("E-mail").fill(READER)
        admin.get_by_role("combobox", name="Role").click()
        admin.keyboard.type("curator")
        admin.keyboard.press("Enter")
        admin.get_by_role("button", name="Set role").click()
        expect(admin.get_by_text(f"{READER} is now curator")).to_be_attached()  # in the audit log (a data grid)

        curator = signed_in(READER, "Rita Reader")
        expect(curator.get_by_text("Rita Reader · curator")).to_be_visible()
        curator.goto(f"{url}/import_records")
        expect(curator.get_by_role("heading", name="Import PubMed records")).to_be_visible()
        expect(curator.get_by_text("Only curators can import records")).to_have_count(0)
        curator.get_by_role("button", name="Sign out").click()
        expect(curator.get_by_text("sign in to use it")).to_be_visible()
        browser.close()
    assert any(p.startswith("/authorize") for p in provider.requests) and "/token" in provider.requests
