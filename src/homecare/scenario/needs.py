"""People's care needs, generated in pure Python and calibrated to an area's figures.

Visit patterns are the usual morning / lunch / tea / bed calls. After drawing them, the
generator scales visit lengths so the area's weekly hours come out as reported, then
makes visits two-handed (morning and bed calls of the most dependent people first) until
the two-handed share of hours is reached.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from homecare.pattern import Day, PlannedVisit, TimeBand
from homecare.scenario.figures import AGE_BANDS

T = TypeVar("T")
DAYS = list(Day)
CALLS_PER_DAY = ((1, 0.05), (2, 0.12), (3, 0.23), (4, 0.60))
BANDS_FOR_CALLS = {
    1: (TimeBand.MORNING,),
    2: (TimeBand.MORNING, TimeBand.BED),
    3: (TimeBand.MORNING, TimeBand.TEA, TimeBand.BED),
    4: (TimeBand.MORNING, TimeBand.LUNCH, TimeBand.TEA, TimeBand.BED),
}
BASE_MINUTES = {TimeBand.MORNING: 45, TimeBand.LUNCH: 30, TimeBand.TEA: 30, TimeBand.BED: 30}


@dataclass
class Need:
    """One person's weekly pattern and how dependent they are (0-1)."""

    dependency: float
    lot: int
    pattern: list[PlannedVisit] = field(default_factory=list)

    @property
    def carer_minutes(self) -> int:
        return sum(v.carer_minutes for v in self.pattern)

    @property
    def two_handed_minutes(self) -> int:
        return sum(v.carer_minutes for v in self.pattern if v.carers == 2)


def weighted(rng: random.Random, choices: tuple[tuple[T, float], ...]) -> T:
    values = [value for value, _ in choices]
    weights = [weight for _, weight in choices]
    return rng.choices(values, weights=weights, k=1)[0]


def draw_birth_date(rng: random.Random, on: date) -> date:
    """A birth date giving an age drawn from the age profile of people in home care."""
    low, high = weighted(rng, tuple(((lo, hi), w) for lo, hi, w in AGE_BANDS))
    age = rng.randint(low, high) if high < 100 else int(rng.triangular(80, 101, 84))
    birthday = date(on.year - age, on.month, min(on.day, 28))
    return birthday - timedelta(days=rng.randint(0, 364))


def draw_need(rng: random.Random, lot2_share: float) -> Need:
    calls = weighted(rng, CALLS_PER_DAY)
    dependency = min(1.0, max(0.0, rng.gauss(0.35 + 0.12 * calls, 0.15)))
    lot = 2 if rng.random() < lot2_share * (0.5 + dependency) else 1
    days = DAYS if calls >= 2 or rng.random() < 0.8 else DAYS[:5]
    pattern = [
        PlannedVisit(day, band, _minutes(rng, band, dependency), 1)
        for day in days
        for band in BANDS_FOR_CALLS[calls]
    ]
    return Need(dependency=dependency, lot=lot, pattern=pattern)


def as_referred(pattern: list[PlannedVisit]) -> list[PlannedVisit]:
    """The pattern as a referral may ask for it: the council sends no single carer for 15
    minutes (001 Appendix 2, 1.2), so such a call becomes 20, and a call under 30 minutes
    is one the person asked for (000 §27)."""
    referred = []
    for visit in pattern:
        minutes = max(visit.minutes, 20) if visit.carers == 1 else visit.minutes
        referred.append(replace(visit, minutes=minutes, short_requested=minutes < 30))
    return referred


def _minutes(rng: random.Random, band: TimeBand, dependency: float) -> int:
    base = BASE_MINUTES[band] + rng.choice((-15, 0, 0, 0, 15)) + (15 if dependency > 0.8 else 0)
    return max(15, base)


def calibrate(needs: list[Need], weekly_hours: float, two_handed_share: float) -> None:
    """Scales visit lengths to the target hours, then doubles visits to the target share.

    If a share s of the final carer minutes T is two-handed, the visits behind it last
    sT/2 minutes, so the single-handed pattern must add up to T(1 - s/2) before doubling.
    """
    target = weekly_hours * 60
    single_target = round(target * (1 - two_handed_share / 2))
    total = sum(n.carer_minutes for n in needs)
    factor = single_target / total
    for need in needs:
        need.pattern = [
            replace(v, minutes=min(240, max(15, 5 * round(v.minutes * factor / 5))))
            for v in need.pattern
        ]
    _nudge_to(needs, single_target)
    for need in sorted(needs, key=lambda n: -n.dependency):
        total = sum(n.carer_minutes for n in needs)
        doubled = sum(n.two_handed_minutes for n in needs)
        if doubled >= two_handed_share * total:
            break
        need.pattern = [
            replace(v, carers=2) if v.band in (TimeBand.MORNING, TimeBand.BED) else v
            for v in need.pattern
        ]


def _nudge_to(needs: list[Need], single_target: int) -> None:
    """Rounding to 5 minutes drifts; move visits 5 minutes at a time until on target."""
    gap = single_target - sum(n.carer_minutes for n in needs)
    step = 5 if gap > 0 else -5
    for round_ in range(10_000):
        moved = False
        for need in needs:
            if abs(gap) < 5:
                return
            index = round_ % len(need.pattern)
            visit = need.pattern[index]
            if 15 <= visit.minutes + step <= 240:
                need.pattern[index] = replace(visit, minutes=visit.minutes + step)
                gap -= step
                moved = True
        if not moved:
            return
