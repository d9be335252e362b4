"""Per-request context for pages: the store, the clock, and who is signed in.

`WebContext.transaction()` is how a page reaches the store, as `RequestContext` is for
the API: one unit of work, with the actor resolved from the session cookie inside it.
For a form it checks the CSRF token before the page's code can read or write anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission
from homecare.accounts.repository import user_with_organisation
from homecare.accounts.service import actor_for_user
from homecare.accounts.web_sessions import (
    SESSION_COOKIE,
    SecondFactorRequired,
    current_web_session,
)
from homecare.brokerage.repository import waiting_counts
from homecare.changes.repository import decisions_waiting
from homecare.clock import Clock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.errors import NotAuthenticated
from homecare.market.ratings import open_alert_count
from homecare.web import csrf
from homecare.web.trust_lots import nav_label, trust_lots


class SignInRequired(Exception):
    """No live web session: the browser is sent to the sign-in page."""


class SecondFactorPending(SignInRequired):
    """The password was right but the code is still to come: only /sign-in/code is open."""


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as pages show them, with the actor every service receives."""

    actor: Actor
    name: str
    organisation: str
    csrf_token: str
    counts: dict[str, int] = field(default_factory=dict)
    """How much waits in each work queue the navigation names: counted when a whole page is
    read, not while a form is handled nor for a fragment htmx asks for."""
    own_lot: str | None = None
    """For an NHS trust's nurse, the navigation's item for the lot their trust commissions,
    like 'Our lot: Lot 2 (Delegated healthcare)'; none for anyone else."""


def waiting_work(session: Session, actor: Actor) -> dict[str, int]:
    """The numbers beside the navigation's work queues, in the actor's own scope: one
    COUNT each, and only for the queues the actor works in."""
    counts = waiting_counts(
        session,
        actor,
        offers=actor.may(Permission.RESPOND_TO_OFFERS),
        referrals=actor.may(Permission.BROKER),
    )
    if actor.may(Permission.DECIDE_CHANGES):
        counts["changes"] = decisions_waiting(session, actor=actor)
    if actor.is_council and actor.may(Permission.MANAGE_MARKET):
        counts["alerts"] = open_alert_count(session, actor)
    return counts


@dataclass
class WebContext:
    request: Request
    engine: Engine
    clock: Clock
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def secret(self) -> bytes:
        """The server secret (`accounts.server_secret`), for signed forms and digests."""
        secret: bytes = self.request.app.state.secret
        return secret

    @property
    def absolute_timeout(self) -> timedelta:
        return timedelta(hours=self.settings.session_absolute_hours)

    def client_address(self) -> str:
        """The address guesses are counted against (the proxy's, unless it forwards)."""
        client = self.request.client
        return client.host if client else "unknown"

    @contextmanager
    def transaction(self, form: FormData | None = None) -> Iterator[tuple[Session, SignedIn]]:
        """One unit of work as the signed-in user; with a form, its CSRF token is checked."""
        token = self.request.cookies.get(SESSION_COOKIE)
        if not token:
            raise SignInRequired
        with unit_of_work(self.engine) as session:
            try:
                record = current_web_session(
                    session, token, at=self.now(), absolute=self.absolute_timeout
                )
            except SecondFactorRequired as exc:
                raise SecondFactorPending from exc
            except NotAuthenticated as exc:
                raise SignInRequired from exc
            if form is not None:
                csrf.check(self.request, form, record.csrf_token)
            user, organisation = user_with_organisation(session, record.user_id)
            actor = actor_for_user(session, user)
            reading = form is None and not self.request.headers.get("HX-Request")
            me = SignedIn(
                actor=actor,
                name=user.name,
                organisation=organisation.name,
                csrf_token=record.csrf_token,
                counts=waiting_work(session, actor) if reading else {},
                own_lot=nav_label(trust_lots(session, actor)),
            )
            self.request.state.me = me
            yield session, me


def web_context(request: Request) -> WebContext:
    state = request.app.state
    return WebContext(
        request=request, engine=state.engine, clock=state.clock, settings=state.settings
    )


async def form_data(request: Request) -> FormData:
    """The posted form, read once in the event loop so that sync pages can use it."""
    return await request.form()
