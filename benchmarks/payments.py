"""Payment runs for a Leicester-sized year: every provider's 13 four-week runs drafted in bulk.

    .venv/bin/python benchmarks/payments.py [--keep FILE] [--json FILE] [--people 2250]
        [--sample-providers 4] [--sample-periods 3]

Builds the year of benchmarks/monitoring.py (about 3 million visits, 32 providers, their
check-ins and check-outs as attendances) into a migrated SQLite store with its generator,
writing only the tables payment runs read (see WRITTEN), or reuses the store --keep names
(one monitoring.py kept works too). Then times ours: reading the council's visits for the
year (with the look-back of the first period's run) with `money.bulk_inputs`, pricing each
distinct kind of visit once, and drafting all 13 four-week periods of 2026 for every
provider with `money.bulk_runs`, each period's settlements treated as approved and fed to
the next, as `paid_so_far` does. A visit's place and start are read only when the council
has enhancements. Writing the runs to the store is not included. Ours is timed three times
after a warm-up run, and the median reported.

The baseline is the product's path, one provider and period at a time:
`repository.run_inputs` then `payment_runs.draft_run`, given what the bulk engine had
settled before that period. It runs on a sample of providers and periods, scaled linearly
by the visits each run reads; every sampled run is compared with the bulk engine's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, event

sys.path.insert(0, str(Path(__file__).resolve().parent))
import monitoring

from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from homecare.money import repository as repo
from homecare.money.bulk_inputs import (
    approved_adjustments,
    read_inputs,
    window_for,
)
from homecare.money.bulk_runs import Drafted, Paid, draft_period, price, run_of
from homecare.money.payment_runs import Period, draft_run
from homecare.money.runs_service import providers_paid_by
from homecare.monitoring.periods import PeriodKind, periods_of_year

WRITTEN = frozenset(
    {"organisation", "lot", "zone", "contract", "person", "referral", "package",
     "package_visit", "care_worker", "hospital_stay", "visit", "attendance"}
)  # fmt: skip
"""The tables a new store gets: what payment runs read and what those rows refer to. The
generator's other tables (call events, worked days, rounds, reviews, referrals' offers,
quality records) are left out, which makes writing the store several times quicker."""
COUNCIL = 1
"""Leicester City Council, the generator's first organisation."""
TARGET_S = 10.0
RUNS = 3


@dataclass
class Year:
    """One bulk drafting of the year: each period's runs and what was paid before it."""

    seconds: float
    drafted: list[Drafted]
    paid_before: list[Paid]
    visits: pl.DataFrame


class _Writer(monitoring.Writer):
    """The generator's writer, writing only the tables in WRITTEN."""

    def insert(self, table: str, frame: pl.DataFrame) -> int:
        return super().insert(table, frame) if table in WRITTEN else frame.height


def _scratch(dbapi_connection: Any, _record: Any) -> None:
    """A scratch store's writes: a page cache big enough for the visits' indexes, and no
    waiting for the disk (a crash loses only the store being built)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-2000000")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def build(path: Path, people: int) -> None:
    """The year of benchmarks/monitoring.py, by its generator, into a new store at `path`."""
    url = f"sqlite:///{path}"
    upgrade(url)
    engine: Engine = make_engine(url)
    event.listen(engine, "connect", _scratch)
    writer = monitoring.Writer
    monitoring.Writer = _Writer  # type: ignore[misc]
    try:
        monitoring.generate(engine, people)
    finally:
        monitoring.Writer = writer  # type: ignore[misc]
        engine.dispose()


def periods() -> list[Period]:
    return [Period(p.start, p.end) for p in periods_of_year(monitoring.YEAR, PeriodKind.FOUR_WEEKS)]


def draft_year(engine: Any) -> Year:
    """Read the year in bulk and draft every provider's run of every period."""
    chosen = periods()
    started = time.perf_counter()
    first_day, _ = window_for(chosen[0])
    with unit_of_work(engine) as session:
        enhancements = repo.enhancements_of(session, COUNCIL)
        providers = [[o.id for o in providers_paid_by(session, COUNCIL, p)] for p in chosen]
    places = bool(enhancements)  # only enhancements read a visit's place and start
    inputs = read_inputs(engine, COUNCIL, first_day, chosen[-1].ends_on, places=places)
    adjustments = approved_adjustments(engine, COUNCIL)
    priced = price(inputs.visits, inputs.rules, enhancements)
    paid = Paid()
    drafted, before = [], []
    for period, who in zip(chosen, providers, strict=True):
        run = draft_period(
            priced, period, paid, since=window_for(period)[0],
            hospital_days=inputs.hospital_days, adjustments=adjustments, providers=who,
        )  # fmt: skip
        before.append(paid)
        paid = paid.then(run.settled)
        drafted.append(run)
    return Year(time.perf_counter() - started, drafted, before, inputs.visits)


def _spread(items: list[Any], count: int) -> list[Any]:
    picks = np.linspace(0, len(items) - 1, min(count, len(items))).round().astype(int)
    return [items[i] for i in sorted(set(picks))]


def baseline(
    engine: Any, year: Year, n_providers: int, n_periods: int
) -> tuple[float, str, int, int]:
    """The product's path on a sample, scaled by visits read; and how many sampled runs
    equal the bulk engine's."""
    chosen = periods()
    sampled = _spread(list(range(len(chosen))), n_periods)
    reads = {
        i: year.visits.filter(pl.col("day").is_between(*window_for(chosen[i])))
        .group_by("provider_id")
        .len()
        for i in range(len(chosen))
    }
    all_visits = sum(int(r["len"].sum()) for r in reads.values())
    seconds, read, compared, equal = 0.0, 0, 0, 0
    for i in sampled:
        period, drafted = chosen[i], year.drafted[i]
        for provider in _spread(list(drafted.providers), n_providers):
            paid = year.paid_before[i].keys_of(provider)
            with unit_of_work(engine) as session:
                started = time.perf_counter()
                inputs = repo.run_inputs(session, COUNCIL, provider, period.ends_on)
                run = draft_run(
                    period, str(provider), inputs.visits, inputs.rules.for_package,
                    enhancements=repo.enhancements_of(session, COUNCIL), already_paid=paid,
                    adjustments=[], hospital_days=inputs.hospital_days,
                )  # fmt: skip
                seconds += time.perf_counter() - started
            read += len(inputs.visits)
            compared += 1
            equal += run == run_of(drafted, provider)
    scale = all_visits / max(read, 1)
    note = (
        f"SCALED: measured on {compared} runs ({len(sampled)} of {len(chosen)} periods, up to "
        f"{n_providers} providers each) reading {read:,} of the year's {all_visits:,} "
        f"run-visits in {seconds:.1f} s, scaled linearly by visits read (x{scale:.1f})"
    )
    return seconds * scale, note, compared, equal


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2250)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--keep", type=Path, help="SQLite file to write the year to and keep (reused if present)"
    )
    parser.add_argument("--sample-providers", type=int, default=4)
    parser.add_argument("--sample-periods", type=int, default=3)
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "year.db"
        if not path.exists():
            build(path, args.people)
            print(f"wrote the tables payment runs read: {', '.join(sorted(WRITTEN))}")
        engine = make_engine(f"sqlite:///{path}")
        counts = monitoring.store_counts(engine)
        warm = draft_year(engine)  # warms the page cache; its runs are the ones compared
        timed = [draft_year(engine).seconds for _ in range(RUNS)]
        ours = sorted(timed)[RUNS // 2]
        base_s, note, compared, equal = baseline(
            engine, warm, args.sample_providers, args.sample_periods
        )
        engine.dispose()
    runs = sum(len(d.providers) for d in warm.drafted)
    lines = sum(d.lines.height for d in warm.drafted)
    held = sum(d.exceptions.height for d in warm.drafted)
    pence = sum(sum(d.totals.values()) for d in warm.drafted)
    ratio = base_s / ours
    print(
        f"ours: median {ours:.2f} s of {RUNS} runs ({', '.join(f'{s:.2f}' for s in timed)}): "
        "reading the year from the store and drafting 13 periods for every provider; "
        "writing the runs to the store not included"
    )
    print(
        f"runs {runs:,}, lines {lines:,}, exceptions {held:,}, total "
        f"£{pence / 100:,.2f} ({pence:,} pence); visits in the store {counts['visits']:,}"
    )
    print(f"baseline (run_inputs + draft_run per provider and period): {base_s:.1f} s ({note})")
    print(f"agreement: {equal} of {compared} sampled runs equal the bulk engine's")
    print(f"ours {ours:.2f} s, baseline {base_s:.1f} s, ratio {ratio:.0f}x")
    print(f"target: under {TARGET_S:g} s: {'met' if ours < TARGET_S else 'NOT met'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "visits": counts["visits"],
                    "ours_s": round(ours, 3),
                    "ours_runs_s": [round(s, 3) for s in timed],
                    "baseline_s": round(base_s, 1),
                    "baseline_note": note,
                    "ratio": round(ratio, 1),
                    "runs": runs,
                    "lines": lines,
                    "exceptions": held,
                    "total_pence": pence,
                    "sampled_runs": compared,
                    "sampled_runs_equal": equal,
                    "target_s": TARGET_S,
                    "target_met": ours < TARGET_S,
                    "writing_runs_included": False,
                },
                indent=2,
            )
        )
    return 0 if equal == compared else 1


if __name__ == "__main__":
    sys.exit(main())
