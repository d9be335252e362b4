"""What the person's pages show, in their words: the visit pattern, the coming visits, the
time-bank balance, hours typed on a form, and who is answering a consent request.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Role, readable_visits
from homecare.accounts.tables import UserAccount
from homecare.delivery.tables import Visit, VisitCarer
from homecare.errors import NotFound
from homecare.people.tables import Person
from homecare.timebank import service as timebank
from homecare.timebank.ledger import Kind, Pot
from homecare.timebank.service import Statement
from homecare.timebank.tables import TimeBankEntry
from homecare.web import forms
from homecare.web.context import SignedIn
from homecare.web.format import BANDS, DAYS
from homecare.workforce.tables import CareWorker

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
        line = f"{_days_phrase(days)}: a {minutes}-minute {label} visit"
        lines.append(line + (f" with {carers} care workers" if carers > 1 else ""))
    return lines


def provider_contacts(session: Session, provider_id: int) -> list[UserAccount]:
    """The provider's managers, whom the person can write to about their care."""
    return list(
        session.scalars(
            select(UserAccount)
            .where(
                UserAccount.organisation_id == provider_id,
                UserAccount.role == Role.PROVIDER_MANAGER.value,
            )
            .order_by(UserAccount.id)
            .limit(2)
        )
    )


# --- coming visits -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComingVisit:
    visit: Visit
    carers: list[str]
    status: str | None


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def coming_visits(
    session: Session, actor: Actor, package_id: int, today: date
) -> list[ComingVisit]:
    """The next seven days' visits with the first names of the care workers coming."""
    visits = list(
        session.scalars(
            readable_visits(actor)
            .where(
                Visit.package_id == package_id,
                Visit.day >= today,
                Visit.day < today + timedelta(days=COMING_DAYS),
            )
            .order_by(Visit.window_start, Visit.id)
        )
    )
    names: dict[int, list[str]] = defaultdict(list)
    if visits:
        rows = session.execute(
            select(VisitCarer.visit_id, CareWorker.name)
            .join(CareWorker, CareWorker.id == VisitCarer.care_worker_id)
            .where(VisitCarer.visit_id.in_([v.id for v in visits]))
            .order_by(VisitCarer.id)
        )
        for visit_id, name in rows:
            names[visit_id].append(_first_name(name))
    return [ComingVisit(v, names[v.id], VISIT_STATUS.get(v.status)) for v in visits]


# --- the time bank -----------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    statement: Statement
    delivered_minutes: int


def balance_of(session: Session, actor: Actor, package_id: int) -> Balance | None:
    """The envelope's balances, or None for a package on fixed weekly hours."""
    try:
        statement = timebank.balance(session, actor=actor, package_id=package_id)
    except NotFound:
        return None
    account_id = statement.entries[0].account_id if statement.entries else None
    delivered = session.scalar(
        select(func.coalesce(func.sum(TimeBankEntry.minutes), 0)).where(
            TimeBankEntry.account_id == account_id,
            TimeBankEntry.kind == Kind.DELIVERY.value,
            TimeBankEntry.period_start == statement.period_start,
        )
    )
    return Balance(statement, -int(delivered or 0))


def bank_lines(statement: Statement) -> list[TimeBankEntry]:
    """The person's own banking and using, one line each (the bank side of each move)."""
    moves = (Kind.BANK.value, Kind.DRAW.value)
    lines = [e for e in statement.entries if e.pot == Pot.BANK.value and e.kind in moves]
    return lines[-BANK_LINES_SHOWN:]


def hours_text(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours or not rest else []
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return ("minus " if minutes < 0 else "") + " ".join(parts)


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
