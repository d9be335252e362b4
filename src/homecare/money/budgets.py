"""A council's home care budget for a financial year, and where the year's money is going.

The budget is held by lot and funding stream (the council's own money, the NHS's
contribution, a grant), with direct payments as a line of their own. Against it stand:
what approved payment runs have paid (actual), what live packages will cost from the day
after the last paid day to the year's end at the rate in force (committed), and direct
payments over the year. The forecast is their sum. A contingency sits beside the budget
and is spent only by a recorded decision (000 §27, §29: £357K for the Leeds pilot), so
the alert compares the forecast with the budget plus what was drawn.

Money is whole pence throughout; a span of care is costed once, half up to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from homecare.errors import Conflict, InvalidInput
from homecare.units import pounds

MINUTES_PER_WEEK_HOUR = 7 * 60
"""Days × minutes in an hour: weekly minutes × hourly pence × days ÷ this is pence."""
REASON_LENGTH = 500


class Stream(StrEnum):
    """Who funds a budget line."""

    COUNCIL = "council"
    NHS = "nhs"
    GRANT = "grant"


STREAM_WORDS = {
    Stream.COUNCIL: "Council",
    Stream.NHS: "NHS contribution",
    Stream.GRANT: "Grant",
}


def parse_stream(value: str, *, field: str = "stream") -> Stream:
    try:
        return Stream(value)
    except ValueError:
        raise InvalidInput(
            f"'{value}' is not a funding stream: choose council, nhs or grant", field=field
        ) from None


def money_text(pence: int) -> str:
    """£4,499,352.00: how people read a budget."""
    sign = "−" if pence < 0 else ""
    return f"{sign}£{pounds(abs(pence)):,}"


def _half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator to the nearest whole, halves away from zero."""
    whole = (abs(numerator) * 2 + denominator) // (denominator * 2)
    return whole if numerator >= 0 else -whole


# --- the financial year --------------------------------------------------------------------


@dataclass(frozen=True)
class FinancialYear:
    """1 April to 31 March; named by the year it starts in (2026 is 2026/27)."""

    start_year: int

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def months(self) -> list[tuple[date, date]]:
        """The twelve months' first and last days, April first."""
        out = []
        for i in range(12):
            year, month = self.start_year + (3 + i) // 12, (3 + i) % 12 + 1
            first = date(year, month, 1)
            nxt = date(year + month // 12, month % 12 + 1, 1)
            out.append((first, nxt - timedelta(days=1)))
        return out

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)


def overlap_days(start: date, end: date | None, first: date, last: date) -> int:
    """Days of [start, end] (end none: open) inside [first, last], both inclusive."""
    lo, hi = max(start, first), min(end or last, last)
    return max(0, (hi - lo).days + 1)


# --- what the money is set against ---------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    lot_id: int | None
    """None is the direct payments line."""
    stream: Stream
    pence: int


@dataclass(frozen=True)
class Commitment:
    """A live package: its weekly carer minutes at the rate in force, over its dates."""

    lot_id: int
    weekly_minutes: int
    rate_pence: int
    starts_on: date
    ends_on: date | None
    paid_through: date | None = None
    """Its provider's last paid day, when it differs from the council's."""

    def pence(self, first: date, last: date) -> int:
        days = overlap_days(self.starts_on, self.ends_on, first, last)
        return _half_up(self.weekly_minutes * self.rate_pence * days, MINUTES_PER_WEEK_HOUR)

    def remaining(self, year: FinancialYear, paid_through: date | None, last: date) -> int:
        """Pence from the day after the last paid day (its own, or the one given) to `last`."""
        start = committed_from(year, self.paid_through or paid_through)
        return self.pence(start, last)


@dataclass(frozen=True)
class Paid:
    """Pence an approved payment run paid for a lot's care in the week starting `week_of`."""

    lot_id: int
    week_of: date
    pence: int


@dataclass(frozen=True)
class DirectPayment:
    stream: Stream
    weekly_pence: int
    starts_on: date
    ends_on: date | None

    def pence(self, first: date, last: date) -> int:
        days = overlap_days(self.starts_on, self.ends_on, first, last)
        return _half_up(self.weekly_pence * days, 7)


def weekly_pence_of(weekly_minutes: int, hourly_rate_pence: int) -> int:
    """7 hours 30 minutes at £16.50: 450 × 1650 ÷ 60 = 12,375p, £123.75 a week."""
    return _half_up(weekly_minutes * hourly_rate_pence, 60)


def week_of(iso_week: str) -> date:
    """The Monday of an ISO week written 2026-W41 (or 2026W41)."""
    text = iso_week.replace("-", "").upper()
    year, week = int(text[:4]), int(text.split("W")[1])
    return date.fromisocalendar(year, week, 1)


# --- the contingency -----------------------------------------------------------------------


@dataclass(frozen=True)
class Drawdown:
    pence: int
    reason: str
    by: str
    on: date


@dataclass(frozen=True)
class Contingency:
    pence: int
    drawdowns: tuple[Drawdown, ...] = ()

    @property
    def drawn(self) -> int:
        return sum(d.pence for d in self.drawdowns)

    @property
    def left(self) -> int:
        return self.pence - self.drawn


def check_drawdown(contingency: Contingency, *, pence: int, reason: str) -> str:
    """The reason, tidied, when the drawdown may be made; a refusal that says why if not."""
    said = " ".join(reason.split())
    if pence <= 0:
        raise InvalidInput("the amount to draw must be more than £0.00", field="amount_pence")
    if not said:
        raise InvalidInput("say why the contingency is drawn on", field="reason")
    if len(said) > REASON_LENGTH:
        raise InvalidInput(f"the reason is longer than {REASON_LENGTH} characters", field="reason")
    if pence > contingency.left:
        raise Conflict(
            f"{money_text(pence)} is more than the contingency has left: "
            f"{money_text(contingency.left)} of {money_text(contingency.pence)}"
        )
    return said


def check_contingency(pence: int, drawn: int) -> None:
    """A contingency set again may not fall below what has already been drawn."""
    if pence < 0:
        raise InvalidInput("the contingency cannot be less than £0.00", field="contingency_pence")
    if pence < drawn:
        raise Conflict(
            f"the contingency cannot be {money_text(pence)}: "
            f"{money_text(drawn)} of it has already been drawn"
        )


def check_lines(lines: Sequence[BudgetLine], lot_names: dict[int | None, str]) -> None:
    """Each line's amount at least nothing, and each lot and stream once."""
    seen: set[tuple[int | None, Stream]] = set()
    for i, line in enumerate(lines):
        name = f"{lot_names.get(line.lot_id, 'the lot')}, {STREAM_WORDS[line.stream]}"
        if line.pence < 0:
            raise InvalidInput(
                f"the budget for {name} cannot be less than £0.00", field=f"lines[{i}].pence"
            )
        if (line.lot_id, line.stream) in seen:
            raise InvalidInput(f"the budget for {name} is given twice", field=f"lines[{i}]")
        seen.add((line.lot_id, line.stream))


# --- the position --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One lot's (or direct payments') figures; committed is what is still to be paid."""

    lot_id: int | None
    budget: int
    actual: int
    committed: int
    direct_payments: int

    @property
    def forecast(self) -> int:
        return self.actual + self.committed + self.direct_payments


@dataclass(frozen=True)
class Month:
    first: date
    last: date
    budget_to_date: int
    """The budget and drawn contingency spread evenly over the year's days, to month end."""
    actual_to_date: int | None
    """Paid for weeks starting up to month end; none for months after the as-at day."""
    forecast_to_date: int
    changes: int = 0
    """Provider-led changes taking effect in the month."""
    change_weekly_pence: int = 0
    change_to_year_end_pence: int = 0


@dataclass(frozen=True)
class Position:
    year: FinancialYear
    as_at: date
    committed_from: date
    rows: tuple[Row, ...]
    by_stream: dict[Stream, int]
    direct_payments_by_stream: dict[Stream, int]
    contingency: Contingency
    months: tuple[Month, ...] = field(default=())

    @property
    def budget(self) -> int:
        return sum(r.budget for r in self.rows)

    @property
    def actual(self) -> int:
        return sum(r.actual for r in self.rows)

    @property
    def committed(self) -> int:
        return sum(r.committed for r in self.rows)

    @property
    def direct_payments(self) -> int:
        return sum(r.direct_payments for r in self.rows)

    @property
    def forecast(self) -> int:
        return self.actual + self.committed + self.direct_payments

    @property
    def available(self) -> int:
        """The budget with what has been drawn from the contingency."""
        return self.budget + self.contingency.drawn

    @property
    def over(self) -> int:
        """How far the forecast passes what is available; 0 when within it."""
        return max(0, self.forecast - self.available)

    @property
    def alert(self) -> str | None:
        if not self.over:
            return None
        return (
            f"The forecast, {money_text(self.forecast)}, passes the budget with the "
            f"contingency drawn, {money_text(self.available)}, by {money_text(self.over)}"
        )


@dataclass(frozen=True)
class ChangeEffect:
    """A provider-led change's weekly minutes carried today, from the day it took effect."""

    on: date
    weekly_minutes: int
    rate_pence: int


def committed_from(year: FinancialYear, paid_through: date | None) -> date:
    """Care from the day after the last paid day is still to be paid; from the year's
    start when nothing has been paid."""
    if paid_through is None:
        return year.starts_on
    return max(year.starts_on, paid_through + timedelta(days=1))


def position(
    year: FinancialYear,
    *,
    as_at: date,
    lines: Iterable[BudgetLine],
    commitments: Iterable[Commitment],
    paid: Iterable[Paid],
    paid_through: date | None,
    direct_payments: Iterable[DirectPayment],
    contingency: Contingency,
    changes: Iterable[ChangeEffect] = (),
) -> Position:
    """The year's money as at a day: each lot's budget, paid, committed and forecast."""
    lines, commitments, dps = list(lines), list(commitments), list(direct_payments)
    in_year = [p for p in paid if year.starts_on <= p.week_of <= year.ends_on]
    start = committed_from(year, paid_through)
    lots = sorted(
        {line.lot_id for line in lines if line.lot_id is not None}
        | {c.lot_id for c in commitments}
        | {p.lot_id for p in in_year}
    )
    rows = [
        Row(
            lot_id=lot,
            budget=sum(line.pence for line in lines if line.lot_id == lot),
            actual=sum(p.pence for p in in_year if p.lot_id == lot),
            committed=sum(
                c.remaining(year, paid_through, year.ends_on)
                for c in commitments
                if c.lot_id == lot
            ),
            direct_payments=0,
        )
        for lot in lots
    ]
    dp_by_stream = {
        s: sum(d.pence(year.starts_on, year.ends_on) for d in dps if d.stream is s) for s in Stream
    }
    rows.append(
        Row(
            lot_id=None,
            budget=sum(line.pence for line in lines if line.lot_id is None),
            actual=0,
            committed=0,
            direct_payments=sum(dp_by_stream.values()),
        )
    )
    made = Position(
        year=year,
        as_at=as_at,
        committed_from=start,
        rows=tuple(rows),
        by_stream={s: sum(line.pence for line in lines if line.stream is s) for s in Stream},
        direct_payments_by_stream=dp_by_stream,
        contingency=contingency,
    )
    months = _months(made, paid_through, commitments, in_year, dps, changes)
    return replace(made, months=tuple(months))


def _months(
    made: Position,
    paid_through: date | None,
    commitments: list[Commitment],
    paid: list[Paid],
    dps: list[DirectPayment],
    changes: Iterable[ChangeEffect],
) -> list[Month]:
    """Each month's figures to its end; at the year's end the forecast to date is the
    forecast, as care after the last paid day is committed and nothing paid comes after it."""
    year = made.year
    effects = list(changes)
    out = []
    for first, last in year.months():
        elapsed = (last - year.starts_on).days + 1
        actual = sum(p.pence for p in paid if p.week_of <= last)
        committed = sum(c.remaining(year, paid_through, last) for c in commitments)
        direct = sum(d.pence(year.starts_on, last) for d in dps)
        taking = [e for e in effects if first <= e.on <= last]
        weekly_mp = sum(e.weekly_minutes * e.rate_pence for e in taking)
        out.append(
            Month(
                first=first,
                last=last,
                budget_to_date=_half_up(made.available * elapsed, year.days),
                actual_to_date=actual if first <= made.as_at else None,
                forecast_to_date=actual + committed + direct,
                changes=len(taking),
                change_weekly_pence=_half_up(weekly_mp, 60),
                change_to_year_end_pence=sum(
                    Commitment(0, e.weekly_minutes, e.rate_pence, e.on, None).pence(
                        e.on, year.ends_on
                    )
                    for e in taking
                ),
            )
        )
    return out
