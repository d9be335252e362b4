"""Today, live: the provider manager's board of the day's visits, and the council's counts
per provider. Both read `delivery.board`, as `GET /live/board` and `/live/summary` do.

The board updates itself every `board_refresh_seconds` (htmx swaps in `/app/board/live`,
the same part of the page, without a reload); without JavaScript it is a whole page as at
the moment it was loaded, with a link to load it again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from homecare.calendar import local_date
from homecare.delivery.board import BoardVisit, council_counts, provider_board
from homecare.delivery.outcomes import Thresholds
from homecare.delivery.today import LIVE_WORDS, LiveState
from homecare.delivery.visit_actions import acknowledge_alert
from homecare.http import PathId
from homecare.paging import PAGE_SIZE, ListQuery, Slice, page_offset, search_words
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.listing import ListSpec, Page, page_of, read_query
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TAGS = {
    LiveState.DUE: "govuk-tag--grey",
    LiveState.CHECKED_IN: "govuk-tag--blue",
    LiveState.DONE: "govuk-tag--green",
    LiveState.LATE: "govuk-tag--orange",
    LiveState.MISSED: "govuk-tag--red",
    LiveState.NOT_AT_HOME: "govuk-tag--purple",
    LiveState.NOT_NEEDED: "govuk-tag--grey",
}
ALERT_WORDS = {"missed": "Missed visit", "very_late": "Very late"}
ATTENTION = (LiveState.LATE, LiveState.MISSED, LiveState.NOT_AT_HOME, LiveState.CHECKED_IN)
"""The visits the board lists unless asked for others: those a manager may need to act on."""
SHOWS = {"attention": "Needing attention or under way", "all": "All visits"} | {
    s.value: LIVE_WORDS[s] for s in LiveState
}


def _shown(show: str) -> set[LiveState]:
    if show == "all":
        return set(LiveState)
    if show in LiveState.__members__.values():
        return {LiveState(show)}
    return set(ATTENTION)


def _listed(visits: list[BoardVisit], query: ListQuery, spec: ListSpec) -> Page[BoardVisit]:
    """The visits of the chosen states that match the search (the person's or a care
    worker's name), 20 to a page, in time order: the day is read whole, so this is kept
    in memory."""
    words = search_words(query.q)
    found = [
        v
        for v in visits
        if all(w in f"{v.person_name} {' '.join(v.carers)}".lower() for w in words)
    ]
    start = page_offset(query.page or 1, len(found))
    window = Slice(found[start : start + PAGE_SIZE], len(found), start, PAGE_SIZE)
    return page_of(window, query, spec)


def _board(request: Request, ctx: WebContext, template: str, show: str) -> Response:
    show = show if show in SHOWS else "attention"
    spec = ListSpec(
        path="/app/board",
        noun="visits",
        search_label="Find a visit by the person's or a care worker's name",
        keep=(("show", show),),
    )
    query, list_errors = read_query(request.query_params, spec)
    now = ctx.now()
    with ctx.transaction() as (session, me):
        board = provider_board(
            session, me.actor, local_date(now), now, Thresholds.from_settings(ctx.settings)
        )
        states = _shown(show)
        listed = _listed([v for v in board.visits if v.state in states], query, spec)
        return render(
            request,
            template,
            title="Today",
            board=board,
            listed=listed,
            live_query=urlencode(
                {"show": show, "q": query.q, "page": listed.page}
                if query.q
                else {"show": show, "page": listed.page}
            ),
            show=show,
            shows=SHOWS,
            words=LIVE_WORDS,
            tags=TAGS,
            states=list(LiveState),
            alert_words=ALERT_WORDS,
            refresh=ctx.settings.board_refresh_seconds,
            errors=list_errors or None,
        )


@router.get("/app/board")
def board_page(
    request: Request, show: str = "attention", ctx: WebContext = Depends(web_context)
) -> Response:
    return _board(request, ctx, "board/board.html", show)


@router.get("/app/board/live")
def board_live(
    request: Request, show: str = "attention", ctx: WebContext = Depends(web_context)
) -> Response:
    """The board's changing part alone, for the page to swap in."""
    return _board(request, ctx, "board/_live.html", show)


@router.post("/app/board/alerts/{alert_id}/acknowledge")
def acknowledge(
    alert_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The manager has seen the alert and is acting on it (as `POST /alerts/{id}/acknowledge`)."""
    with ctx.transaction(form) as (session, me):
        acknowledge_alert(session, actor=me.actor, at=ctx.now(), alert_id=alert_id)
    return redirect("/app/board?acknowledged=1")


@router.get("/app/today-summary")
def today_summary(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    now = ctx.now()
    with ctx.transaction() as (session, me):
        rows = council_counts(
            session, me.actor, local_date(now), now, Thresholds.from_settings(ctx.settings)
        )
        totals = {s.value: sum(r.counts[s.value] for r in rows) for s in LiveState}
        return render(
            request,
            "board/summary.html",
            title="Today across providers",
            rows=rows,
            totals=totals,
            words=LIVE_WORDS,
            states=list(LiveState),
            day=local_date(now),
            as_at=now,
        )
