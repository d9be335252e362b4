"""What a provider is paid for a visit, by its contract's payment rules held as data.

Order of the working for a visit that was delivered: the basis gives each carer's minutes
(planned, actual, or actual within a tolerance of planned); a second carer on a 15-minute
contract is paid 15 minutes flat; each carer's minutes are rounded to the billing unit;
then the minimum a call is applied. Shares (a not-at-home, a short-notice cancellation)
are a share of the planned minutes, rounded half up to the whole minute.

Rounding of money happens once for each line: pence = minutes × hourly pence ÷ 60, half up
to the penny. Every line's pence is therefore its minutes at its hourly rate, and a run's
totals are sums of whole pence that add up exactly.

A visit without call-monitoring evidence, or whose evidence cannot be right, is never paid
on a guess: it goes to the exceptions list for someone to look at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from homecare.calendar import bank_holiday_name, local_date
from homecare.delivery.outcomes import DELIVERED, OPEN, VisitStatus
from homecare.errors import InvalidInput
from homecare.money.enhancements import (
    Enhancement,
    EnhancementLine,
    Place,
    apply_enhancements,
    to_pence,
)
from homecare.money.payment_terms import (
    UNIT_WORDS,
    Basis,
    CommunityHours,
    EnvelopeBasis,
    Rounding,
    SecondCarer,
    money,
    unit_words,
)

MINUTES_PER_HOUR = 60
SECOND_CARER_FLAT_MINUTES = 15
"""001 Key Features: "15 minutes for the second carer is paid e.g. hoisting"."""


@dataclass(frozen=True)
class PaymentRules:
    """One contract's payment rules. The tolerance is in minutes, not a percentage: a phone
    clock or a doorstep is off by minutes whatever the visit's length."""

    basis: Basis
    billing_unit_minutes: int
    rounding: Rounding
    second_carer: SecondCarer
    minimum_minutes: int
    tolerance_minutes: int = 0
    """Actual minutes this close under planned are paid as planned (within-tolerance basis)."""
    wildly_off_percent: int = 200
    """Actual minutes beyond this share of planned go to exceptions, not into payment."""
    short_notice_hours: int = 24
    short_notice_paid_percent: int = 100
    not_at_home_paid_percent: int = 100
    hospital_day_pence: int = 0
    community_hours: CommunityHours = CommunityHours.AS_VISITS
    pay_envelopes_on: EnvelopeBasis = EnvelopeBasis.DELIVERED_WITHIN

    def __post_init__(self) -> None:
        if self.billing_unit_minutes not in UNIT_WORDS:
            raise InvalidInput(
                "the billing unit must be a minute, a quarter hour, a half hour or an hour",
                field="billing_unit_minutes",
            )
        for name in ("short_notice_paid_percent", "not_at_home_paid_percent"):
            if not 0 <= getattr(self, name) <= 100:
                raise InvalidInput("a share paid is from 0% to 100%", field=name)
        for name in ("minimum_minutes", "tolerance_minutes", "short_notice_hours"):
            if not 0 <= getattr(self, name) <= 24 * MINUTES_PER_HOUR:
                raise InvalidInput("minutes and hours here are from 0 to a day", field=name)
        if self.hospital_day_pence < 0:
            raise InvalidInput("a hospital day cannot be paid less than £0.00")
        if self.wildly_off_percent <= 100:
            raise InvalidInput("the exceptions line must be above 100% of planned")

    def describe(self) -> str:
        """The rules in plain words, as a contract schedule would put them, built from the
        data so the words never say what the sums do not do."""
        return _describe(self)

    @classmethod
    def leicester_framework(cls) -> PaymentRules:
        """Leicester's framework. From the seeds (001): bought by the half hour ("hourly or
        half hourly"), a second carer paid 15 minutes, at least 30 minutes paid a call
        (Appendix 2), paid from electronic call monitoring. Assumed: actual within 5 minutes
        of planned, rounded up, 24 hours' notice of a cancellation or it is paid in full, a
        not-at-home paid in full, no retainer in hospital, community hours as visits."""
        return cls(
            basis=Basis.ACTUAL_WITHIN_TOLERANCE,
            tolerance_minutes=5,
            billing_unit_minutes=30,
            rounding=Rounding.UP,
            second_carer=SecondCarer.FIFTEEN_MINUTES,
            minimum_minutes=30,
        )

    @classmethod
    def leeds_pilot(cls) -> PaymentRules:
        """Leeds's neighbourhood pilot (its £26.22 rate is the contract's, in the rate
        book). From the seeds (000 §27): visits shorter than 30 minutes allowed when the
        person asks, so no minimum; delivery hours closely monitored, so actual minutes.
        Inferred: hours "free" while a person is in hospital (Appendix 2, measure 8) are not
        paid. Assumed: by the minute, a second carer in full, 24 hours' notice, a
        not-at-home paid in full, community hours on planned minutes."""
        return cls(
            basis=Basis.ACTUAL,
            billing_unit_minutes=1,
            rounding=Rounding.NEAREST,
            second_carer=SecondCarer.IN_FULL,
            minimum_minutes=0,
            community_hours=CommunityHours.ON_PLANNED,
        )


@dataclass(frozen=True)
class VisitToPay:
    """A visit as payment needs it. `actual_minutes` holds one entry for each carer who
    checked in and out; None where there is no call-monitoring evidence at all."""

    visit_id: int
    package_id: int
    day: date
    starts_at: datetime
    planned_minutes: int
    carers: int
    status: VisitStatus
    hourly_rate_pence: int
    """The contract's rate on the visit's day (the rate book's), never today's."""
    actual_minutes: tuple[int, ...] | None = None
    notice_minutes: int | None = None
    """Notice the person gave of a cancellation, in minutes, so 23½ hours is not a day."""
    bank_holiday: bool = False
    night: bool = False
    lsoa: str | None = None
    postcode: str | None = None
    community: bool = False

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None:
            raise InvalidInput("a visit's start needs its time zone", field="starts_at")
        if self.planned_minutes <= 0 or self.carers < 1:
            raise InvalidInput("a visit plans some minutes for at least one carer")

    @property
    def key(self) -> str:
        return f"visit:{self.visit_id}"

    def place(self) -> Place:
        return Place(self.day, self.starts_at, self.lsoa, self.postcode, self.bank_holiday,
                     self.night)  # fmt: skip


def on_bank_holiday(starts_at: datetime) -> bool:
    """Whether a visit starting then falls on an English bank holiday, London time."""
    return bank_holiday_name(local_date(starts_at)) is not None


@dataclass(frozen=True)
class PaidVisit:
    """What a visit is paid: its minutes, its pence, and the rule that decided, in words."""

    visit_id: int
    package_id: int
    day: date
    planned_minutes: int
    actual_minutes: int
    carer_minutes: tuple[int, ...]
    payable_minutes: int
    pence: int
    rule: str
    decided_by: str
    enhancements: tuple[EnhancementLine, ...] = ()

    @property
    def key(self) -> str:
        return f"visit:{self.visit_id}"

    @property
    def total_pence(self) -> int:
        return self.pence + sum(line.pence for line in self.enhancements)


class ExceptionReason(StrEnum):
    NO_EVIDENCE = "no_evidence"
    WILDLY_OFF = "wildly_off"
    TOO_MANY_CARERS = "too_many_carers"
    STILL_OPEN = "still_open"
    NO_NOTICE_RECORDED = "no_notice_recorded"
    NO_RATE = "no_rate"


@dataclass(frozen=True)
class PaymentException:
    """A visit held back from payment until someone looks at it, and why."""

    visit_id: int
    package_id: int
    day: date
    reason: ExceptionReason
    message: str

    @property
    def key(self) -> str:
        return f"visit:{self.visit_id}"


def round_minutes(minutes: int, unit: int, rounding: Rounding) -> int:
    """Minutes to whole billing units: 38 → 45 up, 30 down, 45 nearest (quarter hours)."""
    if rounding is Rounding.UP:
        return -(-minutes // unit) * unit
    if rounding is Rounding.DOWN:
        return minutes // unit * unit
    return (2 * minutes + unit) // (2 * unit) * unit


def pence_for(minutes: int, hourly_rate_pence: int) -> int:
    """Minutes at an hourly rate, half up to the penny, once: 45 × 2622 ÷ 60 = 1966.5 → 1967."""
    return to_pence(Decimal(minutes * hourly_rate_pence) / MINUTES_PER_HOUR)


def share_minutes(minutes: int, percent: int) -> int:
    """A percentage of minutes, half up to the whole minute: 50% of 45 = 22.5 → 23."""
    return to_pence(Decimal(minutes * percent) / 100)


def pay_visit(
    visit: VisitToPay, rules: PaymentRules, enhancements: Iterable[Enhancement] = ()
) -> PaidVisit | PaymentException:
    """Pay one visit by the contract's rules, or hold it back as an exception."""
    held = _exception(visit, rules)
    if held is not None:
        return held
    if visit.status in DELIVERED:
        carer_minutes, rule, words = _delivered(visit, rules)
    else:
        carer_minutes, rule, words = _undelivered(visit, rules)
    payable = sum(carer_minutes)
    pence = pence_for(payable, visit.hourly_rate_pence)
    rate = money(visit.hourly_rate_pence)
    decided = f"{words}; {payable} minutes × {rate} an hour = {money(pence)}"
    return PaidVisit(
        visit_id=visit.visit_id,
        package_id=visit.package_id,
        day=visit.day,
        planned_minutes=visit.planned_minutes * visit.carers,
        actual_minutes=sum(visit.actual_minutes or ()),
        carer_minutes=carer_minutes,
        payable_minutes=payable,
        pence=pence,
        rule=rule,
        decided_by=decided,
        enhancements=apply_enhancements(
            visit.place(), payable, visit.hourly_rate_pence, enhancements
        ),
    )


def _held(visit: VisitToPay, reason: ExceptionReason, message: str) -> PaymentException:
    return PaymentException(visit.visit_id, visit.package_id, visit.day, reason, message)


def _exception(visit: VisitToPay, rules: PaymentRules) -> PaymentException | None:
    if visit.hourly_rate_pence <= 0:
        return _held(visit, ExceptionReason.NO_RATE, "No contract rate for the visit's day")
    if visit.status is VisitStatus.IN_PROGRESS:
        return _held(
            visit, ExceptionReason.STILL_OPEN, "Checked in, but no check-out has been recorded"
        )
    if visit.status in OPEN:
        return _held(visit, ExceptionReason.STILL_OPEN, "The visit has not closed yet")
    if visit.status is VisitStatus.CANCELLED_BY_PERSON and visit.notice_minutes is None:
        return _held(
            visit,
            ExceptionReason.NO_NOTICE_RECORDED,
            "Cancelled by the person, but the notice they gave is not recorded",
        )
    paid_without_evidence = (
        visit.community and rules.community_hours is not CommunityHours.AS_VISITS
    )
    if visit.status not in DELIVERED or paid_without_evidence:
        return None
    actual = visit.actual_minutes
    if not actual:
        return _held(
            visit,
            ExceptionReason.NO_EVIDENCE,
            "No call-monitoring check-in and check-out for a visit marked delivered",
        )
    if len(actual) > visit.carers:
        return _held(
            visit,
            ExceptionReason.TOO_MANY_CARERS,
            f"{len(actual)} carers recorded at a visit planned for {visit.carers}",
        )
    most = visit.planned_minutes * rules.wildly_off_percent // 100
    if any(m <= 0 or m > most for m in actual):
        return _held(
            visit,
            ExceptionReason.WILDLY_OFF,
            f"Recorded minutes {', '.join(map(str, actual))} against "
            f"{visit.planned_minutes} planned: outside 1 to {most} minutes",
        )
    return None


def _planned_community(visit: VisitToPay, rules: PaymentRules) -> bool:
    return visit.community and rules.community_hours is CommunityHours.ON_PLANNED


def _basis_minutes(visit: VisitToPay, rules: PaymentRules, recorded: int) -> tuple[int, str]:
    planned = visit.planned_minutes
    if rules.basis is Basis.PLANNED or _planned_community(visit, rules):
        return planned, "planned"
    if rules.basis is Basis.ACTUAL:
        return recorded, "actual"
    if recorded > planned:
        return planned, f"planned (actual {recorded} is over planned, paid as planned)"
    if planned - recorded <= rules.tolerance_minutes:
        return planned, f"planned (actual {recorded} within {rules.tolerance_minutes} minutes)"
    return recorded, f"actual (more than {rules.tolerance_minutes} minutes under planned)"


def _carer(minutes: int, rules: PaymentRules) -> tuple[int, str]:
    """One carer's minutes rounded to the billing unit, then raised to the minimum."""
    unit = rules.billing_unit_minutes
    rounded = round_minutes(minutes, unit, rules.rounding)
    how = "to the nearest, half up," if rules.rounding is Rounding.NEAREST else rules.rounding.value
    words = f"{minutes} rounded {how} to {rounded} ({UNIT_WORDS[unit]})"
    if rounded == minutes:
        words = f"{minutes}"
    if rounded < rules.minimum_minutes:
        return (
            rules.minimum_minutes,
            f"{words}, raised to the {rules.minimum_minutes}-minute minimum",
        )
    return rounded, words


def _delivered(visit: VisitToPay, rules: PaymentRules) -> tuple[tuple[int, ...], str, str]:
    if visit.community and rules.community_hours is CommunityHours.NOT_PAID:
        return (0,), "Community hours are paid another way", "Community hours: not paid here"
    recorded = visit.actual_minutes or (visit.planned_minutes,)
    if _planned_community(visit, rules):
        recorded = (visit.planned_minutes,) * visit.carers
    paid: list[int] = []
    parts: list[str] = []
    for index, minutes in enumerate(recorded):
        if index > 0 and rules.second_carer is SecondCarer.FIFTEEN_MINUTES:
            paid.append(SECOND_CARER_FLAT_MINUTES)
            parts.append(f"second carer paid {SECOND_CARER_FLAT_MINUTES} minutes")
            continue
        base, basis_words = _basis_minutes(visit, rules, minutes)
        amount, words = _carer(base, rules)
        paid.append(amount)
        who = "" if len(recorded) == 1 else ("first carer " if index == 0 else "second carer ")
        parts.append(f"{who}paid on {basis_words} minutes, {words}")
    basis = "planned" if _planned_community(visit, rules) else rules.basis.value
    rule = f"Paid on {basis.replace('_', ' ')} minutes, {unit_words(rules)}"
    text = "; ".join(parts)
    return tuple(paid), rule, text[:1].upper() + text[1:]


def _undelivered(visit: VisitToPay, rules: PaymentRules) -> tuple[tuple[int, ...], str, str]:
    status, planned = visit.status, visit.planned_minutes
    if status is VisitStatus.NOT_AT_HOME:
        pct = rules.not_at_home_paid_percent
        minutes = share_minutes(planned, pct)
        return (
            (minutes,),
            "Not at home",
            f"Not at home: {pct}% of {planned} planned minutes = {minutes}",
        )
    if status is VisitStatus.CANCELLED_BY_PERSON:
        notice = visit.notice_minutes or 0
        need = rules.short_notice_hours * MINUTES_PER_HOUR
        if notice >= need:
            return (
                (0,),
                "Cancelled with enough notice",
                (
                    f"Cancelled by the person with {_hours(notice)} notice"
                    f" ({rules.short_notice_hours} hours needed): not paid"
                ),
            )
        pct = rules.short_notice_paid_percent
        minutes = share_minutes(planned, pct)
        return (
            (minutes,),
            "Cancelled at short notice",
            (
                f"Cancelled by the person with {_hours(notice)} notice, less than"
                f" {rules.short_notice_hours} hours: {pct}% of {planned} planned minutes"
                f" = {minutes}"
            ),
        )
    if status is VisitStatus.HOSPITAL:
        return (
            (0,),
            "In hospital",
            "The person was in hospital: the visit is not paid; the stay is paid by the day",
        )
    return (0,), "Missed", "Missed: not paid"


def _hours(minutes: int) -> str:
    whole, rest = divmod(minutes, MINUTES_PER_HOUR)
    return f"{whole} hours and {rest} minutes'" if rest else f"{whole} hours'"


def _describe(rules: PaymentRules) -> str:
    """ "Paid on actual minutes within 5 minutes of planned, in half hours rounded up, …"."""
    basis = {
        "planned": "Paid on planned minutes",
        "actual": "Paid on actual (call-monitoring) minutes",
        "actual_within_tolerance": (
            f"Paid on actual (call-monitoring) minutes, as planned when within "
            f"{rules.tolerance_minutes} minutes under planned and never above planned"
        ),
    }[rules.basis.value]
    unit = unit_words(rules)
    minimum = (
        f"at least {rules.minimum_minutes} minutes paid a call"
        if rules.minimum_minutes
        else "no minimum a call"
    )
    second = (
        "a second carer is paid 15 minutes"
        if rules.second_carer.value == "fifteen_minutes"
        else "a second carer is paid in full"
    )
    cancel = (
        f"a cancellation by the person with less than {rules.short_notice_hours} hours' notice"
        f" is paid at {rules.short_notice_paid_percent}% of planned, with more it is not paid"
    )
    away = f"a not-at-home is paid at {rules.not_at_home_paid_percent}% of planned"
    hospital = (
        f"each day in hospital is paid {money(rules.hospital_day_pence)}"
        if rules.hospital_day_pence
        else "a hospital stay is not paid"
    )
    community = {
        "as_visits": "community hours are paid like visits",
        "on_planned": "community hours are paid on planned minutes",
        "not_paid": "community hours are paid another way",
    }[rules.community_hours.value]
    envelope = (
        "an envelope is paid on minutes delivered within it, banked hours when drawn"
        if rules.pay_envelopes_on.value == "delivered_within"
        else "an envelope is paid whole, banked hours when drawn"
    )
    rest = "; ".join((minimum, second, cancel, away, hospital, community, envelope))
    return (
        f"{basis}, {unit}; {rest}. A visit without call-monitoring evidence is held as an"
        " exception, not paid."
    )
