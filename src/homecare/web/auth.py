"""Signing in and out of the web pages, and the home page that sends each role onwards.

Sign-in proves who someone is (a password, then for staff who have one an authenticator
code; or a council's OpenID Connect) and opens a server-side web session; the browser
only holds a random `__Host-` cookie naming it.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from homecare.accounts.repository import user_with_organisation
from homecare.accounts.second_factor import (
    CODE_REFUSED,
    check_code,
    provisioning_uri,
    setup_key,
)
from homecare.accounts.sign_in import SIGN_IN_REFUSED, sign_in_with_password
from homecare.accounts.single_sign_on import configured as single_sign_on_configured
from homecare.accounts.web_sessions import (
    SESSION_COOKIE,
    StartedSession,
    current_web_session,
    end_web_session,
)
from homecare.db import unit_of_work
from homecare.errors import NotAuthenticated
from homecare.web import csrf
from homecare.web.context import SignInRequired, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render, safe_next, start_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

QR_CODE_NAME = "QR code to add Home care to your authenticator app"


def set_cookie(response: Response, name: str, value: str) -> None:
    """Not readable by scripts, not sent with other sites' forms, only over HTTPS.

    Every cookie is `__Host-` prefixed: Secure, Path=/ and no Domain, so no other host
    (a sibling subdomain included) can plant or overwrite it. Browsers count
    http://localhost and http://127.0.0.1 as secure, so this works locally.
    """
    response.set_cookie(name, value, path="/", httponly=True, samesite="lax", secure=True)


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=True)


def _signed_in(ctx: WebContext) -> str | None:
    """The start page of a browser that is already signed in, else None."""
    try:
        with ctx.transaction() as (_, me):
            return start_page(me) or "/"
    except SignInRequired:
        return None


def _sign_in_page(
    request: Request,
    ctx: WebContext,
    *,
    nonce: str | None = None,
    email: str = "",
    next_url: str | None = None,
    errors: dict[str, str] | None = None,
    signed_out: bool = False,
) -> Response:
    """The form, with a token the server signed for this browser's pre-session nonce."""
    nonce = nonce or csrf.new_nonce()
    response = render(
        request,
        "sign_in.html",
        title="Sign in",
        errors=errors,
        csrf_token=csrf.signed_token(ctx.secret, nonce),
        email=email,
        next=next_url,
        signed_out=signed_out,
        single_sign_on=single_sign_on_configured(ctx.settings),
    )
    set_cookie(response, csrf.SIGN_IN_COOKIE, nonce)
    return response


def signed_in_response(started: StartedSession, next_url: str | None) -> Response:
    """Where a browser goes once a session starts: the code page if it still needs one."""
    if started.record.awaiting_second_factor:
        target = "/sign-in/code" + (f"?next={quote(next_url, safe='')}" if next_url else "")
    else:
        target = next_url or "/"
    response = redirect(target)
    set_cookie(response, SESSION_COOKIE, started.token)
    clear_cookie(response, csrf.SIGN_IN_COOKIE)
    return response


@router.get("/sign-in")
def sign_in_form(
    request: Request,
    next: str | None = None,
    signed_out: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    if request.cookies.get(SESSION_COOKIE) and (home := _signed_in(ctx)):
        return redirect(safe_next(next) or home)
    return _sign_in_page(
        request,
        ctx,
        nonce=csrf.live_nonce(request.cookies.get(csrf.SIGN_IN_COOKIE)),
        next_url=safe_next(next),
        signed_out=bool(signed_out),
    )


@router.post("/sign-in")
def sign_in(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    nonce = csrf.check_pre_session(request, form, ctx.secret)
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or ""))
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    started = None
    if not errors:
        with unit_of_work(ctx.engine) as session:
            started = sign_in_with_password(
                session,
                email=email,
                password=password,
                at=ctx.now(),
                secret=ctx.secret,
                address=ctx.client_address(),
                totp_required_for_staff=ctx.settings.require_totp_for_staff,
            )
        if started is None:
            errors["email"] = SIGN_IN_REFUSED
    if started is None:
        return _sign_in_page(
            request, ctx, nonce=nonce, email=email, next_url=next_url, errors=errors
        )
    return signed_in_response(started, next_url)


def qr_code(uri: str) -> Markup:
    """The otpauth address as an inline SVG QR code for a phone's camera, with a name for
    screen readers; drawn with attributes only, so the pages' style policy holds."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, light="#fff", title=QR_CODE_NAME, svgclass="app-qr-code"
    )
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{QR_CODE_NAME}" ', 1))


def _code_page(
    request: Request,
    ctx: WebContext,
    *,
    next_url: str | None,
    errors: dict[str, str] | None = None,
) -> Response:
    token = request.cookies.get(SESSION_COOKIE) or ""
    with unit_of_work(ctx.engine) as session:
        try:
            record = current_web_session(
                session,
                token,
                at=ctx.now(),
                absolute=ctx.absolute_timeout,
                second_factor_done=False,
            )
        except NotAuthenticated as exc:
            raise SignInRequired from exc
        if not record.awaiting_second_factor:
            return redirect(next_url or "/")
        user, _ = user_with_organisation(session, record.user_id)
        setup = None
        if user.totp_secret is None:
            key = setup_key(ctx.secret, record.id)
            uri = provisioning_uri(key, user.email)
            setup = {"key": key, "uri": uri, "qr_code": qr_code(uri)}
        return render(
            request,
            "sign_in_code.html",
            title="Set up your authenticator app" if setup else "Enter your code",
            status=422 if errors else 200,
            errors=errors,
            csrf_token=record.csrf_token,
            next=next_url,
            setup=setup,
        )


@router.get("/sign-in/code")
def code_form(
    request: Request, next: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    """The second step of signing in: a waiting session may see this page and no other."""
    return _code_page(request, ctx, next_url=safe_next(next))


@router.post("/sign-in/code")
def code(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    token = request.cookies.get(SESSION_COOKIE) or ""
    next_url = safe_next(str(form.get("next") or ""))
    entered = str(form.get("code") or "")
    with unit_of_work(ctx.engine) as session:
        try:
            record = current_web_session(
                session,
                token,
                at=ctx.now(),
                absolute=ctx.absolute_timeout,
                second_factor_done=False,
            )
        except NotAuthenticated as exc:
            raise SignInRequired from exc
        csrf.check(request, form, record.csrf_token)
        if not record.awaiting_second_factor:
            return redirect(next_url or "/")
        started = check_code(
            session,
            record,
            code=entered,
            at=ctx.now(),
            server_secret=ctx.secret,
            address=ctx.client_address(),
        )
    if started is None:
        return _code_page(request, ctx, next_url=next_url, errors={"code": CODE_REFUSED})
    response = redirect(next_url or "/")
    set_cookie(response, SESSION_COOKIE, started.token)
    return response


@router.get("/sign-out")
def sign_out_page(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (_, me):
        return render(request, "sign_out.html", title="Sign out", me=me)


@router.post("/sign-out")
def sign_out(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction(form) as (session, _):
        end_web_session(session, request.cookies[SESSION_COOKIE], at=ctx.now())
    response = redirect("/sign-in?signed_out=1")
    clear_cookie(response, SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    """Each role starts where its daily work is; roles with no pages yet are told so."""
    with ctx.transaction() as (_, me):
        target = start_page(me)
        if target:
            return redirect(target)
        return render(request, "home.html", title="Home care", me=me)
