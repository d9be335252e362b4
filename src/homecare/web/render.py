"""Rendering pages: the Jinja2 templates, the role's navigation and the error pages.

Every web route uses `WebRoute`, which turns what a page raises into a page: no session
sends the browser to sign in, a record that is missing or not the user's becomes
"Page not found" (404) exactly as the API answers 404, and a refused form becomes 403.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from homecare.access import Permission, Role
from homecare.errors import DomainError, Forbidden, NotFound, TooManyAttempts
from homecare.text import possessive
from homecare.web import format as fmt
from homecare.web.context import SecondFactorPending, SignedIn, SignInRequired
from homecare.web.csrf import CsrfRejected
from homecare.web.trust_lots import OUR_LOT

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
VENDOR_CSS = STATIC / "vendor" / "govuk" / "govuk-frontend.min.css"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(
    date=fmt.format_date,
    datetime=fmt.format_datetime,
    time=fmt.format_time,
    money=fmt.format_money,
    hours=fmt.format_hours,
    hours_minutes=fmt.format_hours_minutes,
    minutes=fmt.format_minutes,
    waiting=fmt.format_waiting,
    nhs=fmt.format_nhs,
    day=fmt.day_name,
    band=fmt.band_name,
    visit_kind=fmt.visit_kind_name,
    tasks=fmt.task_names,
    sentence=fmt.sentence,
    possessive=possessive,
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""Pages show personal data: not framed, not cached, no scripts but the service's own."""


QUEUE_COUNTS = {
    "/app/offers": ("offers", "waiting for an answer"),
    "/app/queue": ("queue", "with providers"),
    "/app/awaiting-care": ("awaiting", "waiting"),
    "/app/changes": ("changes", "waiting for a decision"),
    "/app/alerts": ("alerts", "not yet read"),
}
"""The work queues whose navigation item shows how many wait, and what the number counts
for a screen reader, where the number alone would be unclear."""


def _counted(me: SignedIn, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """'Offers (4)', read aloud as 'Offers (4 waiting for an answer)'."""
    counted: list[tuple[str, str]] = []
    for label, href in items:
        key, words = QUEUE_COUNTS.get(href, ("", ""))
        if key in me.counts:
            label = Markup('{} ({}<span class="govuk-visually-hidden"> {}</span>)').format(
                label, me.counts[key], words
            )
        counted.append((label, href))
    return counted


def navigation(me: SignedIn | None) -> list[tuple[str, str]]:
    """The pages a role works in, as (label, address), in the order they are used; a work
    queue's label says how many wait in it."""
    if me is None:
        return []
    actor = me.actor
    items: list[tuple[str, str]] = []
    if actor.role is Role.PERSON:
        return [("My care", "/app/my-care")]
    if actor.role is Role.CARE_WORKER:
        return [("Today's round", "/app/today")]
    if actor.is_provider and actor.may(Permission.MANAGE_DELIVERY):
        items.append(("Today", "/app/board"))
    if actor.is_council and actor.may(Permission.MANAGE_MARKET):
        items += [
            ("KPIs", "/app/kpis"),
            ("Today", "/app/today-summary"),
            ("Spend", "/app/spend"),
            ("Budget", "/app/budget"),
            ("Cost of care", "/app/cost-of-care"),
            ("Zones", "/app/zones"),
            ("Providers and contracts", "/app/providers"),
            ("CQC alerts", "/app/alerts"),
        ]
    if actor.is_council and actor.may(Permission.PAY_PROVIDERS):
        items += [
            ("Payment runs", "/app/payment-runs"),
            ("Disputes and adjustments", "/app/payment-disputes"),
            ("Cost of care", "/app/cost-of-care"),
        ]
    if actor.may(Permission.BROKER):
        items += [("Referral queue", "/app/queue"), ("Awaiting care", "/app/awaiting-care")]
    if actor.is_council or actor.may(Permission.REFER):
        items.append(("Referrals", "/app/referrals"))
    if actor.may(Permission.REFER):
        items.append(("Refer someone", "/app/refer"))
    if me.own_lot is not None:
        items.append((me.own_lot, OUR_LOT))
    if actor.may(Permission.RESPOND_TO_OFFERS):
        items.append(("Offers", "/app/offers"))
    if actor.may(Permission.DECIDE_CHANGES):
        items.append(("Changes to approve", "/app/changes"))
    if actor.is_council or (actor.is_provider and actor.may(Permission.MANAGE_DELIVERY)):
        items.append(("People and packages", "/app/packages"))
    if actor.is_provider and actor.may(Permission.MANAGE_DELIVERY):
        items += [
            ("Rounds", "/app/rounds"),
            ("Care workers", "/app/care-workers"),
            ("Banked hours", "/app/banked-hours"),
            ("Statements", "/app/statements"),
        ]
    if actor.is_provider or (actor.is_council and actor.may(Permission.VIEW_KPIS)):
        items.append(("Monitoring returns", "/app/returns"))
    return _counted(me, items)


def start_page(me: SignedIn) -> str | None:
    """Where a role lands after signing in: the first page it works in, if it has one."""
    items = navigation(me)
    return items[0][1] if items else None


def _active(path: str, items: list[tuple[str, str]]) -> str | None:
    matches = [href for _, href in items if path == href or path.startswith(href + "/")]
    return max(matches, key=len) if matches else None


def render(
    request: Request,
    template: str,
    *,
    title: str,
    status: int = 200,
    me: SignedIn | None = None,
    errors: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page; `errors` maps each field's id to its message, in the order of the form."""
    me = me or getattr(request.state, "me", None)
    items = navigation(me)
    html = environment.get_template(template).render(
        request=request,
        title=title,
        me=me,
        nav=items,
        active=_active(request.url.path, items),
        errors=errors or {},
        vendor=VENDOR_CSS.exists(),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """After a form is handled: 303, so that reloading does not send it again."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str | None:
    """Only a path on this site may be a place to return to after signing in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def _sign_in_redirect(request: Request, exc: SignInRequired) -> Response:
    if isinstance(exc, SecondFactorPending):
        if request.headers.get("HX-Request"):
            return Response(status_code=200, headers={"HX-Redirect": "/sign-in/code"})
        return redirect("/sign-in/code")
    target = "/sign-in"
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += f"?next={quote(here, safe='')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return redirect(target)


def not_found(request: Request) -> HTMLResponse:
    return render(request, "errors/not_found.html", title="Page not found", status=404)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInRequired):
        return _sign_in_redirect(request, exc)
    if isinstance(exc, NotFound | RequestValidationError):
        return not_found(request)
    if isinstance(exc, CsrfRejected):
        return render(
            request, "errors/form_expired.html", title="Your form was not sent", status=403
        )
    if isinstance(exc, TooManyAttempts):
        return locked_out_page(request, exc)
    if isinstance(exc, Forbidden):
        return render(
            request, "errors/forbidden.html", title="You cannot use this page", status=403
        )
    assert isinstance(exc, DomainError)
    return render(
        request,
        "errors/problem.html",
        title="You cannot do this",
        status=exc.status,
        message=fmt.sentence(exc.message),
    )


def locked_out_page(request: Request, exc: TooManyAttempts) -> Response:
    """The lock-out notice: 429, how long to wait, and Retry-After for machines."""
    response = render(
        request,
        "errors/locked_out.html",
        title="Your account is locked for now",
        status=429,
        minutes=max(1, -(-exc.retry_after // 60)),
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


class WebRoute(APIRoute):
    """A page: what it raises becomes a page, and every answer carries the security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except (
                SignInRequired,
                CsrfRejected,
                DomainError,
                RequestValidationError,
            ) as exc:
                response = error_page(request, exc)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return page
