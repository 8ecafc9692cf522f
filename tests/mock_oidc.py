"""A mock OpenID Connect provider on loopback, for testing sign-in (``st.login``) without any network.

It answers discovery, signs ID tokens with a fresh RSA key (RS256, published as JWKS), and
approves every authorisation request at once as ``next_user``, redirecting back with a code.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


class MockOIDC:
    def __init__(self, client_id: str = "medlit-test") -> None:
        self.client_id = client_id
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.next_user = {"email": "reader@example.org", "name": "Rita Reader"}
        self.codes: dict[str, dict] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                url = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json(outer.metadata())
                elif url.path == "/jwks":
                    self._json({"keys": [outer.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    outer.codes[code] = {"nonce": params.get("nonce"), "user": dict(outer.next_user)}
                    back = {"code": code, "state": params.get("state", "")}
                    self.send_response(302)
                    self.send_header("Location", f"{params['redirect_uri']}?{urlencode(back)}")
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                outer.requests.append(self.path)
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                grant = outer.codes.pop(form.get("code", [""])[0], None)
                if urlsplit(self.path).path != "/token" or grant is None:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                self._json(
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "id_token": outer.id_token(grant["user"], grant["nonce"]),
                    }
                )

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def metadata(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def id_token(self, user: dict, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": user["email"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 3600,
            "email": user["email"],
            "email_verified": True,
            "name": user["name"],
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)

    def secrets_toml(self, app_url: str) -> str:
        """The ``[auth]`` section that points a MedLit server at this provider."""
        return (
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{self.client_id}"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "{self.url}/.well-known/openid-configuration"\n'
        )

    def __enter__(self) -> MockOIDC:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
