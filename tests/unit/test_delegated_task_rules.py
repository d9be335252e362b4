"""Delegated tasks on a referral, and which skills a provider's staff are short of.

Worked by hand: Lot 2 needs catheter care; a referral's bed visit names stoma care. A
provider whose one carer holds catheter care and personal care, and whose other holds
nothing delegated, is short of stoma care alone; pooled, one trained carer is enough.
"""

from __future__ import annotations

import pytest

from homecare.brokerage.domain import missing_skills, needed_skills, skills_reason, task_fault
from homecare.pattern import Day, TimeBand, VisitRequest, build_pattern


def test_a_visits_task_travels_into_the_planned_visit_as_its_skill() -> None:
    pattern = build_pattern(
        [VisitRequest(Day.MON, TimeBand.BED, 45, task="catheter_care")], two_handed=[]
    )

    assert pattern[0].skill == "catheter_care"


def test_a_task_of_the_lot_is_allowed_and_any_other_is_refused_naming_the_lots_tasks() -> None:
    assert task_fault("catheter_care", 2, "Delegated healthcare", ["catheter_care"]) is None
    assert task_fault("stoma_care", 1, "General home care", []) == (
        "Stoma care is not a delegated task of Lot 1 (General home care); its tasks are: none"
    )
    assert task_fault(
        "peg_feeding", 2, "Delegated healthcare", ["catheter_care", "stoma_care"]
    ) == (
        "Peg feeding is not a delegated task of Lot 2 (Delegated healthcare); its tasks are: "
        "catheter care, stoma care"
    )


def test_the_skills_needed_are_the_lots_and_each_task_named_once() -> None:
    needed = needed_skills(["catheter_care"], [None, "stoma_care", "catheter_care", "stoma_care"])

    assert needed == ["catheter_care", "stoma_care"]


def test_staff_are_short_only_of_what_no_one_of_them_holds() -> None:
    needed = ["catheter_care", "stoma_care"]
    staff = [["catheter_care", "personal_care"], ["personal_care"]]

    assert missing_skills(needed, staff) == ["stoma_care"]
    assert missing_skills(needed, [*staff, ["stoma_care"]]) == []
    assert missing_skills(needed, []) == ["catheter_care", "stoma_care"]
    assert missing_skills([], []) == []


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        (["catheter_care"], "no care worker trained for catheter care"),
        (["catheter_care", "stoma_care"], "no care worker trained for catheter care or stoma care"),
        (
            ["catheter_care", "stoma_care", "peg_feeding"],
            "no care worker trained for catheter care, stoma care or peg feeding",
        ),
    ],
)
def test_the_reason_names_each_missing_skill_in_plain_words(
    missing: list[str], reason: str
) -> None:
    assert skills_reason(missing) == reason
