"""A payment run: what a provider is paid for a period, drafted from visits by the rules,
checked by a second person, and never changed once approved.

A run is a frozen value. Each visit, hospital day and adjustment has a key, and a run
records what it settled against each key, so the next run is drafted knowing what was paid
already: nothing is paid twice, and a visit corrected after its run was approved (a late
check-out, a changed status) is paid the difference as an adjustment line in the next run,
never by editing the old one. Drafting is deterministic (lines, exceptions and adjustments
in a fixed order), so the same inputs give an equal run.

Money: each visit's lines are rounded once (see `payment_rules`); a run line and the run's
total are sums of those whole pence, so the total is exactly the sum of its lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.money.enhancements import Enhancement, EnhancementLine
from homecare.money.payment_rules import (
    PaidVisit,
    PaymentException,
    PaymentRules,
    VisitToPay,
    pay_visit,
    pence_for,
)
from homecare.money.payment_terms import EnvelopeBasis, money

CONTRACT_FUNDING = "Contract rate"
ENVELOPE_OVER = "Minutes over the envelope of time, not paid"
ENVELOPE_WHOLE = "The rest of the envelope of time, paid whole"
HOSPITAL_FUNDING = "Hospital retainer"
ADJUSTMENT_FUNDING = "Adjustments"


@dataclass(frozen=True)
class Period:
    """The days a run covers, both inclusive."""

    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidInput("a payment period cannot end before it starts", field="ends_on")


@dataclass(frozen=True)
class HospitalDay:
    package_id: int
    day: date

    @property
    def key(self) -> str:
        return f"hospital:{self.package_id}:{self.day.isoformat()}"


@dataclass(frozen=True)
class Adjustment:
    """Money outside the rules: a reason, signed pence, who asked and who agreed.

    A hand-made adjustment needs a second person's approval; a correction the rules work
    out (`by` is the rules) is approved with the run it is in."""

    key: str
    package_id: int
    reason: str
    pence: int
    by: str
    approved_by: str | None = None


RULES_AUTHOR = "the payment rules"

RulesFor = Callable[[int, date], PaymentRules]
"""The rules a package is paid by on a day: its contract's, as they stood that day."""


@dataclass(frozen=True)
class ExtraLine:
    """An enhancement or grant on a run line, totalled over its visits, with its fund."""

    name: str
    funding_source: str
    passed_to_staff: bool
    minutes: int
    pence: int


@dataclass(frozen=True)
class RunLine:
    """One package's ISO week."""

    package_id: int
    iso_week: str
    visit_ids: tuple[int, ...]
    planned_minutes: int
    actual_minutes: int
    payable_minutes: int
    care_pence: int
    extras: tuple[ExtraLine, ...]
    hospital_days: int
    hospital_pence: int
    decided_by: tuple[str, ...]

    @property
    def pence(self) -> int:
        return self.care_pence + self.hospital_pence + sum(e.pence for e in self.extras)


@dataclass(frozen=True)
class Run:
    period: Period
    provider: str
    lines: tuple[RunLine, ...]
    adjustments: tuple[Adjustment, ...]
    exceptions: tuple[PaymentException, ...]
    total_pence: int
    settled: tuple[tuple[str, int], ...]
    """Each key this run settles, with the pence it makes the key's total (sorted)."""
    approved_by: str | None = field(default=None)

    def totals_by_funding(self) -> dict[str, int]:
        """Pence by who pays: the contract rate, each enhancement's fund, adjustments."""
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[CONTRACT_FUNDING] += line.care_pence
            totals[HOSPITAL_FUNDING] += line.hospital_pence
            for extra in line.extras:
                totals[extra.funding_source] += extra.pence
        for adjustment in self.adjustments:
            totals[ADJUSTMENT_FUNDING] += adjustment.pence
        return {k: v for k, v in sorted(totals.items()) if v or k == CONTRACT_FUNDING}


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def paid_so_far(*runs: Run) -> dict[str, int]:
    """What approved runs have paid against each key, later runs over earlier ones."""
    paid: dict[str, int] = {}
    for run in runs:
        if run.approved_by is None:
            raise Conflict("only an approved run has paid anything: approve it first")
        paid.update(run.settled)
    return paid


def draft_run(
    period: Period,
    provider: str,
    visits: Iterable[VisitToPay],
    rules: PaymentRules | RulesFor,
    *,
    enhancements: Iterable[Enhancement] = (),
    already_paid: Mapping[str, int] | None = None,
    adjustments: Iterable[Adjustment] = (),
    hospital_days: Iterable[HospitalDay] = (),
    envelopes: Mapping[tuple[int, str], int] | None = None,
) -> Run:
    """Draft a run for visits up to the period's end not yet paid; a visit before the
    period that was still open when its own run was drafted is paid now. `rules` is one
    contract's, or the rules of each package and day where a provider holds several.
    `envelopes` gives, for a package on an envelope of time and an ISO week, the minutes it
    may be paid: the week's share of the envelope and the banked hours drawn that week."""
    rules_for = rules if callable(rules) else (lambda _package, _day, one=rules: one)
    paid_before = dict(already_paid or {})
    enhancements = tuple(enhancements)
    paid: list[PaidVisit] = []
    held: list[PaymentException] = []
    made: list[Adjustment] = []
    settled: dict[str, int] = {}
    ordered = sorted(visits, key=lambda v: v.visit_id)
    if len({v.visit_id for v in ordered}) != len(ordered):
        raise InvalidInput("a visit is given twice: each visit is paid once", field="visits")
    for visit in ordered:
        if visit.day > period.ends_on:
            continue
        result = pay_visit(visit, rules_for(visit.package_id, visit.day), enhancements)
        if isinstance(result, PaymentException):
            held.append(result)
        elif result.key not in paid_before:
            paid.append(result)
            settled[result.key] = result.total_pence
        elif (difference := result.total_pence - paid_before[result.key]) != 0:
            made.append(_correction(result, paid_before[result.key], difference))
            settled[result.key] = result.total_pence
    stays = sorted(
        {d for d in hospital_days if d.day <= period.ends_on and d.key not in paid_before},
        key=lambda d: (d.package_id, d.day),
    )
    for stay in stays:
        settled[stay.key] = rules_for(stay.package_id, stay.day).hospital_day_pence
    for adjustment in _checked(adjustments, paid_before):
        made.append(adjustment)
        settled[adjustment.key] = adjustment.pence
    rates = {v.visit_id: v.hourly_rate_pence for v in ordered}
    lines = _lines(paid, stays, rules_for)
    lines = _within_envelopes(lines, envelopes or {}, rules_for, rates, paid_before, settled)
    made.sort(key=lambda a: a.key)
    held.sort(key=lambda e: (e.day, e.visit_id))
    total = sum(line.pence for line in lines) + sum(a.pence for a in made)
    return Run(
        period=period,
        provider=provider,
        lines=lines,
        adjustments=tuple(made),
        exceptions=tuple(held),
        total_pence=total,
        settled=tuple(sorted(settled.items())),
    )


def _correction(visit: PaidVisit, before: int, difference: int) -> Adjustment:
    now = visit.total_pence
    return Adjustment(
        key=f"correction:{visit.visit_id}:{before}->{now}",
        package_id=visit.package_id,
        reason=(
            f"Correction to visit {visit.visit_id} on {visit.day:%A %-d %B %Y}: paid "
            f"{money(before)} in an approved run, payable now {money(now)} ({visit.decided_by})"
        ),
        pence=difference,
        by=RULES_AUTHOR,
    )


def _checked(adjustments: Iterable[Adjustment], paid_before: Mapping[str, int]) -> list[Adjustment]:
    """Hand-made adjustments, each approved by a second person and paid once."""
    kept: list[Adjustment] = []
    for adjustment in adjustments:
        if adjustment.key in paid_before or adjustment.key in {a.key for a in kept}:
            continue
        if adjustment.by == RULES_AUTHOR:
            raise InvalidInput("only the rules make corrections; name who asks", field="by")
        if not adjustment.reason.strip():
            raise InvalidInput("an adjustment needs its reason", field="reason")
        if adjustment.approved_by is None:
            raise InvalidInput(
                f"the adjustment of {money(adjustment.pence)} needs a second person's approval",
                field="approved_by",
            )
        if adjustment.approved_by == adjustment.by:
            raise Forbidden(
                f"{adjustment.by} asked for the adjustment of {money(adjustment.pence)}, so"
                " a second person must approve it"
            )
        kept.append(adjustment)
    return kept


def _lines(
    paid: list[PaidVisit], stays: list[HospitalDay], rules_for: RulesFor
) -> tuple[RunLine, ...]:
    visits: dict[tuple[int, str], list[PaidVisit]] = defaultdict(list)
    days: dict[tuple[int, str], int] = defaultdict(int)
    day_pence: dict[tuple[int, str], int] = defaultdict(int)
    for visit in paid:
        visits[(visit.package_id, iso_week(visit.day))].append(visit)
    for stay in stays:
        days[(stay.package_id, iso_week(stay.day))] += 1
        day_pence[(stay.package_id, iso_week(stay.day))] += rules_for(
            stay.package_id, stay.day
        ).hospital_day_pence
    lines = []
    for key in sorted(set(visits) | set(days)):
        group = visits.get(key, [])
        lines.append(
            RunLine(
                package_id=key[0],
                iso_week=key[1],
                visit_ids=tuple(v.visit_id for v in group),
                planned_minutes=sum(v.planned_minutes for v in group),
                actual_minutes=sum(v.actual_minutes for v in group),
                payable_minutes=sum(v.payable_minutes for v in group),
                care_pence=sum(v.pence for v in group),
                extras=_extras(line for v in group for line in v.enhancements),
                hospital_days=days.get(key, 0),
                hospital_pence=day_pence.get(key, 0),
                decided_by=tuple(sorted({v.rule for v in group})),
            )
        )
    return tuple(lines)


def _extras(lines: Iterable[EnhancementLine]) -> tuple[ExtraLine, ...]:
    totals: dict[tuple[str, str, bool], list[int]] = {}
    for line in lines:
        sums = totals.setdefault((line.name, line.funding_source, line.passed_to_staff), [0, 0])
        sums[0] += line.minutes
        sums[1] += line.pence
    return tuple(
        ExtraLine(name, source, staff, minutes, pence)
        for (name, source, staff), (minutes, pence) in sorted(totals.items())
    )


def approve(run: Run, approver: str, drafted_by: str) -> Run:
    """The approved run: the same value with its approver; the drafter cannot approve."""
    if run.approved_by is not None:
        raise Conflict(f"this run was already approved by {run.approved_by}")
    if not approver.strip():
        raise InvalidInput("say who approves the run", field="approver")
    if approver == drafted_by:
        raise Forbidden(f"{drafted_by} drafted this run, so a second person must approve it")
    return replace(run, approved_by=approver)


def _within_envelopes(
    lines: tuple[RunLine, ...],
    envelopes: Mapping[tuple[int, str], int],
    rules_for: RulesFor,
    rates: Mapping[int, int],
    paid_before: Mapping[str, int],
    settled: dict[str, int],
) -> tuple[RunLine, ...]:
    """A week of a package on an envelope of time is paid delivered minutes up to what the
    envelope allows that week (or the whole envelope, where the contract pays it whole), at
    the rate of the week's last visit, as its own line on the week's run line.

    The week is settled once, by the run that first pays it: a visit of that week paid in a
    later run (one still open at the time) or a later correction is paid as a visit."""
    kept: list[RunLine] = []
    for line in lines:
        allowed = envelopes.get((line.package_id, line.iso_week))
        key = f"envelope:{line.package_id}:{line.iso_week}"
        if allowed is None or not line.visit_ids or key in paid_before:
            kept.append(line)
            continue
        sunday = date.fromisocalendar(*_year_week(line.iso_week), 7)
        whole = rules_for(line.package_id, sunday).pay_envelopes_on is EnvelopeBasis.WHOLE_ENVELOPE
        gap = allowed - line.payable_minutes
        if gap == 0 or (gap > 0 and not whole):
            kept.append(line)
            continue
        pence = pence_for(abs(gap), rates[max(line.visit_ids)]) * (1 if gap > 0 else -1)
        extra = ExtraLine(ENVELOPE_WHOLE if gap > 0 else ENVELOPE_OVER, CONTRACT_FUNDING,
                          False, gap, pence)  # fmt: skip
        settled[key] = pence
        kept.append(replace(line, extras=(*line.extras, extra)))
    return tuple(kept)


def _year_week(label: str) -> tuple[int, int]:
    year, week = label.split("-W")
    return int(year), int(week)
