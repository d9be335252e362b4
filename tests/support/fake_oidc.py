"""A council identity provider on loopback, for single sign-on tests.

It serves discovery, its public keys and a token endpoint, signs ID tokens with an RSA
key made for the test, and checks the client secret and the PKCE verifier as a real
provider does. `/authorize` signs in whoever the test says (`next_user`) at once, having
used the authentication methods the test says (`amr`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.pgserver import free_port

CLIENT_ID = "homecare-test"
CLIENT_SECRET = "a client secret for the test"


@dataclass
class FakeProvider:
    """The provider's state: its key, who signs in next, and the codes it has handed out."""

    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, auto_kid=True))
    next_user: dict[str, Any] = field(default_factory=dict)
    now: float | None = None
    """Token times; the test's clock, so tokens are fresh for the app under test."""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    claim_overrides: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey | None = None
    """Sign with another key than the published one, to test that it is refused."""
    amr: list[str] | None = None
    """The ID token's `amr` claim (RFC 8176), e.g. ["pwd", "mfa"]; left out when None."""

    def id_token(self, nonce: str) -> str:
        issued = int(self.now if self.now is not None else time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": issued,
            "exp": issued + 300,
            "nonce": nonce,
            **({"amr": self.amr} if self.amr is not None else {}),
            **self.next_user,
            **self.claim_overrides,
        }
        key = self.signing_key or self.key
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, claims, key)

    def app(self) -> Starlette:
        async def discovery(_: Request) -> Response:
            return JSONResponse(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                }
            )

        async def jwks(_: Request) -> Response:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        async def authorize(request: Request) -> Response:
            q = request.query_params
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "nonce": q["nonce"],
                "challenge": q["code_challenge"],
                "redirect_uri": q["redirect_uri"],
            }
            target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
            return RedirectResponse(target, status_code=302)

        async def token(request: Request) -> Response:
            form = await request.form()
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {expected}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier") or "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if grant is None or challenge != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "id_token": self.id_token(grant["nonce"]),
                }
            )

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/jwks", jwks),
                Route("/authorize", authorize),
                Route("/token", token, methods=["POST"]),
            ]
        )


class RunningProvider:
    """The fake provider served by uvicorn on a free loopback port, in a thread."""

    def __init__(self) -> None:
        port = free_port()
        self.provider = FakeProvider(issuer=f"http://127.0.0.1:{port}")
        config = uvicorn.Config(
            self.provider.app(), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("the fake identity provider did not start")
            time.sleep(0.02)
        return self.provider

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
