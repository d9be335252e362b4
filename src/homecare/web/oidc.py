"""The single sign-on pages: off to the council's identity provider and back again.

Between the two, the flow's state, nonce and PKCE verifier wait in a `__Host-` cookie
signed with the server secret (HMAC), so the callback can tell its own flow from one an
attacker started, without a row in the store for sign-ins that never come back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx
from fastapi import APIRouter, Depends, Request, Response

from homecare.accounts.single_sign_on import (
    Flow,
    SingleSignOnFailed,
    authorization_url,
    configured,
    discover,
    new_flow,
    signed_in_identity,
    start_single_sign_on_session,
)
from homecare.db import unit_of_work
from homecare.errors import Forbidden, NotFound
from homecare.web.auth import clear_cookie, set_cookie, signed_in_response
from homecare.web.context import WebContext, web_context
from homecare.web.render import WebRoute, redirect, render, safe_next

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FLOW_COOKIE = "__Host-homecare_oidc"


def _mac(secret: bytes, body: str) -> str:
    return hmac.new(secret, f"oidc-flow\0{body}".encode(), hashlib.sha256).hexdigest()


def seal(secret: bytes, flow: Flow) -> str:
    body = base64.urlsafe_b64encode(json.dumps(flow.__dict__).encode()).decode()
    return f"{body}.{_mac(secret, body)}"


def unseal(secret: bytes, value: str | None) -> Flow | None:
    """The flow the cookie carries, or None when it is missing or not signed by us."""
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    if not hmac.compare_digest(mac, _mac(secret, body)):
        return None
    data = json.loads(base64.urlsafe_b64decode(body.encode()))
    return Flow(**data)


def _refused(request: Request, reason: str) -> Response:
    response = render(
        request,
        "sign_in_refused.html",
        title="You could not be signed in",
        status=403,
        reason=reason[:1].upper() + reason[1:],
    )
    clear_cookie(response, FLOW_COOKIE)
    return response


@router.get("/sign-in/oidc")
def start(
    request: Request, next: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    """Sends the browser to the council's identity provider with a fresh flow."""
    if not configured(ctx.settings):
        raise NotFound("single sign-on is not set up")
    flow = new_flow(safe_next(next))
    try:
        with httpx.Client() as http:
            provider = discover(ctx.settings, http)
    except (httpx.HTTPError, SingleSignOnFailed, KeyError, ValueError):
        return _refused(request, "the council's sign-in service did not answer: try again later")
    response = redirect(authorization_url(provider, ctx.settings, flow))
    set_cookie(response, FLOW_COOKIE, seal(ctx.secret, flow))
    return response


@router.get("/sign-in/oidc/callback")
def callback(
    request: Request,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Checks the provider's answer, finds the account and starts the session, which waits
    for an authenticator code when the provider did not ask for a second factor and
    Home care requires one."""
    if not configured(ctx.settings):
        raise NotFound("single sign-on is not set up")
    flow = unseal(ctx.secret, request.cookies.get(FLOW_COOKIE))
    if flow is None or not state or not hmac.compare_digest(state, flow.state):
        return _refused(request, "this sign-in did not start here, or took too long")
    if error or not code:
        return _refused(request, "the council's sign-in service did not sign you in")
    try:
        with httpx.Client() as http:
            claims = signed_in_identity(ctx.settings, flow, code, now=ctx.now(), http=http)
    except SingleSignOnFailed as exc:
        return _refused(request, exc.message)
    except (httpx.HTTPError, KeyError, ValueError):
        return _refused(request, "the council's sign-in service did not answer: try again later")
    try:
        with unit_of_work(ctx.engine) as session:
            started = start_single_sign_on_session(
                session,
                claims,
                at=ctx.now(),
                totp_required_for_staff=ctx.settings.require_totp_for_staff,
            )
    except Forbidden as exc:
        return _refused(request, exc.message)
    response = signed_in_response(started, flow.next_url)
    clear_cookie(response, FLOW_COOKIE)
    return response
