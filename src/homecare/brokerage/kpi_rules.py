"""KPIs 1-4 of the contract (000 Appendix 2), computed from brokerage timestamps alone.

1. Referrals converting to service starts, all providers combined: 95%.
2. Standard referrals with a start date agreed within one working day: 80%.
3. Standard referrals starting services within 72 hours: 80%.
4. Priority referrals starting services within 48 hours: 98%.
KPIs 2 and 3 leave out referrals with an authorised delay, as the contract's
limitations say. A referral whose deadline has not yet passed and which has not yet
met it is pending: it counts neither way until the deadline passes. Withdrawn referrals
(the person chose a direct payment, or no longer needs care) count for none of them.

A referral every provider turned down (or that had no provider to offer it to) is a miss
for KPI 1 from the moment its first round of offers ended, and stays one: a broker's new
round is a new attempt for the same referral, not a new referral, so it neither restarts
the clock nor takes the miss off the record, whatever the new round brings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from homecare.calendar import LONDON, local_date, working_deadline

UNPLACED = "unplaced"


@dataclass(frozen=True)
class ReferralFacts:
    referral_id: int
    referred_at: datetime
    priority: bool
    authorised_delay: bool
    lot: str
    status: str
    """The referral's status now: awaiting_offer, offered, exhausted, placed or withdrawn."""
    agreed_at: datetime | None = None
    """When a provider accepted with an agreed start date."""
    start_on: date | None = None
    provider: str | None = None
    exhausted_at: datetime | None = None
    """When its first round of offers ended with no provider taking it (`exhausted_at`)."""

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"


@dataclass(frozen=True)
class KpiDefinition:
    number: int
    name: str
    target_pct: float
    split_by_provider: bool


KPI_DEFINITIONS = (
    KpiDefinition(1, "Referrals converting to service starts", 95.0, False),
    KpiDefinition(2, "Start date agreed within one working day", 80.0, True),
    KpiDefinition(3, "Standard referrals starting within 72 hours", 80.0, True),
    KpiDefinition(4, "Priority referrals starting within 48 hours", 98.0, True),
)


@dataclass
class KpiResult:
    number: int
    name: str
    target_pct: float
    met_count: int = 0
    eligible_count: int = 0
    missed_referral_ids: list[int] = field(default_factory=list)

    @property
    def value_pct(self) -> float | None:
        if self.eligible_count == 0:
            return None
        return round(100.0 * self.met_count / self.eligible_count, 1)

    @property
    def met(self) -> bool | None:
        value = self.value_pct
        return None if value is None else value >= self.target_pct


Outcome = bool | None
"""True: met; False: missed; None: not counted (out of scope or still pending)."""


def _start_by(deadline: datetime) -> date:
    """The last start date that is within a deadline counted in hours."""
    return deadline.astimezone(LONDON).date()


ROUND_ENDED = ("exhausted", "awaiting_offer")
"""A referral in these states has no provider holding it: its round is over."""


def exhausted_at(
    referred_at: datetime,
    status: str,
    cascade_round: int,
    first_round_answers: Iterable[datetime],
) -> datetime | None:
    """When the first round of offers ended with no provider taking the referral.

    A later round exists only after the first ended so (`recascade`), as does a referral
    whose round is over now. The round ended at its last answer or lapse; with no offers
    at all (no provider to ask), at the referral itself. None while it never ended so.
    """
    if cascade_round <= 1 and status not in ROUND_ENDED:
        return None
    return max(first_round_answers, default=referred_at)


def _conversion(f: ReferralFacts, as_of: datetime) -> Outcome:
    """Started: met. Placed to start later, or still with a provider: pending. Turned
    down by every provider, or never offered: missed, and a new round keeps the miss."""
    if f.withdrawn:
        return None
    if f.exhausted_at is not None and f.exhausted_at <= as_of:
        return False
    if f.start_on is not None:
        return True if f.start_on <= local_date(as_of) else None
    if f.exhausted_at is not None:
        return None
    return None if f.status == "offered" else False


def _agreed_in_a_working_day(f: ReferralFacts, as_of: datetime) -> Outcome:
    if f.priority or f.authorised_delay or f.withdrawn:
        return None
    deadline = working_deadline(f.referred_at, 1)
    if f.agreed_at is not None and f.agreed_at <= deadline:
        return True
    return False if as_of >= deadline else None


def _started_within(hours: int, *, priority: bool) -> Callable[[ReferralFacts, datetime], Outcome]:
    def outcome(f: ReferralFacts, as_of: datetime) -> Outcome:
        if f.priority is not priority or f.withdrawn:
            return None
        if not priority and f.authorised_delay:
            return None
        last_start = _start_by(f.referred_at + timedelta(hours=hours))
        if f.start_on is not None and f.start_on <= last_start:
            return True
        return False if local_date(as_of) > last_start else None

    return outcome


RULES: dict[int, Callable[[ReferralFacts, datetime], Outcome]] = {
    1: _conversion,
    2: _agreed_in_a_working_day,
    3: _started_within(72, priority=False),
    4: _started_within(48, priority=True),
}


def compute_kpis(
    facts: Iterable[ReferralFacts],
    as_of: datetime,
    group: Callable[[ReferralFacts], str] | None = None,
) -> dict[str, list[KpiResult]]:
    """KPIs 1-4 for every group (all referrals under 'all' when no grouping is given)."""
    results: dict[str, dict[int, KpiResult]] = {}
    if group is None:
        results["all"] = {
            d.number: KpiResult(d.number, d.name, d.target_pct) for d in KPI_DEFINITIONS
        }
    for f in facts:
        key = group(f) if group else "all"
        per_kpi = results.setdefault(
            key, {d.number: KpiResult(d.number, d.name, d.target_pct) for d in KPI_DEFINITIONS}
        )
        for number, rule in RULES.items():
            outcome = rule(f, as_of)
            if outcome is None:
                continue
            result = per_kpi[number]
            result.eligible_count += 1
            if outcome:
                result.met_count += 1
            else:
                result.missed_referral_ids.append(f.referral_id)
    return {k: list(v.values()) for k, v in sorted(results.items())}


def by_provider(f: ReferralFacts) -> str:
    return f.provider or UNPLACED


def by_lot(f: ReferralFacts) -> str:
    return f.lot
