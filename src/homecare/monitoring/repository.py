"""What a council watches, read through the same `readable_*` statements as the API: the
cases behind a missed KPI, each KPI's trend, money committed and delivered, and who serves
and who is cared for in each zone. Another council's providers, zones or money never appear.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.as_at import as_at_for
from homecare.config import Settings
from homecare.delivery.repository import readable_visits
from homecare.delivery.tables import Visit
from homecare.geo.outline import convex_hull
from homecare.geo.tables import PostcodePoint
from homecare.market.rates import rate_book
from homecare.market.repository import Places, places, zones
from homecare.monitoring.definitions import KPI_BY_NUMBER
from homecare.monitoring.periods import Period, periods_before
from homecare.monitoring.service import compute_frames, resolve_scope, timings_of
from homecare.packages.repository import readable_active_packages
from homecare.packages.tables import Package

TREND_PERIODS = 6
"""How many 4-week periods the trend shows, ending with the one chosen."""


# --- KPIs: the cases behind a miss, and the trend -------------------------------------------


@dataclass(frozen=True)
class Miss:
    """One case behind a missed KPI, with where to follow it up."""

    text: str
    href: str | None


def kpi_misses(session: Session, actor: Actor, kind: str, ids: list[int]) -> list[Miss]:
    """Links for referral and package cases; a visit names its day and its package."""
    if kind == "referral":
        return [Miss(f"Referral {i}", f"/app/referrals/{i}") for i in ids]
    if kind == "package":
        return [Miss(f"Package {i}", f"/app/packages/{i}") for i in ids]
    visits = session.scalars(readable_visits(actor).where(Visit.id.in_(ids)).order_by(Visit.day))
    return [
        Miss(
            f"Visit {v.id} on {v.day:%d/%m/%Y}, package {v.package_id}",
            f"/app/packages/{v.package_id}",
        )
        for v in visits
    ]


@dataclass(frozen=True)
class TrendPoint:
    kpi: int
    name: str
    period: str
    value_pct: float | None
    target_pct: float
    rag: str | None


def kpi_trend(
    session: Session,
    actor: Actor,
    *,
    last: Period,
    provider_id: int | None,
    lot: int | None,
    now: datetime,
    settings: Settings,
    as_at_now: bool = False,
) -> list[TrendPoint]:
    """Each KPI's value over the periods up to `last`, for the chosen provider and lot,
    each period as at its own settled end (or all as at now, when asked)."""
    scope = resolve_scope(session, actor, provider_id)
    periods = periods_before(last, TREND_PERIODS)
    as_ofs = {
        p.label: as_at_for(p, now, settings.settle_hours, choose_now=as_at_now).moment
        for p in periods
    }
    _, frame = compute_frames(
        session,
        scope=scope,
        periods=periods,
        as_of=now,
        timings=timings_of(settings),
        measures=[],
        as_ofs=as_ofs,
    )
    chosen = _same(pl.col("provider_id"), provider_id) & _same(pl.col("lot"), lot)
    return [
        TrendPoint(
            kpi=r["kpi"],
            name=KPI_BY_NUMBER[r["kpi"]].name,
            period=r["period"],
            value_pct=r["value_pct"],
            target_pct=r["target_pct"],
            rag=r["rag"],
        )
        for r in frame.filter(chosen).sort("kpi", "period").iter_rows(named=True)
    ]


def _same(column: pl.Expr, value: int | None) -> pl.Expr:
    return column.is_null() if value is None else column == value


# --- money: committed weekly and delivered in a period --------------------------------------


@dataclass
class Spend:
    """Money in pence, with the hours it buys."""

    pence: Decimal = Decimal(0)
    minutes: int = 0
    people: set[int] = field(default_factory=set)

    def add(self, minutes: int, rate_pence: int, person_id: int) -> None:
        self.minutes += minutes
        self.pence += Decimal(minutes) * rate_pence / 60
        self.people.add(person_id)

    @property
    def pounds(self) -> Decimal:
        return self.pence / 100

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60


@dataclass
class SpendTable:
    """One kind of spend split by provider, lot and zone, with the total."""

    by_provider: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    by_lot: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    by_zone: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    total: Spend = field(default_factory=Spend)

    def add(self, where: tuple[str, str, str], minutes: int, rate: int, person: int) -> None:
        provider, lot, zone = where
        for part in (self.by_provider[provider], self.by_lot[lot], self.by_zone[zone], self.total):
            part.add(minutes, rate, person)

    def sorted(self) -> dict[str, list[tuple[str, Spend]]]:
        return {
            "provider": sorted(self.by_provider.items()),
            "lot": sorted(self.by_lot.items()),
            "zone": sorted(self.by_zone.items()),
        }


def committed_spend(session: Session, actor: Actor, where: Places, today: date) -> SpendTable:
    """Each active package's weekly hours at the rate in force for it, which its
    contract's rate changes set on the day they take effect."""
    table = SpendTable()
    for package in session.scalars(readable_active_packages(actor, today)):
        contract = where.contracts.get(package.contract_id)
        if contract is None:
            continue
        table.add(
            where.of(contract.id),
            package.weekly_minutes,
            package.hourly_rate_pence,
            package.person_id,
        )
    return table


def delivered_spend(session: Session, actor: Actor, where: Places, period: Period) -> SpendTable:
    """Carer minutes delivered on the period's visits at the contract's rate on each
    visit's day: a rate change never reprices care already given."""
    stmt = (
        readable_visits(actor)
        .join(Package, Package.id == Visit.package_id)
        .where(
            Visit.day >= period.start,
            Visit.day <= period.end,
            Visit.delivered_minutes.is_not(None),
        )
        .with_only_columns(Package.contract_id, Visit.day, Visit.delivered_minutes, Visit.person_id)
    )
    table = SpendTable()
    rates = rate_book(session, where.contracts)
    for contract_id, day, minutes, person_id in session.execute(stmt):
        if contract_id in where.contracts and minutes:
            table.add(where.of(contract_id), minutes, rates.rate(contract_id, day), person_id)
    return table


@dataclass(frozen=True)
class WeeklyHours:
    """One week's carer hours three ways, each named for what it counts.

    - commissioned: the weekly hours of the packages active on the week's last day;
    - scheduled: the visits generated for the week (planned minutes × carers), whatever
      became of them;
    - delivered: the minutes call monitoring recorded on the week's visits.
    """

    week: Period
    commissioned: Decimal
    scheduled: Decimal
    delivered: Decimal
    cancelled_or_suspended: Decimal
    """Scheduled hours the person cancelled or a hospital stay suspended."""


def weekly_hours(session: Session, actor: Actor, week: Period) -> WeeklyHours:
    """Commissioned, scheduled and delivered hours for one week, as the actor may read."""
    commissioned = sum(
        p.weekly_minutes for p in session.scalars(readable_active_packages(actor, week.end))
    )
    stmt = (
        readable_visits(actor)
        .where(Visit.day >= week.start, Visit.day <= week.end)
        .with_only_columns(
            Visit.planned_minutes, Visit.carers, Visit.status, Visit.delivered_minutes
        )
    )
    scheduled = delivered = set_aside = 0
    for planned, carers, status, done in session.execute(stmt):
        scheduled += planned * carers
        delivered += done or 0
        if status in ("cancelled_by_person", "hospital"):
            set_aside += planned * carers
    return WeeklyHours(
        week=week,
        commissioned=Decimal(commissioned) / 60,
        scheduled=Decimal(scheduled) / 60,
        delivered=Decimal(delivered) / 60,
        cancelled_or_suspended=Decimal(set_aside) / 60,
    )


# --- zones: who serves each, who is cared for there, and its outline ------------------------


@dataclass(frozen=True)
class ZoneSummary:
    id: int
    name: str
    city_wide: bool
    lsoas: list[str]
    primary: list[str]
    framework: list[str]
    people: int
    weekly_hours: Decimal
    outline: list[tuple[float, float]]
    """(longitude, latitude) corners of the convex hull of its postcodes, closed."""


def zone_summaries(session: Session, actor: Actor, today: date) -> list[ZoneSummary]:
    """Each zone the actor may read, by name, with its providers and the care delivered in it."""
    where = places(session, actor)
    roles: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for held in where.contracts.values():
        roles[held.zone_id][held.role].add(where.providers[held.provider_id])
    people: dict[int, set[int]] = defaultdict(set)
    minutes: dict[int, int] = defaultdict(int)
    for package in session.scalars(readable_active_packages(actor, today)):
        contract = where.contracts.get(package.contract_id)
        if contract is not None:
            people[contract.zone_id].add(package.person_id)
            minutes[contract.zone_id] += package.weekly_minutes
    return [
        ZoneSummary(
            id=zone.id,
            name=zone.name,
            city_wide=zone.city_wide,
            lsoas=zone.lsoa_codes,
            primary=sorted(roles[zone.id]["primary"]),
            framework=sorted(roles[zone.id]["framework"] - roles[zone.id]["primary"]),
            people=len(people[zone.id]),
            weekly_hours=Decimal(minutes[zone.id]) / 60,
            outline=convex_hull(_postcode_points(session, zone.lsoa_codes)),
        )
        for zone in zones(session, actor)
    ]


def _postcode_points(session: Session, lsoa_codes: list[str]) -> list[tuple[float, float]]:
    stmt = select(PostcodePoint.longitude, PostcodePoint.latitude).where(
        PostcodePoint.lsoa_code.in_(lsoa_codes)
    )
    return [(round(x, 6), round(y, 6)) for x, y in session.execute(stmt)]
