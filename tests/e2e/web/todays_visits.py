"""Today's visits for one new person on the served site (which runs on the real clock, in
London), with one new care worker put on some of them: what the journeys of a carer's day
and of the manager's board start from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Visit
from homecare.pattern import Day, PlannedVisit, TimeBand
from tests.e2e.web.conftest import Site
from tests.support.caseload import Worker, hire_care_worker, place_package


@dataclass(frozen=True)
class TodaysVisits:
    carer: Worker
    visits: dict[str, int]
    """Each band's visit today, by band ("morning", "lunch", ...)."""
    place: tuple[float, float]
    """Where the person lives."""


def todays_visits(
    site: Site,
    *,
    bands: Iterable[TimeBand],
    staffed: Iterable[str],
    carer: str,
    provider: str = "Aire Homecare",
) -> TodaysVisits:
    """A person with a 30-minute visit in each of `bands` every day from today, and a
    carer named `carer` on today's visits of the `staffed` bands."""
    today = datetime.now(LONDON).date()
    pattern = [PlannedVisit(day, band, 30, 1) for day in Day for band in bands]
    engine = make_engine(site.database_url)
    try:
        placed = place_package(
            engine,
            site.world,
            provider=provider,
            nhs_number=next(site.nhs_numbers),
            pattern=pattern,
            starts_on=today,
        )
        worker = hire_care_worker(engine, site.world, provider=provider, name=carer)
        with unit_of_work(engine) as s:
            now = datetime.now(UTC)
            generate_visits(
                s, actor=SYSTEM_ACTOR, at=now, start=today, end=today,
                package_ids=[placed.package_id],
            )  # fmt: skip
            visits = {
                v.band: v
                for v in s.scalars(select(Visit).where(Visit.package_id == placed.package_id))
            }
            for band in staffed:
                assign_carers(
                    s, actor=SYSTEM_ACTOR, at=now, visit_id=visits[band].id,
                    care_worker_ids=[worker.care_worker_id],
                )  # fmt: skip
            first = min(visits.values(), key=lambda v: v.window_start)
            return TodaysVisits(
                worker,
                {band: v.id for band, v in visits.items()},
                (first.latitude, first.longitude),
            )
    finally:
        engine.dispose()
