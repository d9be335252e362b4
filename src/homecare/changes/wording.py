"""A change of visit pattern in the words a family uses.

The consent request, the family's page, the social worker's decision, the impact and the
provider's own page all describe a change the same way: "adds a 30-minute lunch visit
every day; 3 h 30 min more a week". A family agrees to visits, not to a weekly total, so
the words name the visits that are added, removed, moved, lengthened or shortened, or
given a second carer, and group a change that is the same on several days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from homecare.pattern import Day, PlannedVisit, TimeBand

DAY_NAMES = {
    Day.MON: "Monday",
    Day.TUE: "Tuesday",
    Day.WED: "Wednesday",
    Day.THU: "Thursday",
    Day.FRI: "Friday",
    Day.SAT: "Saturday",
    Day.SUN: "Sunday",
}
BAND_WORDS = {
    TimeBand.MORNING: "morning",
    TimeBand.LUNCH: "lunch",
    TimeBand.TEA: "tea",
    TimeBand.BED: "bedtime",
    TimeBand.NIGHT: "night",
}
MOVED_TO = {
    TimeBand.MORNING: "the morning",
    TimeBand.LUNCH: "lunchtime",
    TimeBand.TEA: "teatime",
    TimeBand.BED: "the evening",
    TimeBand.NIGHT: "the night",
}
DAY_ORDER = list(Day)
BAND_ORDER = list(TimeBand)
WEEKDAYS = DAY_ORDER[:5]


@dataclass(frozen=True, order=True)
class Step:
    """One change to one band, the same on every day it is grouped under."""

    band_index: int
    kind: str
    """add, remove, move, longer, shorter, two_handed, one_carer."""
    minutes: int = 0
    """Added visit's minutes, or how much longer or shorter."""
    carers: int = 1
    to_band_index: int = -1


def duration(minutes: int) -> str:
    """'3 h 30 min', '45 min', '2 h': weekly figures, short enough to read at a glance."""
    hours, rest = divmod(abs(minutes), 60)
    parts = [f"{hours} h"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} min")
    return " ".join(parts)


def weekly_change(before: Iterable[PlannedVisit], after: Iterable[PlannedVisit]) -> str:
    """'3 h 30 min more a week' in carer time, which is what is paid for."""
    delta = sum(v.carer_minutes for v in after) - sum(v.carer_minutes for v in before)
    if delta == 0:
        return "the same hours a week"
    return f"{duration(delta)} {'more' if delta > 0 else 'less'} a week"


def _days_phrase(days: Sequence[Day]) -> str:
    """'every day', 'on weekdays', 'at weekends', 'on Monday, Wednesday and Friday'."""
    ordered = sorted(days, key=DAY_ORDER.index)
    if len(ordered) == 7:
        return "every day"
    if ordered == WEEKDAYS:
        return "on weekdays"
    if ordered == [Day.SAT, Day.SUN]:
        return "at weekends"
    names = [DAY_NAMES[d] for d in ordered]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"on {listed}"


Movable = Callable[[TimeBand, PlannedVisit], bool]


def _changed_steps(band: TimeBand, old: PlannedVisit, new: PlannedVisit) -> list[Step]:
    """A visit kept in its place, or moved to `band`: longer, shorter, carers."""
    i = BAND_ORDER.index(band)
    steps = []
    if new.minutes != old.minutes:
        kind = "longer" if new.minutes > old.minutes else "shorter"
        steps.append(Step(i, kind, abs(new.minutes - old.minutes)))
    if new.carers != old.carers:
        steps.append(Step(i, "two_handed" if new.carers > old.carers else "one_carer"))
    return steps


def _day_steps(
    before: dict[TimeBand, PlannedVisit], after: dict[TimeBand, PlannedVisit], movable: Movable
) -> list[Step]:
    """What changes on one day: a band dropped and another taken up is a move, unless the
    visit taken up is also added on days where nothing is dropped."""
    steps = []
    for band in BAND_ORDER:
        if band in before and band in after:
            steps += _changed_steps(band, before[band], after[band])
    removed = [b for b in BAND_ORDER if b in before and b not in after]
    added = [b for b in BAND_ORDER if b in after and b not in before]
    for old_band in list(removed):
        new_band = next((b for b in added if movable(old_band, after[b])), None)
        if new_band is None:
            continue
        removed.remove(old_band)
        added.remove(new_band)
        to = BAND_ORDER.index(new_band)
        steps.append(Step(BAND_ORDER.index(old_band), "move", 0, 1, to))
        steps += _changed_steps(new_band, before[old_band], after[new_band])
    steps += [Step(BAND_ORDER.index(b), "remove") for b in removed]
    steps += [Step(BAND_ORDER.index(b), "add", after[b].minutes, after[b].carers) for b in added]
    return steps


def _movable(
    old: dict[Day, dict[TimeBand, PlannedVisit]], new: dict[Day, dict[TimeBand, PlannedVisit]]
) -> Movable:
    """Whether a visit added may be read as one moved from a dropped band: only when every
    day it is added on also drops that band, so 'adds a lunch visit every day' stays whole."""
    added: dict[tuple[TimeBand, int, int], set[Day]] = defaultdict(set)
    dropped: dict[TimeBand, set[Day]] = defaultdict(set)
    for day in DAY_ORDER:
        was, now = old.get(day, {}), new.get(day, {})
        for band, visit in now.items():
            if band not in was:
                added[(band, visit.minutes, visit.carers)].add(day)
        for band in was:
            if band not in now:
                dropped[band].add(day)

    def movable(old_band: TimeBand, visit: PlannedVisit) -> bool:
        return added[(TimeBand(visit.band), visit.minutes, visit.carers)] <= dropped[old_band]

    return movable


def _visit(step: Step, days: Sequence[Day]) -> tuple[str, str]:
    """'the Tuesday morning visit', '' for one day; 'the morning visit', 'every day' for more."""
    band = BAND_WORDS[BAND_ORDER[step.band_index]]
    if len(days) == 1:
        return f"the {DAY_NAMES[days[0]]} {band} visit", ""
    return f"the {band} visit", " " + _days_phrase(days)


def _phrase(step: Step, days: Sequence[Day]) -> str:
    """One step in words, on the days it applies to."""
    visit, when = _visit(step, days)
    if step.kind == "add":
        handed = " two-handed" if step.carers > 1 else ""
        band = BAND_WORDS[BAND_ORDER[step.band_index]]
        return f"adds a {step.minutes}-minute{handed} {band} visit {_days_phrase(days)}"
    if step.kind == "remove":
        return f"removes {visit}{when}"
    if step.kind == "move":
        return f"moves {visit} to {MOVED_TO[BAND_ORDER[step.to_band_index]]}{when}"
    if step.kind in ("longer", "shorter"):
        return f"makes {visit} {step.minutes} minutes {step.kind}{when}"
    if step.kind == "two_handed":
        return f"makes {visit} two-handed{when}"
    return f"makes {visit} one carer instead of two{when}"


def _by_day(pattern: Iterable[PlannedVisit]) -> dict[Day, dict[TimeBand, PlannedVisit]]:
    days: dict[Day, dict[TimeBand, PlannedVisit]] = defaultdict(dict)
    for visit in pattern:
        days[Day(visit.day)][TimeBand(visit.band)] = visit
    return days


def describe(before: Iterable[PlannedVisit], after: Iterable[PlannedVisit]) -> list[str]:
    """Each change to the visits, grouped over the days it is the same on, morning first."""
    old, new = _by_day(before), _by_day(after)
    movable = _movable(old, new)
    grouped: dict[Step, list[Day]] = defaultdict(list)
    for day in DAY_ORDER:
        for step in _day_steps(old.get(day, {}), new.get(day, {}), movable):
            grouped[step].append(day)
    ordered = sorted(
        grouped.items(), key=lambda g: (g[0].band_index, DAY_ORDER.index(g[1][0]), g[0])
    )
    return [_phrase(step, days) for step, days in ordered]


def _listed(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def totals_in_words(from_minutes: int, to_minutes: int) -> str:
    """For a change that kept no visits: 'every visit 15 min longer in all…' is not known,
    so only the weekly figures: 'changes the care from 7 h to 8 h a week; 1 h more a week'."""
    delta = to_minutes - from_minutes
    change = f"{duration(delta)} {'more' if delta > 0 else 'less'} a week" if delta else ""
    text = f"changes the care from {duration(from_minutes)} to {duration(to_minutes)} a week"
    return f"{text}; {change}" if change else text


def in_words(before: Sequence[PlannedVisit], after: Sequence[PlannedVisit]) -> str:
    """The whole change in one sentence: 'adds a 30-minute lunch visit every day; 3 h 30 min
    more a week'. The pages start it with a capital where it opens a line."""
    steps = describe(before, after)
    if not steps:
        return f"no change to the visits; {weekly_change(before, after)}"
    return f"{_listed(steps)}; {weekly_change(before, after)}"


def capitalised(text: str) -> str:
    """The sentence as it opens a line on a page."""
    return text[:1].upper() + text[1:]
