"""The benchmark loaders on tiny files written in each source's format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from homecare.config import Settings
from homecare.rounds.loaders import (
    benchmarks_root,
    best_known,
    load_instance,
    load_italian,
    load_mankowska,
    load_solomon,
    published_solution_cost,
)
from homecare.rounds.model import ObjectiveKind, SyncKind

# Two patients: p1 needs s2; p2 needs s1 and s3, the second 5-15 after the first.
MANKOWSKA = """nbNodes
4
nbVehi
2
nbServi
3
r
1 1 1
0 1 0
1 0 1
1 1 1
DS
3
a
1 1 0
0 1 1
x
0 3 0 0
y
0 0 4 0
d
0.0 3.0 4.0 0.0
3.0 0.0 5.0 3.0
4.0 5.0 0.0 4.0
0.0 3.0 4.0 0.0
p
0 0 0
0 0 0
7.0 7.0 7.0
7.0 7.0 7.0
9.0 9.0 9.0
9.0 9.0 9.0
0 0 0
0 0 0
mind
0 0 5 0
maxd
0 0 15 0
e
0 10 20 0
l
600 40 50 1000
"""

SOLOMON = "\r\n".join(
    [
        "TINY1",
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        "  2         50",
        "",
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
        " ",
        "    0      0         0          0          0        300          0",
        "    1      3         4         10         20         60         15",
        "    2      6         8          5          0        100         10",
        "",
    ]
)

ITALIAN = {
    "name": "tiny",
    "distances": [[0, 4, 6], [5, 0, 3], [6, 2, 0]],
    "central_offices": [{"id": "d1", "location": [0, 0]}],
    "patients": [
        {
            "id": "p1",
            "location": [1, 1],
            "time_window": [30.0, 90.0],
            "required_caregivers": [
                {"service": "s3", "duration": 20},
                {"service": "s1", "duration": 10},
            ],
            "synchronization": {"type": "sequential", "distance": [15, 45]},
        },
        {
            "id": "p2",
            "location": [2, 2],
            "time_window": [0.0, 60.0],
            "required_caregivers": [{"service": "s2", "duration": 30}],
        },
    ],
    "caregivers": [{"id": "c1", "abilities": ["s1", "s2"]}, {"id": "c2", "abilities": ["s3"]}],
    "services": [{"id": f"s{i}", "default_duration": 30} for i in (1, 2, 3)],
}


def test_a_mankowska_file_gives_one_visit_per_patient_with_the_lower_service_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(MANKOWSKA)

    problem = load_mankowska(path)

    p1, p2 = problem.visits
    assert (p1.ident, p1.location, p1.earliest, p1.latest, p1.sync) == ("p1", 1, 10, 40, "none")
    assert [problem.tasks[t].skill for t in p2.tasks] == ["s1", "s3"]
    assert (p2.sync, p2.min_gap, p2.max_gap) == (SyncKind.SEQUENTIAL, 5.0, 15.0)
    assert [t.duration for t in problem.tasks] == [7.0, 9.0, 9.0]
    assert [sorted(c.skills) for c in problem.carers] == [["s1", "s2"], ["s2", "s3"]]
    assert (problem.carers[0].start_location, problem.carers[0].end_location) == (0, 3)
    assert math.isinf(problem.carers[0].shift_end)
    assert problem.matrices[0][1][2] == 5.0
    assert (problem.objective, problem.hard_time_windows) == (ObjectiveKind.MANKOWSKA, False)


def test_a_mankowska_double_service_with_no_gap_is_a_double_up(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(MANKOWSKA.replace("0 0 5 0\nmaxd\n0 0 15 0", "0 0 0 0\nmaxd\n0 0 0 0"))

    problem = load_mankowska(path)

    assert problem.visits[1].sync is SyncKind.SIMULTANEOUS


def test_a_solomon_file_gives_capacitated_vehicles_that_must_be_home_by_the_horizon(
    tmp_path: Path,
) -> None:
    path = tmp_path / "TINY1.txt"
    path.write_bytes(SOLOMON.encode())

    problem = load_solomon(path)

    assert [v.ident for v in problem.visits] == ["1", "2"]
    assert (problem.visits[0].earliest, problem.visits[0].latest) == (20, 60)
    assert (problem.tasks[1].demand, problem.tasks[1].duration) == (5, 10)
    assert len(problem.carers) == 2
    assert (problem.carers[0].capacity, problem.carers[0].shift_end) == (50, 300)
    assert problem.matrices[0][0][2] == pytest.approx(10.0)  # 6-8-10 triangle
    assert (problem.objective, problem.hard_time_windows) == (ObjectiveKind.SOLOMON, True)


def test_an_italian_file_keeps_the_listed_order_of_a_sequence(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(ITALIAN))

    problem = load_italian(path)

    p1 = problem.visits[0]
    assert [problem.tasks[t].skill for t in p1.tasks] == ["s3", "s1"]
    assert (p1.sync, p1.min_gap, p1.max_gap) == (SyncKind.SEQUENTIAL, 15.0, 45.0)
    assert problem.travel(0, 1, 0) == 5.0  # the matrix is not symmetric
    assert problem.qualified(p1.tasks[0], 1) and not problem.qualified(p1.tasks[0], 0)


def test_load_instance_picks_the_loader_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text(MANKOWSKA)
    (tmp_path / "s.txt").write_bytes(SOLOMON.encode())
    (tmp_path / "i.json").write_text(json.dumps(ITALIAN))

    kinds = [load_instance(tmp_path / n).objective for n in ("m.txt", "s.txt", "i.json")]
    sizes = [len(load_instance(tmp_path / n).tasks) for n in ("m.txt", "s.txt", "i.json")]

    assert kinds == [ObjectiveKind.MANKOWSKA, ObjectiveKind.SOLOMON, ObjectiveKind.MANKOWSKA]
    assert sizes == [3, 2, 3]


def test_the_benchmarks_setting_names_the_folder_and_a_missing_folder_gives_none(
    tmp_path: Path,
) -> None:
    found = benchmarks_root(Settings(benchmarks=str(tmp_path)))
    missing = benchmarks_root(Settings(benchmarks=str(tmp_path / "nowhere")))

    assert found == tmp_path
    assert missing is None


def test_best_known_is_the_bks_and_the_published_cost_is_the_one_with_a_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "best_known.csv").write_text(
        "id,file,bks,ceschia2024_with_solution_file\nB6,b6.txt,441.7,464.622\nX1,x1.txt,100.5,\n"
    )

    values = [best_known(tmp_path / n) for n in ("b6.txt", "x1.txt", "other.txt")]
    published = [published_solution_cost(tmp_path / n) for n in ("b6.txt", "x1.txt")]

    assert values == [441.7, 100.5, None]
    assert published == [464.622, None]


def test_best_known_for_solomon_is_the_minimum_distance_optimum(tmp_path: Path) -> None:
    (tmp_path / "best_known.csv").write_text(
        "instance,file,best_hier_distance,mindist_opt_distance_trunc1\nC101,C101.txt,828.94,827.3\n"
    )

    assert best_known(tmp_path / "C101.txt") == 827.3


def test_best_known_is_none_without_a_table_beside_the_instance(tmp_path: Path) -> None:
    assert best_known(tmp_path / "instance.json") is None


def test_without_a_table_the_best_known_comes_from_the_readme_row(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "| file | patients | **BKS cost** |\n|---|---|---|\n"
        "| instance_003-rome | 44 | **365.667** |\n"
    )
    assert best_known(tmp_path / "instance_003-rome.json") == 365.667
