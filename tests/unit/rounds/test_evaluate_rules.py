"""The evaluator's rules, each on a hand-made problem whose answer is worked out by hand.

Places lie on a line, so travel between two places is the distance between their
positions; carers start and end at place 0 (position 0) at time 0 unless told otherwise.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from homecare.rounds.evaluate import (
    InfeasibleSchedule,
    check,
    mankowska_cost,
    read_ceschia_solution,
    schedule,
    solomon_distance,
    write_ceschia_solution,
)
from homecare.rounds.model import Carer, Problem, Solution, SyncKind, Task, Visit


def on_a_line(
    positions: list[float],
    visits: list[Visit],
    tasks: list[Task],
    carers: list[Carer],
    *,
    hard_time_windows: bool = False,
) -> Problem:
    matrix = [[abs(a - b) for b in positions] for a in positions]
    return Problem(
        name="line",
        visits=visits,
        tasks=tasks,
        carers=carers,
        matrices=[matrix],
        hard_time_windows=hard_time_windows,
    )


def carer(
    ident: str, *skills: str, capacity: float = math.inf, shift_end: float = math.inf
) -> Carer:
    return Carer(
        ident=ident,
        skills=frozenset(skills),
        start_location=0,
        end_location=0,
        shift_end=shift_end,
        capacity=capacity,
    )


def visit(
    ident: str,
    location: int,
    window: tuple[float, float],
    *tasks: int,
    sync: SyncKind = SyncKind.NONE,
    min_gap: float = 0.0,
    max_gap: float = 0.0,
) -> Visit:
    return Visit(ident, location, window[0], window[1], tuple(tasks), sync, min_gap, max_gap)


# --- timing and cost ------------------------------------------------------------------


def test_distance_runs_from_home_through_the_route_and_back_and_idle_carers_add_none() -> None:
    # Arrange: positions 0, 3, 7; one carer visits 3 then 7, the other stays home.
    problem = on_a_line(
        [0, 3, 7],
        [visit("a", 1, (0, 100), 0), visit("b", 2, (0, 100), 1)],
        [Task(0, None, 1), Task(1, None, 1)],
        [carer("c1"), carer("c2")],
    )
    routes = [[0, 1], []]

    # Act
    cost = mankowska_cost(problem, routes)

    # Assert: 0->3 (3) + 3->7 (4) + 7->0 (7) = 14; the idle carer adds 0.
    assert cost.distance == pytest.approx(14.0)
    assert solomon_distance(problem, routes) == pytest.approx(14.0)


def test_tardiness_sums_late_starts_and_the_objective_averages_distance_total_and_worst() -> None:
    # Arrange: a at 10 due by 5 (duration 2), then b at 20 due by 18.
    problem = on_a_line(
        [0, 10, 20],
        [visit("a", 1, (0, 5), 0), visit("b", 2, (0, 18), 1)],
        [Task(0, None, 2), Task(1, None, 1)],
        [carer("c1")],
    )

    # Act
    cost = mankowska_cost(problem, [[0, 1]])

    # Assert: a starts 10 (5 late); b starts 10+2+10 = 22 (4 late).
    # T = 9, Tmax = 5, D = 10+10+20 = 40, objective = (40+9+5)/3 = 18.
    assert (cost.total_tardiness, cost.max_tardiness) == pytest.approx((9.0, 5.0))
    assert cost.distance == pytest.approx(40.0)
    assert cost.objective == pytest.approx(18.0)


def test_given_start_times_are_priced_instead_of_the_earliest_schedule() -> None:
    # Arrange: a single visit at 10 due by 12; the carer could start at 10.
    problem = on_a_line([0, 10], [visit("a", 1, (0, 12), 0)], [Task(0, None, 1)], [carer("c1")])

    # Act: price a start at 15 instead.
    cost = mankowska_cost(problem, [[0]], starts=[15.0])

    # Assert: 3 late, so (20 + 3 + 3)/3 = 26/3.
    assert cost.objective == pytest.approx(26.0 / 3.0)


def test_a_carer_who_arrives_early_waits_for_the_window_and_the_rest_of_the_route_shifts() -> None:
    # Arrange: a at 3 opens at 10 (duration 3), then b at 7 open from 0.
    problem = on_a_line(
        [0, 3, 7],
        [visit("a", 1, (10, 20), 0), visit("b", 2, (0, 100), 1)],
        [Task(0, None, 3), Task(1, None, 1)],
        [carer("c1")],
    )

    # Act
    starts = schedule(problem, [[0, 1]])

    # Assert: arrives at a at 3, waits to 10; b = 10 + 3 + 4 = 17.
    assert starts == pytest.approx([10.0, 17.0])


def test_a_task_in_no_route_has_no_start_time() -> None:
    problem = on_a_line(
        [0, 3],
        [visit("a", 1, (0, 20), 0), visit("b", 1, (0, 20), 1)],
        [Task(0, None, 3), Task(1, None, 1)],
        [carer("c1")],
    )

    starts = schedule(problem, [[1]])

    assert math.isnan(starts[0]) and starts[1] == pytest.approx(3.0)


def test_a_double_up_starts_when_the_later_carer_arrives_and_the_earlier_one_waits() -> None:
    # Arrange: v at 10 needs two carers together (duration 5); w at 20 (duration 5);
    # u at 15 (duration 1). c1 goes to v then u; c2 goes to w then v.
    problem = on_a_line(
        [0, 10, 20, 15],
        [
            visit("v", 1, (0, 100), 0, 1, sync=SyncKind.SIMULTANEOUS),
            visit("w", 2, (0, 100), 2),
            visit("u", 3, (0, 100), 3),
        ],
        [Task(0, None, 5), Task(0, None, 5), Task(1, None, 5), Task(2, None, 1)],
        [carer("c1"), carer("c2")],
    )

    # Act
    starts = schedule(problem, [[0, 3], [2, 1]])

    # Assert: c2 starts w at 20, leaves at 25 and reaches v at 35; c1, there at 10,
    # waits until 35, leaves v at 40 and reaches u at 45.
    assert starts == pytest.approx([35.0, 35.0, 20.0, 45.0])


def test_a_minimum_gap_pushes_the_second_task_of_a_sequence_later() -> None:
    # Arrange: v at 4 needs task 0 then task 1 between 10 and 30 later; both carers
    # can be there at 4.
    problem = on_a_line(
        [0, 4],
        [visit("v", 1, (0, 100), 0, 1, sync=SyncKind.SEQUENTIAL, min_gap=10, max_gap=30)],
        [Task(0, None, 2), Task(0, None, 2)],
        [carer("c1"), carer("c2")],
    )

    # Act
    starts = schedule(problem, [[0], [1]])

    # Assert: task 0 at 4, task 1 at 4 + 10 = 14.
    assert starts == pytest.approx([4.0, 14.0])


def test_a_maximum_gap_pulls_the_first_task_of_a_sequence_later() -> None:
    # Arrange: v at 4: task 1 at most 5 after task 0. c2 goes first to w at 30
    # (duration 6), so reaches v at 30 + 6 + 26 = 62.
    problem = on_a_line(
        [0, 4, 30],
        [
            visit("v", 1, (0, 100), 0, 1, sync=SyncKind.SEQUENTIAL, min_gap=0, max_gap=5),
            visit("w", 2, (0, 100), 2),
        ],
        [Task(0, None, 2), Task(0, None, 2), Task(1, None, 6)],
        [carer("c1"), carer("c2")],
    )

    # Act
    starts = schedule(problem, [[0], [2, 1]])

    # Assert: task 1 at 62, so task 0 may start no earlier than 62 - 5 = 57.
    assert starts == pytest.approx([57.0, 62.0, 30.0])


def test_two_double_ups_done_in_opposite_orders_wait_for_each_other_forever() -> None:
    # Arrange: c1 does v then w, c2 does w then v; each double-up waits for the other.
    problem = on_a_line(
        [0, 5, 10],
        [
            visit("v", 1, (0, 100), 0, 1, sync=SyncKind.SIMULTANEOUS),
            visit("w", 2, (0, 100), 2, 3, sync=SyncKind.SIMULTANEOUS),
        ],
        [Task(0, None, 1), Task(0, None, 1), Task(1, None, 1), Task(1, None, 1)],
        [carer("c1"), carer("c2")],
    )

    # Act / Assert
    with pytest.raises(InfeasibleSchedule):
        schedule(problem, [[0, 2], [3, 1]])


# --- check ----------------------------------------------------------------------------


def rota(*, capacity: float = 10.0, shift_end: float = math.inf, hard: bool = False) -> Problem:
    """p at 5 (opens 8): task 0 (s1) then task 1 (s2) 0-20 later; q at 10: task 2 (s1).

    With routes c1 = [0, 2], c2 = [1] the earliest times are p 8 / 8 and q 8+5+5 = 18;
    c1 is home at 18+5+10 = 33, c2 at 8+5+5 = 18.
    """
    return on_a_line(
        [0, 5, 10],
        [
            visit("p", 1, (8, 100), 0, 1, sync=SyncKind.SEQUENTIAL, min_gap=0, max_gap=20),
            visit("q", 2, (0, 100), 2),
        ],
        [Task(0, "s1", 5), Task(0, "s2", 5), Task(1, "s1", 5, demand=3)],
        [
            carer("c1", "s1", capacity=capacity, shift_end=shift_end),
            carer("c2", "s1", "s2", capacity=capacity, shift_end=shift_end),
        ],
        hard_time_windows=hard,
    )


GOOD = [[0, 2], [1]]


def only(violations: list[str], fragment: str) -> bool:
    return len(violations) == 1 and fragment in violations[0]


def test_a_feasible_solution_breaks_no_rule() -> None:
    problem = rota()

    violations = check(problem, Solution(GOOD), complete=True)

    assert violations == []
    assert schedule(problem, GOOD) == pytest.approx([8.0, 8.0, 18.0])


def test_check_reports_a_task_placed_in_two_routes() -> None:
    violations = check(rota(), Solution([[0, 2], [1, 2]]), [8.0, 8.0, 18.0])

    assert only(violations, "placed more than once")


def test_check_reports_a_two_carer_visit_with_only_one_carer() -> None:
    violations = check(rota(), Solution([[0, 2], []]))

    assert only(violations, "partly assigned")


def test_check_reports_one_carer_doing_both_tasks_of_a_two_carer_visit() -> None:
    # c2 does task 0 at 8 and task 1 at 13: the gap (5) is allowed, the carer is not.
    violations = check(rota(), Solution([[2], [0, 1]]))

    assert only(violations, "same carer")


def test_check_reports_a_carer_without_the_skill() -> None:
    # c1 has only s1 but is given task 1 (s2).
    violations = check(rota(), Solution([[1, 2], [0]]))

    assert only(violations, "not qualified")


def test_check_reports_a_sequence_gap_outside_its_range() -> None:
    # task 1 starts 25 after task 0; at most 20 is allowed.
    violations = check(rota(), Solution(GOOD), [8.0, 33.0, 18.0])

    assert only(violations, "outside [0, 20]")


def test_check_reports_a_start_before_the_window_opens() -> None:
    # p opens at 8; task 0 starts at 6 (the carer could be there at 5).
    violations = check(rota(), Solution(GOOD), [6.0, 8.0, 18.0])

    assert only(violations, "before the window opens")


def test_check_reports_a_start_sooner_than_the_travel_allows() -> None:
    # c1 leaves p at 13 and needs 5 to reach q, so 14 is too soon.
    violations = check(rota(), Solution(GOOD), [8.0, 8.0, 14.0])

    assert only(violations, "before the carer can arrive")


def test_check_reports_a_load_over_capacity() -> None:
    # c1 carries q's demand of 3 with a capacity of 2.
    violations = check(rota(capacity=2), Solution(GOOD))

    assert only(violations, "exceeds capacity")


def test_check_reports_a_return_after_the_shift_ends() -> None:
    # c1 is home at 33, c2 at 18; the shift ends at 25.
    violations = check(rota(shift_end=25), Solution(GOOD))

    assert only(violations, "c1: back at 33")


def test_check_reports_a_late_start_when_windows_are_hard() -> None:
    late = [8.0, 8.0, 150.0]  # q closes at 100

    violations = check(rota(hard=True), Solution(GOOD), late)

    assert only(violations, "after the window closes")


def test_a_late_start_is_not_a_violation_when_windows_are_soft() -> None:
    late = [8.0, 8.0, 150.0]

    violations = check(rota(hard=False), Solution(GOOD), late)

    assert violations == []


def test_check_reports_unassigned_tasks_only_when_a_complete_solution_is_required() -> None:
    solution = Solution([[2], []])

    strict = check(rota(), solution, complete=True)
    lenient = check(rota(), solution)

    assert len(strict) == 2 and all("unassigned" in v for v in strict)
    assert lenient == []


def test_check_reports_a_cyclic_wait_when_it_has_to_time_the_routes_itself() -> None:
    # Two double-ups done in opposite orders by the two carers (as in the schedule test).
    problem = on_a_line(
        [0, 5, 10],
        [
            visit("v", 1, (0, 100), 0, 1, sync=SyncKind.SIMULTANEOUS),
            visit("w", 2, (0, 100), 2, 3, sync=SyncKind.SIMULTANEOUS),
        ],
        [Task(0, None, 1), Task(0, None, 1), Task(1, None, 1), Task(1, None, 1)],
        [carer("c1"), carer("c2")],
    )

    violations = check(problem, Solution([[0, 2], [3, 1]]))

    assert only(violations, "no schedule")


# --- the Ceschia solution format ------------------------------------------------------


def test_a_written_solution_reads_back_to_the_same_routes_and_times(tmp_path: Path) -> None:
    problem = rota()
    starts = schedule(problem, GOOD)
    path = tmp_path / "sol.json"

    write_ceschia_solution(problem, GOOD, starts, path)
    routes, read_starts = read_ceschia_solution(problem, path)

    assert routes == GOOD
    assert read_starts == pytest.approx(starts)
    assert json.loads(path.read_text())["global_ordering"] == ["p", "q"]
