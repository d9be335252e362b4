"""Rounds benchmark: every published set at the time limits the targets name.

    .venv/bin/python benchmarks/rounds.py [--out DIR] [--quick]

Mankowska families A and B at 10 s, C, D and E at 60 s, Solomon at 10 s, the Italian
sample at 60 s; ours and the baseline (OR-Tools with synchronisation side constraints;
VROOM on Solomon) in the same run. Prints each family's mean gap to the best known and
the ratio to the baseline, and writes one JSON file per set. Reads the data where it is
(HOMECARE_BENCHMARKS, or ../shared/benchmarks beside the checkout).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

from homecare.rounds import bench
from homecare.rounds.loaders import benchmarks_root

FAMILIES = {
    "A": ("mankowska2014", "InstanzCPLEX_HCSRP_10_*.txt", 10.0),
    "B": ("mankowska2014", "InstanzCPLEX_HCSRP_25_*.txt", 10.0),
    "solomon": ("solomon100", "*.txt", 10.0),
    "italian": ("ceschia2024_italian_sample", "*.json", 60.0),
    "C": ("mankowska2014", "InstanzCPLEX_HCSRP_50_*.txt", 60.0),
    "D": ("mankowska2014", "InstanzCPLEX_HCSRP_75_*.txt", 60.0),
    "E": ("mankowska2014", "InstanzVNS_HCSRP_100_*.txt", 60.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmark-results"))
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--quick", action="store_true", help="a tenth of each time limit")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    root = benchmarks_root()
    if root is None:
        print("benchmark data not found: set HOMECARE_BENCHMARKS", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for family in args.families.split(","):
        folder, pattern, limit = FAMILIES[family]
        limit = limit / 10 if args.quick else limit
        files = sorted((root / folder).glob(pattern), key=lambda p: (len(p.name), p.name))
        rows = []
        for path in files:
            row = bench.run_instance(
                path,
                time_limit=limit,
                threads=2,
                seed=1,
                baseline=not args.no_baseline,
                solutions=None,
            )
            rows.append(row)
            print(
                f"{family} {row.instance}: ours {row.objective:.3f} ({row.gap_pct}%) "
                f"baseline {row.baseline_objective} ({row.baseline_gap_pct}%) "
                f"feasible {row.feasible}",
                flush=True,
            )
        (args.out / f"{family}.json").write_text(json.dumps(bench.as_json(rows), indent=2))
        gaps = [r.gap_pct for r in rows if r.gap_pct is not None]
        base = [r.baseline_gap_pct for r in rows if r.baseline_gap_pct is not None]
        ratios = [r.objective / r.baseline_objective for r in rows if r.baseline_objective]
        gaps = gaps or [math.nan]
        print(
            f"== {family} at {limit:g} s: mean gap ours {statistics.mean(gaps):.2f}% "
            f"(max {max(gaps):.2f}%), baseline "
            f"{statistics.mean(base) if base else float('nan'):.2f}% over {len(base)}; "
            f"ours/baseline {statistics.mean(ratios) if ratios else float('nan'):.3f}; "
            f"all feasible: {all(r.feasible for r in rows)}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
