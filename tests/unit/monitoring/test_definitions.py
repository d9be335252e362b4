"""The 29 measures and 7 KPIs as data: numbering, cadence, targets and the RAG rule."""

from __future__ import annotations

import pytest

from homecare.monitoring.definitions import (
    BY_NUMBER,
    KPIS,
    MEASURES,
    RAG_RULE,
    Cadence,
    Group,
    Rag,
    Split,
    rag,
)


def test_every_measure_from_1_to_29_is_defined_once_with_its_parts() -> None:
    assert [m.number for m in MEASURES] == list(range(1, 30))
    assert all(m.parts and m.source_text and m.title for m in MEASURES)


@pytest.mark.parametrize(
    ("numbers", "cadence"),
    [
        ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13), Cadence.WEEKLY),
        ((14, 15, 16, 17), Cadence.FOUR_WEEKLY),
        ((12,), Cadence.THREE_TIMES_A_YEAR),
        ((21, 22, 23, 24, 25, 27, 28, 29), Cadence.QUARTERLY),
        ((18,), Cadence.HALF_YEARLY),
        ((19, 20, 26), Cadence.ANNUAL),
    ],
)
def test_each_measure_is_reported_as_often_as_appendix_2_says(
    numbers: tuple[int, ...], cadence: Cadence
) -> None:
    assert {BY_NUMBER[n].cadence for n in numbers} == {cadence}


def test_the_measures_fall_into_the_appendix_groups() -> None:
    groups = {n: BY_NUMBER[n].group for n in (1, 4, 5, 11, 12, 13, 14, 24, 25, 29)}

    assert groups == {
        1: Group.DEMAND,
        4: Group.DEMAND,
        5: Group.CAPACITY,
        11: Group.CAPACITY,
        12: Group.LEADING,
        13: Group.LEADING,
        14: Group.LAGGING_SYSTEM,
        24: Group.LAGGING_SYSTEM,
        25: Group.LAGGING_WIDER_SYSTEM,
        29: Group.LAGGING_WIDER_SYSTEM,
    }


def test_staff_and_survey_measures_are_by_provider_and_lot_1_reviews_are_lot_1_only() -> None:
    assert BY_NUMBER[11].split is Split.LOT_1_BY_PROVIDER
    assert {BY_NUMBER[n].split for n in (14, 15, 16, 17, 18, 19, 20, 22)} == {Split.PROVIDER}
    assert {BY_NUMBER[n].split for n in (1, 2, 3, 5, 10)} == {Split.LOT_AND_PROVIDER}


def test_the_seven_kpis_carry_the_contracts_minimum_targets_and_limitations() -> None:
    assert [(k.number, k.target_pct) for k in KPIS] == [
        (1, 95.0),
        (2, 80.0),
        (3, 80.0),
        (4, 98.0),
        (5, 95.0),
        (6, 75.0),
        (7, 98.0),
    ]
    assert "authorised delay" in KPIS[1].limitations
    assert "opted out" in KPIS[5].limitations
    assert "cancellation" in KPIS[6].limitations
    assert KPIS[5].split is Split.LOT_1_BY_PROVIDER
    assert [k.case_kind for k in KPIS] == ["referral"] * 4 + ["package", "package", "visit"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (98.0, Rag.GREEN),
        (100.0, Rag.GREEN),
        (97.9, Rag.AMBER),
        (93.0, Rag.AMBER),
        (92.9, Rag.RED),
        (0.0, Rag.RED),
        (None, None),
    ],
)
def test_green_at_target_amber_within_five_points_below_red_further(
    value: float | None, expected: Rag | None
) -> None:
    assert rag(value, 98.0) is expected


def test_the_rag_rule_is_stated_for_readers() -> None:
    assert "5 percentage points" in RAG_RULE


def test_the_engine_reports_every_defined_part_of_every_measure_even_with_no_records() -> None:
    from homecare.monitoring.measures import compute_measures, defined_parts
    from tests.unit.monitoring.frames import P08, snapshot

    rows = compute_measures(snapshot(), [P08])

    reported = {(r["measure"], r["part"]) for r in rows.iter_rows(named=True)}
    assert reported == set(defined_parts())
    counts = rows.filter(rows["unit"].is_in(["packages", "people", "examples"]))
    assert counts["value"].to_list() == [0.0] * counts.height  # a zero, not a gap
