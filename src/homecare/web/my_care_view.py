"""What the person's pages show, in their words: the visit pattern, the coming visits, the
time-bank lines, hours typed on a form, and who is answering a consent request.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from homecare.delivery.tables import Visit
from homecare.people.tables import Person
from homecare.timebank.ledger import Kind, Pot
from homecare.timebank.service import Statement
from homecare.timebank.tables import TimeBankEntry
from homecare.web import forms
from homecare.web.context import SignedIn
from homecare.web.format import BANDS, DAYS

BAND_ORDER = tuple(BANDS)
DAY_ORDER = tuple(DAYS)
COMING_DAYS = 7
BANK_LINES_SHOWN = 10
MAX_HOURS = Decimal(100)
VISIT_STATUS = {
    "in_progress": "Care worker is with you",
    "completed": "Done",
    "late": "Done, late",
    "short": "Done, shorter than planned",
    "missed": "Missed",
    "cancelled_by_person": "Cancelled by you",
    "not_at_home": "You were not at home",
    "hospital": "Paused while in hospital",
}


# --- the plan in plain words -------------------------------------------------------------


def _days_phrase(days: list[str]) -> str:
    ordered = sorted(days, key=DAY_ORDER.index)
    if len(ordered) == 7:
        return "Every day"
    if ordered == list(DAY_ORDER[:5]):
        return "Monday to Friday"
    if ordered == ["sat", "sun"]:
        return "Saturday and Sunday"
    names = [DAYS[d] for d in ordered]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pattern_in_words(visits: list[tuple[str, str, int, int]]) -> list[str]:
    """(day, band, minutes, carers) as sentences, e.g. 'Every day: a 30-minute morning visit'."""
    groups: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for day, band, minutes, carers in visits:
        groups[(band, minutes, carers)].append(day)
    lines = []
    for (band, minutes, carers), days in sorted(
        groups.items(), key=lambda g: (BAND_ORDER.index(g[0][0]), min(map(DAY_ORDER.index, g[1])))
    ):
        label = "bedtime" if band == "bed" else BANDS.get(band, band).lower()
        length = (
            f"{minutes // 60}-hour"
            if minutes >= 120 and minutes % 60 == 0
            else (f"{minutes}-minute")
        )
        line = f"{_days_phrase(days)}: a {length} {label} visit"
        lines.append(line + (f" with {carers} care workers" if carers > 1 else ""))
    return lines


# --- coming visits -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComingVisit:
    visit: Visit
    carers: list[str]
    status: str | None


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def coming_visit_rows(rows: list[tuple[Visit, list[str]]]) -> list[ComingVisit]:
    """The coming visits with the first names of the care workers coming, and how each went."""
    return [
        ComingVisit(v, [_first_name(n) for n in names], VISIT_STATUS.get(v.status))
        for v, names in rows
    ]


# --- the time bank -----------------------------------------------------------------------


def bank_lines(statement: Statement) -> list[TimeBankEntry]:
    """The person's own banking and using, one line each (the bank side of each move)."""
    moves = (Kind.BANK.value, Kind.DRAW.value)
    lines = [e for e in statement.entries if e.pot == Pot.BANK.value and e.kind in moves]
    return lines[-BANK_LINES_SHOWN:]


def parse_hours(form: FormData, errors: dict[str, str], verb: str) -> int | None:
    """Hours in quarter steps ('2', '1.5', '0.25') as minutes, or an error on `hours`."""
    raw = forms.text(form, "hours")
    if not raw:
        errors["hours"] = f"Enter how many hours to {verb}"
        return None
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        errors["hours"] = "Hours must be a number, like 2 or 1.5"
        return None
    if not hours.is_finite() or hours <= 0:
        errors["hours"] = "Hours must be more than 0"
    elif hours > MAX_HOURS:
        errors["hours"] = f"Hours must be {MAX_HOURS} or fewer"
    elif (hours * 4) % 1 != 0:
        errors["hours"] = "Hours must be in quarter hours, like 1.25, 1.5 or 1.75"
    else:
        return int(hours * 60)
    return None


def suggested_answerer(me: SignedIn, person: Person) -> dict[str, str]:
    """Name and relationship from the account, e.g. 'Ann Shaw (daughter)'; the person is 'self'."""
    match = re.fullmatch(r"\s*(.*?)\s*\(([^()]*)\)\s*", me.name)
    if match:
        return {"name": match.group(1), "relationship": match.group(2).strip()}
    own = f"{person.given_name} {person.family_name}"
    same = " ".join(me.name.split()).casefold() == own.casefold()
    return {"name": me.name, "relationship": "self" if same else ""}
