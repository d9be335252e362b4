"""How the rounds pages draw what they read: the day as a timeline of lanes, the map's lines
and stops, shift patterns and times of day in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from homecare.calendar import LONDON
from homecare.geo.outline import Segment, area_boundaries
from homecare.monitoring.periods import periods_of_year
from homecare.rounds.schemas import RoundRead
from homecare.web.format import DAYS, format_date, format_time
from homecare.workforce.tables import CareWorker

PointRow = tuple[float, float, str]
CLOCK_DAY = date(2026, 1, 5)
"""A day without a clock change, for writing minutes after midnight as a time of day."""


def long_day(day: date) -> str:
    """'Monday 23 November 2026'."""
    return f"{list(DAYS.values())[day.weekday()]} {format_date(day)}"


def clock(minute: float) -> str:
    """'7am', '2:30pm' for minutes after midnight."""
    return format_time(datetime.combine(CLOCK_DAY, time(), LONDON) + timedelta(minutes=minute))


def window_text(window: str) -> str:
    """'7am to 10am' from the plan's '420-600' (minutes after midnight, London time)."""
    try:
        earliest, latest = (float(part) for part in window.split("-"))
    except ValueError:
        return ""
    return f"{clock(earliest)} to {clock(latest)}"


# --- the timeline -------------------------------------------------------------------------

LABEL_WIDTH = 150
MINUTE_WIDTH = 1.0
RIGHT_MARGIN = 30
LANE_HEIGHT = 44
COMPACT_LANE_HEIGHT = 22
AXIS_HEIGHT = 28


def short_time(moment: datetime) -> str:
    """'7:04' without am or pm, to fit in a half-hour block; the axis gives the half of day."""
    local = moment.astimezone(LONDON)
    return f"{local.hour % 12 or 12}:{local.minute:02d}"


def minute_of_day(moment: datetime) -> int:
    local = moment.astimezone(LONDON)
    return local.hour * 60 + local.minute


@dataclass(frozen=True)
class Block:
    """A rectangle on one care worker's lane: a visit, the travel before it or a break."""

    kind: str
    x: float
    width: float
    label: str
    text: str = ""


@dataclass
class Lane:
    """One care worker's row. With detail, a block per visit, travel and break (each with its
    words on hover); without, the visits and the travel as one outline each, which keeps a
    60-carer day to a few kilobytes."""

    care_worker_id: int
    name: str
    mode: str
    colour: str
    y: int
    shift_x: float
    shift_width: float
    blocks: list[Block] = field(default_factory=list)
    visit_path: str = ""
    travel_path: str = ""


@dataclass
class Timeline:
    width: float
    height: int
    hours: list[tuple[float, str]]
    lanes: list[Lane]
    detail: bool = True


def _outline(boxes: list[tuple[float, float]], y: int, height: int) -> str:
    """An SVG path of rectangles (x, width) on one lane, in as few characters as it takes."""
    return "".join(f"M{x:g} {y}h{w:g}v{height}h{-w:g}z" for x, w in boxes)


def build_timeline(
    rounds: list[RoundRead], colours: list[str], *, detail: bool = True
) -> Timeline | None:
    """One lane per care worker across the hours of the day's shifts, drawn as SVG."""
    if not rounds:
        return None
    first = min(minute_of_day(r.shift_start) for r in rounds) // 60 * 60
    last = -(-max(minute_of_day(r.shift_end) for r in rounds) // 60) * 60
    lane_height = LANE_HEIGHT if detail else COMPACT_LANE_HEIGHT

    def x(minute: float) -> float:
        return round(LABEL_WIDTH + (minute - first) * MINUTE_WIDTH, 1)

    def span(minutes: float) -> float:
        return round(max(minutes, 1) * MINUTE_WIDTH, 1)

    lanes = []
    for index, r in enumerate(rounds):
        start, end = minute_of_day(r.shift_start), minute_of_day(r.shift_end)
        lane = Lane(
            r.care_worker_id,
            r.care_worker_name,
            r.travel_mode,
            colours[index],
            AXIS_HEIGHT + index * lane_height,
            x(start),
            span(end - start),
        )
        visits, travel = [], []
        if detail and r.break_start is not None and r.break_minutes:
            at = minute_of_day(r.break_start)
            label = f"Break at {format_time(r.break_start)}"
            lane.blocks.append(Block("break", x(at), span(r.break_minutes), label))
        for s in r.stops:
            at = minute_of_day(s.planned_start)
            if s.travel_minutes >= 1:
                travel.append((x(at - s.travel_minutes), span(s.travel_minutes)))
                if detail:
                    words = f"{round(s.travel_minutes)} minutes' travel"
                    lane.blocks.append(Block("travel", *travel[-1], words))
            visits.append((x(at), span(s.minutes)))
            if detail:
                lane.blocks.append(
                    Block(
                        "visit",
                        *visits[-1],
                        f"{format_time(s.planned_start)}: {s.person_name}, {s.minutes} minutes",
                        short_time(s.planned_start) if s.minutes >= 30 else "",
                    )
                )
        if not detail:
            lane.visit_path = _outline(visits, lane.y + 3, lane_height - 6)
            lane.travel_path = _outline(travel, lane.y + 7, lane_height - 14)
        lanes.append(lane)
    hours = [(x(m), clock(m)) for m in range(first, last + 1, 60)]
    height = AXIS_HEIGHT + len(lanes) * lane_height
    return Timeline(x(last) + RIGHT_MARGIN, height, hours, lanes, detail)


# --- the map's data -----------------------------------------------------------------------


def day_features(rounds: list[RoundRead], colours: list[str]) -> list[dict[str, Any]]:
    """Lines and stops as `rounds_as_geojson` builds them, with the names and colours the
    page uses, so the map can show one care worker's round picked on the page."""
    features: list[dict[str, Any]] = []
    for index, r in enumerate(rounds):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[s.longitude, s.latitude] for s in r.stops],
                },
                "properties": {
                    "round_id": r.id,
                    "care_worker_id": r.care_worker_id,
                    "care_worker_name": r.care_worker_name,
                    "colour": colours[index],
                    "travel_mode": r.travel_mode,
                    "travel_minutes": r.travel_minutes,
                },
            }
        )
        features += [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
                "properties": {
                    "round_id": r.id,
                    "care_worker_id": r.care_worker_id,
                    "colour": colours[index],
                    "sequence": s.sequence,
                    "planned_start": s.planned_start.isoformat(),
                    "carers": s.carers,
                    "person_id": s.person_id,
                    "label": f"{format_time(s.planned_start)} {s.person_name}"
                    f" ({r.care_worker_name})",
                },
            }
            for s in r.stops
        ]
    return features


# --- care workers and returns -------------------------------------------------------------


def shift_rows(worker: CareWorker) -> list[tuple[str, str, str, float]]:
    """The weekly pattern in weekday order: (day, starts, ends, hours)."""
    rows = []
    for code, name in DAYS.items():
        if code not in (worker.shift_pattern or {}):
            continue
        starts, ends = worker.shift_pattern[code]
        begin, finish = (time.fromisoformat(t) for t in (starts, ends))
        minutes = (finish.hour - begin.hour) * 60 + finish.minute - begin.minute
        rows.append(
            (
                name,
                clock(begin.hour * 60 + begin.minute),
                clock(finish.hour * 60 + finish.minute),
                minutes / 60,
            )
        )
    return rows


def return_periods(kind: str, today: date) -> list[tuple[str, str]]:
    """The periods of a kind that have begun, this year's and last year's, newest first."""
    year = today.isocalendar().year if kind in ("week", "four_weeks") else today.year
    periods = periods_of_year(year - 1, kind) + periods_of_year(year, kind)
    begun = [p for p in periods if p.start <= today]
    return [(p.label, f"{p.name} ({p.label})") for p in reversed(begun)]


AREA_MARGIN = 0.004
"""Degrees around the day's stops (about 300-450 m) that the map's background covers."""


@lru_cache(maxsize=32)
def _boundaries(points: tuple[tuple[float, float, str], ...]) -> list[Segment]:
    return area_boundaries(points)


def area_features(
    rounds: list[RoundRead], within: Callable[[float, float, float, float], list[PointRow]]
) -> list[dict[str, Any]]:
    """The background of the rounds map without tiles: the LSOAs' boundaries and the
    postcode points around the day's stops, as GeoJSON features."""
    stops = [(s.longitude, s.latitude) for r in rounds for s in r.stops]
    if not stops:
        return []
    west, east = min(p[0] for p in stops), max(p[0] for p in stops)
    south, north = min(p[1] for p in stops), max(p[1] for p in stops)
    points = within(
        west - AREA_MARGIN, south - AREA_MARGIN, east + AREA_MARGIN, north + AREA_MARGIN
    )
    segments = _boundaries(tuple(sorted(points)))
    return [
        {
            "type": "Feature",
            "geometry": {"type": "MultiLineString", "coordinates": [list(s) for s in segments]},
            "properties": {"kind": "boundaries", "label": "LSOA boundaries"},
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "MultiPoint",
                "coordinates": [[round(x, 5), round(y, 5)] for x, y, _ in points],
            },
            "properties": {"kind": "postcodes", "label": "Postcodes"},
        },
    ]
