"""HTTP routes for the live board: a provider's day as it stands, and every provider's
counts for the council. The pages read the same functions (`delivery.board`)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query

from homecare.calendar import local_date
from homecare.delivery.board import council_counts, provider_board
from homecare.delivery.live_schemas import LiveBoard, LiveCounts, LiveSummary, ProviderDay
from homecare.delivery.outcomes import Thresholds
from homecare.http import RequestContext, WrittenDate, authenticated

router = APIRouter(tags=["live"])


@router.get("/live/board", response_model=LiveBoard)
def live_board(
    day: WrittenDate | None = Query(default=None, description="Default: today, in London"),
    ctx: RequestContext = Depends(authenticated),
) -> LiveBoard:
    """The provider's visits of the day with where each stands now, open alerts, carers'
    notes and where each carer is (a provider's manager)."""
    now = ctx.now()
    with ctx.transaction() as (session, actor):
        board = provider_board(
            session, actor, day or local_date(now), now, Thresholds.from_settings(ctx.settings)
        )
        return LiveBoard.model_validate(asdict(board))


@router.get("/live/summary", response_model=LiveSummary)
def live_summary(
    day: WrittenDate | None = Query(default=None, description="Default: today, in London"),
    ctx: RequestContext = Depends(authenticated),
) -> LiveSummary:
    """Each provider's visits of the day counted by where they stand now; no one's name."""
    now = ctx.now()
    chosen = day or local_date(now)
    with ctx.transaction() as (session, actor):
        rows = council_counts(session, actor, chosen, now, Thresholds.from_settings(ctx.settings))
        return LiveSummary(
            day=chosen,
            as_at=now,
            providers=[
                ProviderDay(
                    provider_id=r.provider_id,
                    provider_name=r.provider_name,
                    counts=LiveCounts(**r.counts),
                )
                for r in rows
            ],
        )
