"""What the rounds page says about a day beyond the lines on the map: a colour for each of
up to 60 rounds, one summary row per care worker, and every late visit named with why.

Each reason is worked out from the saved round alone (the visit before, its end and the
travel from it, the shift's start, the break, the second carer), so the words always agree
with the times shown beside them.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from datetime import datetime, timedelta

from homecare.rounds.schemas import RoundRead, StopRead
from homecare.web.format import format_time

GOLDEN_ANGLE = 137.508
LATE_AFTER_MINUTES = 0.5
"""A visit whose planned start is more than this after its window closes is late."""


def round_colour(index: int) -> str:
    """A colour for the index-th round: hues a golden angle apart, in three shades dark
    enough for white dots on top, so neighbours in the list never look alike."""
    hue = (index * GOLDEN_ANGLE) % 360 / 360
    lightness = (0.36, 0.28, 0.44)[index % 3]
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.75)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


@dataclass(frozen=True)
class RoundSummary:
    round_id: int
    care_worker_id: int
    name: str
    colour: str
    travel_mode: str
    shift: str
    visits: int
    two_handed: int
    travel_minutes: int
    late: int


@dataclass(frozen=True)
class LateVisit:
    person: str
    care_worker: str
    care_worker_id: int
    window: str
    planned: str
    minutes_late: int
    reason: str


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def is_late(stop: StopRead) -> bool:
    return _minutes(stop.planned_start, stop.window_end) > LATE_AFTER_MINUTES


def summaries(rounds: list[RoundRead]) -> list[RoundSummary]:
    return [
        RoundSummary(
            round_id=r.id,
            care_worker_id=r.care_worker_id,
            name=r.care_worker_name,
            colour=round_colour(index),
            travel_mode=r.travel_mode,
            shift=f"{format_time(r.shift_start)} to {format_time(r.shift_end)}",
            visits=len(r.stops),
            two_handed=sum(1 for s in r.stops if s.carers > 1),
            travel_minutes=round(r.travel_minutes),
            late=sum(1 for s in r.stops if is_late(s)),
        )
        for index, r in enumerate(rounds)
    ]


def partner_names(rounds: list[RoundRead]) -> dict[int, str]:
    """Care worker id to name, for naming the second carer of a two-handed visit."""
    return {r.care_worker_id: r.care_worker_name for r in rounds}


def late_reason(r: RoundRead, index: int, partners: dict[int, str]) -> str:
    """Why the index-th stop of the round starts after its window closes, in words."""
    stop = r.stops[index]
    name = r.care_worker_name.split(" ")[0]
    partner = partners.get(stop.partner_care_worker_id or 0)
    travel = round(stop.travel_minutes)
    if index > 0:
        before = r.stops[index - 1]
        ends = before.planned_start + timedelta(minutes=before.minutes)
        arrives = ends + timedelta(minutes=stop.travel_minutes)
        if r.break_start is not None and ends <= r.break_start < stop.planned_start:
            return (
                f"{name}'s break at {format_time(r.break_start)} comes after "
                f"{before.person_name}'s visit, which ends at {format_time(ends)}"
            )
        if _minutes(stop.planned_start, arrives) <= 1:
            return (
                f"{name} comes from {before.person_name}'s visit, which ends at "
                f"{format_time(ends)}, and needs {travel} minutes to get there"
            )
    elif _minutes(stop.planned_start, r.shift_start + timedelta(minutes=travel)) <= 1:
        return f"{name}'s shift starts at {format_time(r.shift_start)}, {travel} minutes away"
    if stop.carers > 1 and partner:
        return f"It waits for the second carer, {partner}, who cannot be there sooner"
    return "The rest of the round fits better this way, even with this visit late"


def late_visits(rounds: list[RoundRead]) -> list[LateVisit]:
    """Every late stop of the day, latest first, with the reason it is late."""
    partners = partner_names(rounds)
    rows = []
    for r in rounds:
        for index, stop in enumerate(r.stops):
            if not is_late(stop):
                continue
            rows.append(
                LateVisit(
                    person=stop.person_name,
                    care_worker=r.care_worker_name,
                    care_worker_id=r.care_worker_id,
                    window=window_words(stop),
                    planned=format_time(stop.planned_start),
                    minutes_late=round(_minutes(stop.planned_start, stop.window_end)),
                    reason=late_reason(r, index, partners),
                )
            )
    return sorted(rows, key=lambda row: -row.minutes_late)


def window_words(stop: StopRead) -> str:
    return f"{format_time(stop.window_start)} to {format_time(stop.window_end)}"
