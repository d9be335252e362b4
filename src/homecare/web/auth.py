"""Signing in and out of the web pages, and the home page that sends each role onwards.

Sign-in proves who someone is (today with a password; later a council's OpenID Connect)
and opens a server-side web session; the browser only holds a random cookie naming it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from homecare.accounts.web_sessions import (
    SESSION_COOKIE,
    SIGN_IN_REFUSED,
    end_web_session,
    sign_in_with_password,
)
from homecare.db import unit_of_work
from homecare.web import csrf
from homecare.web.context import SignInRequired, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render, safe_next, start_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def set_cookie(response: Response, name: str, value: str, *, path: str = "/") -> None:
    """Not readable by scripts, not sent with other sites' forms, only over HTTPS.

    Browsers count http://localhost and http://127.0.0.1 as secure, so this works locally.
    """
    response.set_cookie(name, value, path=path, httponly=True, samesite="lax", secure=True)


def clear_cookie(response: Response, name: str, *, path: str = "/") -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="lax", secure=True)


def _signed_in(ctx: WebContext) -> str | None:
    """The start page of a browser that is already signed in, else None."""
    try:
        with ctx.transaction() as (_, me):
            return start_page(me) or "/"
    except SignInRequired:
        return None


def _sign_in_page(
    request: Request,
    *,
    token: str,
    email: str = "",
    next_url: str | None = None,
    errors: dict[str, str] | None = None,
    signed_out: bool = False,
) -> Response:
    response = render(
        request,
        "sign_in.html",
        title="Sign in",
        errors=errors,
        csrf_token=token,
        email=email,
        next=next_url,
        signed_out=signed_out,
    )
    set_cookie(response, csrf.SIGN_IN_COOKIE, token, path="/sign-in")
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
    token = request.cookies.get(csrf.SIGN_IN_COOKIE) or csrf.new_token()
    return _sign_in_page(
        request, token=token, next_url=safe_next(next), signed_out=bool(signed_out)
    )


@router.post("/sign-in")
def sign_in(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    expected = request.cookies.get(csrf.SIGN_IN_COOKIE)
    csrf.check(request, form, expected)
    assert expected is not None
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
            started = sign_in_with_password(session, email=email, password=password, at=ctx.now())
        if started is None:
            errors["email"] = SIGN_IN_REFUSED
    if started is None:
        return _sign_in_page(request, token=expected, email=email, next_url=next_url, errors=errors)
    response = redirect(next_url or "/")
    set_cookie(response, SESSION_COOKIE, started.token)
    clear_cookie(response, csrf.SIGN_IN_COOKIE, path="/sign-in")
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
