"""The pilot area's day: every provider's rounds against the hand-planned greedy baseline.

    .venv/bin/python benchmarks/pilot_day.py [--seconds 60] [--day 2026-11-02]

Builds the Leeds pilot (seed 2024) in a temporary SQLite store, streams October 2026's
referrals through brokerage, then optimises every provider's rounds for the day with
`--seconds` of search in all, and prints the day's totals beside the greedy baseline
(nearest feasible carer, visit by visit, in time order) with the targets' figures:
unplaced and late visits, unsynchronised double-ups, travel and travel per hour of care.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.calendar import LONDON
from homecare.cli.rounds import roster_rows
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from homecare.scenario.build import build_area
from homecare.scenario.figures import LEEDS_PILOT
from homecare.scenario.simulate import run_month

KEYS = (
    "visits",
    "two_handed_visits",
    "carers_on_shift",
    "unassigned_visits",
    "late_visits",
    "travel_minutes",
    "contact_minutes",
    "unsynchronised_double_ups",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 11, 2))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/pilot.db"
        upgrade(url)
        engine = make_engine(url)
        start, end = date(2026, 10, 1), date(2026, 10, 31)
        with unit_of_work(engine) as session:
            area = build_area(
                session, profile=LEEDS_PILOT, seed=2024, month_start=start, month_end=end
            )
        until = datetime.combine(end + timedelta(days=1), datetime.min.time(), LONDON)
        run_month(engine, area, seed=2024, settings=Settings(database_url=url), until=until)
        started = time.perf_counter()
        rows = roster_rows(engine, [args.day], None, args.seconds, seed=1)
        elapsed = time.perf_counter() - started
    ours = {k: sum(r["ours"][k] for r in rows) for k in KEYS}
    greedy = {k: sum(r["greedy"][k] for r in rows) for k in KEYS}
    for label, m in (("ours", ours), ("greedy", greedy)):
        m["travel_per_care_hour"] = m["travel_minutes"] / (m["contact_minutes"] / 60)
        print(f"{label:>6}: " + ", ".join(f"{k} {v:,.1f}" for k, v in m.items()))
    print(
        f"travel ours / greedy: {ours['travel_minutes'] / greedy['travel_minutes']:.3f}; "
        f"per care hour: {ours['travel_per_care_hour'] / greedy['travel_per_care_hour']:.3f};"
        f" wall time for all providers {elapsed:.1f} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"ours": ours, "greedy": greedy, "rows": rows, "seconds": elapsed}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
