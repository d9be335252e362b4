"""Every provider's payment run for a period at once, from Polars frames, equal to drafting
each provider's run with `payment_runs.draft_run` for packages not on envelopes of time
(the cap of an envelope is applied by `draft_run`'s per-provider path only, which the
pages, the API and the command line use).

Why it is fast: what a visit is paid depends only on a few of its attributes (planned
minutes, carers, status, each carer's recorded minutes, notice, hourly rate, community, the
rules in force and, when there are enhancements, which of them reach it). `price` calls the
pure `pay_visit` once for each distinct combination and joins the answer back to every
visit; `draft_period` then works out in Polars which visits are new, which are corrections
and which are held, and totals the lines per provider, package and ISO week.

What approved runs settled is kept as frames (`Paid`), so a year's periods are drafted in
sequence, each period's settlements feeding the next, with nothing paid twice. `run_of`
turns one provider's part into the exact `Run` that `draft_run` gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from homecare.delivery.outcomes import VisitStatus
from homecare.errors import InvalidInput
from homecare.money.enhancements import Enhancement, EnhancementLine, Place, applies
from homecare.money.payment_rules import (
    ExceptionReason,
    PaymentException,
    PaymentRules,
    VisitToPay,
    pay_visit,
)
from homecare.money.payment_runs import (
    RULES_AUTHOR,
    Adjustment,
    ExtraLine,
    Period,
    Run,
    RunLine,
    draft_run,
)
from homecare.money.payment_terms import money

INT = pl.Int64
VISITS: dict[str, Any] = {
    **dict.fromkeys(("provider_id", "visit_id", "package_id"), INT),
    "day": pl.Date,
    "starts_at": pl.Datetime("us", "UTC"),
    **dict.fromkeys(("planned_minutes", "carers"), INT),
    "status": pl.String,
    "hourly_rate_pence": INT,
    "actual_minutes": pl.List(INT),
    "notice_minutes": INT,
    **dict.fromkeys(("bank_holiday", "night"), pl.Boolean),
    **dict.fromkeys(("lsoa", "postcode"), pl.String),
    "community": pl.Boolean,
    "rules_id": INT,
}
"""A visit as `VisitToPay` holds it, with its provider and the index of its rules."""
HOSPITAL_DAYS: dict[str, Any] = {"provider_id": INT, "package_id": INT, "day": pl.Date,
                                 "rules_id": INT}  # fmt: skip
SIGNATURE = ("rules_id", "planned_minutes", "carers", "status", "hourly_rate_pence",
             "actual_minutes", "notice_minutes", "community", "mask")  # fmt: skip
"""All that decides a visit's payment, the enhancements reaching it as a bit mask."""
PLACE = ("day", "starts_at", "lsoa", "postcode", "bank_holiday", "night")
LINE_KEY = ("provider_id", "package_id", "week")
STATUS = pl.Enum([s.value for s in VisitStatus])
_ANY_DAY = date(2000, 1, 3)


def _frame(rows: Iterable[dict[str, Any]] | pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    if isinstance(rows, pl.DataFrame):
        return rows.select(pl.col(name).cast(kind) for name, kind in schema.items())
    return pl.DataFrame(list(rows), schema=schema)


@dataclass(frozen=True)
class Priced:
    """Every visit's payment, by signature: `visits` one row a visit, `table` one row a
    distinct signature (its words), `extras` the enhancement lines of each signature."""

    visits: pl.DataFrame
    table: pl.DataFrame
    extras: pl.DataFrame
    rules: tuple[PaymentRules, ...]
    rule_words: tuple[str, ...]


def _masks(visits: pl.DataFrame, enhancements: tuple[Enhancement, ...]) -> pl.DataFrame:
    """Each visit's enhancements as a bit mask, `applies` asked once a distinct place."""
    if not enhancements:
        return visits.with_columns(mask=pl.lit(0, INT))
    places = visits.select(PLACE).unique()
    masks = []
    for day, starts_at, lsoa, postcode, bank_holiday, night in places.iter_rows():
        place = Place(day, starts_at, lsoa, postcode, bank_holiday, night)
        masks.append(sum(1 << i for i, e in enumerate(enhancements) if applies(e, place)))
    places = places.with_columns(mask=pl.Series(masks, dtype=INT))
    return visits.join(places, on=PLACE, how="left", nulls_equal=True)


def _keyed(visits: pl.DataFrame) -> pl.DataFrame:
    """Each visit with its signature as one integer (`sig`), so finding the distinct ones
    and joining their payment back hash one column. Each attribute is coded by its offset
    from its least value (0 for none) and the codes packed by their ranges; when they do
    not fit in 62 bits, the distinct signatures are numbered instead."""
    widest = visits.select(pl.col("actual_minutes").list.len().max()).item() or 0
    recorded = pl.col("actual_minutes")
    parts = [pl.col(c) for c in SIGNATURE if c not in ("actual_minutes", "status")]
    parts += [pl.col("status").cast(STATUS).to_physical(), recorded.list.len()]
    parts += [recorded.list.get(i, null_on_oob=True) for i in range(widest)]
    coded = visits.select(part.cast(INT).alias(f"k{i}") for i, part in enumerate(parts))
    low = coded.min().row(0)
    high = coded.max().row(0)
    key, span = pl.lit(0, INT), 1
    for name, lo, hi in zip(coded.columns, low, high, strict=True):
        key = key + (pl.col(name) - (lo or 0) + 1).fill_null(0) * span
        span *= 1 if lo is None else hi - lo + 2
    if span < 1 << 62:
        return visits.with_columns(coded.select(key.alias("sig")))
    numbered = visits.select(SIGNATURE).unique().with_row_index("sig").cast({"sig": INT})
    return visits.join(numbered, on=list(SIGNATURE), nulls_equal=True)


def _distinct_ids(visits: pl.DataFrame) -> bool:
    ids = visits["visit_id"]
    if ids.is_sorted() and (ids.len() < 2 or bool((ids.diff().drop_nulls() > 0).all())):
        return True
    return not visits.select(pl.struct("provider_id", "visit_id").is_duplicated().any()).item()


def _week(day: pl.Expr) -> pl.Expr:
    """The ISO week as a number (202649), which sorts as its name ("2026-W49") does."""
    return (day.dt.iso_year().cast(INT) * 100 + day.dt.week().cast(INT)).alias("week")


def _week_name(week: pl.Expr) -> pl.Expr:
    return pl.format("{}-W{}", week // 100, (week % 100).cast(pl.String).str.zfill(2))


def price(
    visits: pl.DataFrame,
    rules: Sequence[PaymentRules],
    enhancements: Iterable[Enhancement] = (),
) -> Priced:
    """What each visit is paid (or why it is held), calling `pay_visit` once a signature."""
    enhancements = tuple(enhancements)
    visits = _keyed(_masks(_frame(visits, VISITS), enhancements))
    if not _distinct_ids(visits):
        raise InvalidInput("a visit is given twice: each visit is paid once", field="visits")
    places: dict[int, Place] = {}
    if enhancements:  # one place for each mask: every place with the same mask gets the same
        first = visits.group_by("mask").agg(pl.col(c).first() for c in PLACE)
        places = {r["mask"]: Place(*(r[c] for c in PLACE)) for r in first.iter_rows(named=True)}
    table = visits.select("sig", *SIGNATURE).unique("sig")
    rows: list[dict[str, Any]] = []
    extra_rows: list[dict[str, Any]] = []
    for row in table.iter_rows(named=True):
        place = places.get(row["mask"], Place(_ANY_DAY, datetime(2000, 1, 3, tzinfo=UTC)))
        visit = VisitToPay(
            visit_id=0,
            package_id=0,
            day=place.day,
            starts_at=place.starts_at,
            planned_minutes=row["planned_minutes"],
            carers=row["carers"],
            status=VisitStatus(row["status"]),
            hourly_rate_pence=row["hourly_rate_pence"],
            actual_minutes=None if row["actual_minutes"] is None else tuple(row["actual_minutes"]),
            notice_minutes=row["notice_minutes"],
            bank_holiday=place.bank_holiday,
            night=place.night,
            lsoa=place.lsoa,
            postcode=place.postcode,
            community=row["community"],
        )
        result = pay_visit(visit, rules[row["rules_id"]], enhancements)
        rows.append(_outcome(row["sig"], result))
        if not isinstance(result, PaymentException):
            extra_rows.extend(_extra_rows(row["sig"], result.enhancements))
    outcomes = pl.DataFrame(rows, schema=_OUTCOME)
    words = sorted({r["rule"] for r in rows if r.get("rule") is not None})
    outcomes = outcomes.with_columns(
        rule_id=pl.col("rule").replace_strict(
            words, range(len(words)), default=None, return_dtype=INT
        )
    )
    priced = visits.select("provider_id", "visit_id", "package_id", "day", "sig").join(
        outcomes.select("sig", "held", "payable", "pence", "total_pence", "actual_total",
                        "planned_total", "rule_id"),
        on="sig",
    )  # fmt: skip
    return Priced(
        visits=priced.with_columns(_week(pl.col("day"))),
        table=outcomes.select("sig", "reason", "message", "decided_by"),
        extras=pl.DataFrame(extra_rows, schema=_EXTRA),
        rules=tuple(rules),
        rule_words=tuple(words),
    )


_OUTCOME: dict[str, Any] = {
    "sig": INT,
    "held": pl.Boolean,
    **dict.fromkeys(("reason", "message"), pl.String),
    **dict.fromkeys(("payable", "pence", "total_pence", "actual_total", "planned_total"), INT),
    **dict.fromkeys(("rule", "decided_by"), pl.String),
}
_EXTRA: dict[str, Any] = {"sig": INT, "name": pl.String, "funding_source": pl.String,
                          "passed_to_staff": pl.Boolean, "minutes": INT, "pence": INT}  # fmt: skip


def _outcome(sig: int, result: Any) -> dict[str, Any]:
    if isinstance(result, PaymentException):
        return {"sig": sig, "held": True, "reason": result.reason.value, "message": result.message}
    return {
        "sig": sig,
        "held": False,
        "payable": result.payable_minutes,
        "pence": result.pence,
        "total_pence": result.total_pence,
        "actual_total": result.actual_minutes,
        "planned_total": result.planned_minutes,
        "rule": result.rule,
        "decided_by": result.decided_by,
    }


def _extra_rows(sig: int, lines: Iterable[EnhancementLine]) -> list[dict[str, Any]]:
    return [
        {"sig": sig, "name": e.name, "funding_source": e.funding_source,
         "passed_to_staff": e.passed_to_staff, "minutes": e.minutes, "pence": e.pence}
        for e in lines
    ]  # fmt: skip


PAID_VISITS: dict[str, Any] = {"provider_id": INT, "visit_id": INT, "pence": INT}
PAID_STAYS: dict[str, Any] = {"provider_id": INT, "package_id": INT, "day": pl.Date, "pence": INT}


@dataclass(frozen=True)
class Paid:
    """What approved runs settled against each key, by provider: visits and hospital days
    as frames (they are many), other keys (hand-made adjustments) as a mapping."""

    visits: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PAID_VISITS))
    stays: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PAID_STAYS))
    other: Mapping[int, Mapping[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, paid: Mapping[int, Mapping[str, int]]) -> Paid:
        """From each provider's `paid_so_far` mapping of keys to pence."""
        visits: list[tuple[int, int, int]] = []
        stays: list[tuple[int, int, date, int]] = []
        other: dict[int, dict[str, int]] = {}
        for provider, keys in paid.items():
            for key, pence in keys.items():
                kind, _, rest = key.partition(":")
                if kind == "visit" and rest.isdigit():
                    visits.append((provider, int(rest), pence))
                elif kind == "hospital":
                    package, _, day = rest.partition(":")
                    stays.append((provider, int(package), date.fromisoformat(day), pence))
                else:
                    other.setdefault(provider, {})[key] = pence
        return cls(
            pl.DataFrame(visits, schema=PAID_VISITS, orient="row"),
            pl.DataFrame(stays, schema=PAID_STAYS, orient="row"),
            other,
        )

    def then(self, later: Paid) -> Paid:
        """These settlements with a later run's over them, as `paid_so_far` takes them."""
        ids = later.visits["visit_id"]
        reach = pl.col("visit_id").is_between(ids.min(), ids.max()) if ids.len() else pl.lit(False)
        visits = pl.concat(
            [
                self.visits.filter(~reach),
                self.visits.filter(reach).join(
                    later.visits, on=["provider_id", "visit_id"], how="anti"
                ),
            ],
            rechunk=False,
        )
        stays = self.stays.join(later.stays, on=["provider_id", "package_id", "day"], how="anti")
        other = {p: dict(keys) for p, keys in self.other.items()}
        for provider, keys in later.other.items():
            other.setdefault(provider, {}).update(keys)
        return Paid(
            pl.concat([visits, later.visits], rechunk=False),
            pl.concat([stays, later.stays], rechunk=False),
            other,
        )

    def keys_of(self, provider: int) -> dict[str, int]:
        """One provider's settlements as keys and pence, as `Run.settled` names them."""
        keys = {
            f"visit:{v}": p
            for v, p in self.visits.filter(pl.col("provider_id") == provider)
            .select("visit_id", "pence")
            .iter_rows()
        }
        for package, day, pence in (
            self.stays.filter(pl.col("provider_id") == provider)
            .select("package_id", "day", "pence")
            .iter_rows()
        ):
            keys[f"hospital:{package}:{day.isoformat()}"] = pence
        keys.update(self.other.get(provider, {}))
        return keys


@dataclass(frozen=True)
class Drafted:
    """Every provider's run for one period as frames; `run_of` gives one as a `Run`."""

    period: Period
    providers: tuple[int, ...]
    lines: pl.DataFrame
    extras: pl.DataFrame
    exceptions: pl.DataFrame
    adjustments: Mapping[int, tuple[Adjustment, ...]]
    settled: Paid
    totals: Mapping[int, int]
    """Each provider's total pence: its lines and its adjustments."""
    priced: Priced


def _hospital(
    stays: pl.DataFrame, paid: Paid, rules: tuple[PaymentRules, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hospital days not yet paid, each at its rules' retainer; and their line totals."""
    retainer = pl.col("rules_id").replace_strict(
        range(len(rules)), [r.hospital_day_pence for r in rules], return_dtype=INT
    )
    new = (
        stays.unique(["provider_id", "package_id", "day"])
        .join(paid.stays, on=["provider_id", "package_id", "day"], how="anti")
        .with_columns(pence=retainer)
    )
    lines = new.group_by("provider_id", "package_id", _week(pl.col("day"))).agg(
        hospital_days=pl.len().cast(INT), hospital_pence=pl.col("pence").sum()
    )
    return new.select(PAID_STAYS.keys()), lines


def _corrections(changed: pl.DataFrame, table: pl.DataFrame) -> dict[int, list[Adjustment]]:
    """A correction for each paid visit now payable differently, worded as `draft_run`
    words it (`payment_runs._correction`)."""
    made: dict[int, list[Adjustment]] = {}
    rows = changed.join(table.select("sig", "decided_by"), on="sig")
    for row in rows.iter_rows(named=True):
        before, now, day = row["before"], row["total_pence"], row["day"]
        made.setdefault(row["provider_id"], []).append(
            Adjustment(
                key=f"correction:{row['visit_id']}:{before}->{now}",
                package_id=row["package_id"],
                reason=(
                    f"Correction to visit {row['visit_id']} on {day:%A %-d %B %Y}: paid "
                    f"{money(before)} in an approved run, payable now {money(now)}"
                    f" ({row['decided_by']})"
                ),
                pence=now - before,
                by=RULES_AUTHOR,
            )
        )
    return made


def draft_period(
    priced: Priced,
    period: Period,
    paid: Paid | None = None,
    *,
    since: date | None = None,
    hospital_days: pl.DataFrame | None = None,
    adjustments: Mapping[int, Iterable[Adjustment]] | None = None,
    providers: Iterable[int] | None = None,
) -> Drafted:
    """Every provider's run for the period: visits from `since` (all when None) to the
    period's end not yet paid, corrections for paid ones now payable differently, hospital
    days and approved hand-made adjustments, as `draft_run` drafts each provider's."""
    paid = paid or Paid()
    window = pl.col("day") <= period.ends_on
    if since is not None:
        window &= pl.col("day") >= since
    visits = priced.visits.filter(window)
    held = visits.filter(pl.col("held")).select(
        "provider_id", "visit_id", "package_id", "day", "sig"
    )
    ok = visits.filter(~pl.col("held"))
    ids = ok["visit_id"]
    before = paid.visits.filter(pl.col("visit_id").is_between(ids.min(), ids.max()))
    ok = ok.join(before.rename({"pence": "before"}), on=["provider_id", "visit_id"], how="left")
    new = ok.filter(pl.col("before").is_null())
    changed = ok.filter(
        pl.col("before").is_not_null() & (pl.col("total_pence") != pl.col("before"))
    )
    stays = _frame(hospital_days if hospital_days is not None else [], HOSPITAL_DAYS).filter(window)
    paid_stays, stay_lines = _hospital(stays, paid, priced.rules)
    care = new.group_by(LINE_KEY).agg(
        visit_ids=pl.col("visit_id").sort(),
        planned_minutes=pl.col("planned_total").sum(),
        actual_minutes=pl.col("actual_total").sum(),
        payable_minutes=pl.col("payable").sum(),
        care_pence=pl.col("pence").sum(),
        extras_pence=(pl.col("total_pence") - pl.col("pence")).sum(),
        rule_ids=pl.col("rule_id").unique().sort(),
    )
    lines = care.join(stay_lines, on=LINE_KEY, how="full", coalesce=True).with_columns(
        pl.col("hospital_days", "hospital_pence", "planned_minutes", "actual_minutes",
               "payable_minutes", "care_pence", "extras_pence").fill_null(0),
        pl.col("visit_ids", "rule_ids").fill_null([]),
    ).with_columns(
        pence=pl.col("care_pence") + pl.col("hospital_pence") + pl.col("extras_pence")
    ).sort(LINE_KEY).with_columns(iso_week=_week_name(pl.col("week")))  # fmt: skip
    extras = (
        new.select(*LINE_KEY, "sig")
        .join(priced.extras, on="sig")
        .group_by(*LINE_KEY, "name", "funding_source", "passed_to_staff")
        .agg(pl.col("minutes").sum(), pl.col("pence").sum())
        .sort(*LINE_KEY, "name", "funding_source", "passed_to_staff")
        .with_columns(iso_week=_week_name(pl.col("week")))
    )
    everyone = sorted(
        set(providers) if providers is not None else set(visits["provider_id"].unique())
    )
    made = _corrections(changed, priced.table)
    other: dict[int, dict[str, int]] = {}
    for provider, given in (adjustments or {}).items():
        run = draft_run(period, str(provider), (), PaymentRules.leeds_pilot(),
                        already_paid=paid.other.get(provider, {}), adjustments=given)  # fmt: skip
        made.setdefault(provider, []).extend(run.adjustments)
        other[provider] = dict(run.settled)
    settled = Paid(
        pl.concat([new, changed]).select("provider_id", "visit_id", pence="total_pence"),
        paid_stays,
        other,
    )
    sums = dict(lines.group_by("provider_id").agg(pl.col("pence").sum()).iter_rows())
    totals = {p: sums.get(p, 0) + sum(a.pence for a in made.get(p, ())) for p in everyone}
    return Drafted(
        period=period,
        providers=tuple(everyone),
        lines=lines,
        extras=extras,
        exceptions=held.sort("provider_id", "day", "visit_id"),
        adjustments={p: tuple(sorted(a, key=lambda a: a.key)) for p, a in made.items()},
        settled=settled,
        totals=totals,
        priced=priced,
    )


def run_of(drafted: Drafted, provider: int) -> Run:
    """One provider's run, exactly as `draft_run` gives it (its provider named by its id)."""
    mine = pl.col("provider_id") == provider
    extras: dict[tuple[int, str], list[ExtraLine]] = {}
    for row in drafted.extras.filter(mine).iter_rows(named=True):
        extras.setdefault((row["package_id"], row["iso_week"]), []).append(
            ExtraLine(row["name"], row["funding_source"], row["passed_to_staff"],
                      row["minutes"], row["pence"])
        )  # fmt: skip
    words = drafted.priced.rule_words
    lines = tuple(
        RunLine(r["package_id"], r["iso_week"], tuple(r["visit_ids"]), r["planned_minutes"],
                r["actual_minutes"], r["payable_minutes"], r["care_pence"],
                tuple(extras.get((r["package_id"], r["iso_week"]), ())), r["hospital_days"],
                r["hospital_pence"], tuple(words[i] for i in r["rule_ids"]))
        for r in drafted.lines.filter(mine).iter_rows(named=True)
    )  # fmt: skip
    held = drafted.exceptions.filter(mine).join(
        drafted.priced.table.select("sig", "reason", "message"), on="sig", maintain_order="left"
    )
    exceptions = tuple(
        PaymentException(r["visit_id"], r["package_id"], r["day"], ExceptionReason(r["reason"]),
                         r["message"])
        for r in held.iter_rows(named=True)
    )  # fmt: skip
    return Run(
        period=drafted.period,
        provider=str(provider),
        lines=lines,
        adjustments=drafted.adjustments.get(provider, ()),
        exceptions=exceptions,
        total_pence=drafted.totals.get(provider, 0),
        settled=tuple(sorted(drafted.settled.keys_of(provider).items())),
    )
