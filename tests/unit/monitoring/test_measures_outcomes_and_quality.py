"""Measures 12, 13 and 20-29: progress at reviews, people less reliant on care, surveys,
complaints, incidents, refunds and the examples a return asks for.

Every test reports on 2026-P08: Monday 13 July to Sunday 9 August 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.monitoring.frames import AIRE, BRAMLEY, figure, measure, package, snapshot

JULY_20 = date(2026, 7, 20)
OUTSIDE = date(2026, 8, 10)


def _rated(
    review_id: int,
    package_id: int,
    done_on: date,
    scores: tuple[int, int, int] | None,
    opted_out: bool = False,
) -> dict[str, object]:
    wellbeing, home, community = scores or (None, None, None)
    return {
        "review_id": review_id,
        "package_id": package_id,
        "due_on": done_on,
        "done_on": done_on,
        "recorded_at": datetime.combine(done_on, datetime.min.time(), UTC),
        "wellbeing": wellbeing,
        "home": home,
        "community": community,
        "opted_out": opted_out,
    }


def test_progress_counts_people_rated_higher_in_a_domain_than_at_their_last_rating() -> None:
    snap = snapshot(
        packages=[package(i, person=100 + i) for i in range(1, 5)],
        reviews=[
            # Person 101: (3,3,3) in April, (3,4,3) in P08: My Home went up.
            _rated(1, 1, date(2026, 4, 1), (3, 3, 3)),
            _rated(2, 1, JULY_20, (3, 4, 3)),
            # Person 102: (4,4,4), then opted out (skipped when looking back), then
            # (4,4,3) in P08 against April's (4,4,4): rated, no progress.
            _rated(3, 2, date(2026, 4, 1), (4, 4, 4)),
            _rated(4, 2, date(2026, 6, 1), None, opted_out=True),
            _rated(5, 2, date(2026, 7, 21), (4, 4, 3)),
            # Person 103: first rating in P08: rated, nothing to compare.
            _rated(6, 3, date(2026, 7, 22), (2, 2, 2)),
            # Person 104: opted out in P08: not rated.
            _rated(7, 4, date(2026, 7, 23), None, opted_out=True),
        ],
    )

    row = figure(measure(snap, 12), "people")

    assert (row["value"], row["numerator"], row["denominator"]) == (1, 1, 3)


def _example(kind: str, day: date, provider: int = AIRE) -> dict[str, object]:
    return {"provider_id": provider, "kind": kind, "occurred_on": day}


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (13, "case_study"),
        (25, "community_development"),
        (27, "hospital_admission_avoided"),
        (28, "pressure_off_other_services"),
        (29, "service_gap"),
    ],
)
def test_examples_count_the_case_studies_of_their_kind_in_the_period(
    number: int, kind: str
) -> None:
    other = "service_gap" if kind != "service_gap" else "case_study"
    snap = snapshot(
        case_studies=[
            _example(kind, JULY_20),
            _example(kind, date(2026, 8, 9)),
            _example(kind, OUTSIDE),  # after P08
            _example(kind, JULY_20, BRAMLEY),
            _example(other, JULY_20),  # another measure's example
        ]
    )

    rows = measure(snap, number)

    # Aire: two in P08; with Bramley's, three in all. No lot split for provider records.
    assert figure(rows, "examples", AIRE)["value"] == 2
    assert figure(rows, "examples")["value"] == 3
    assert rows["lot"].null_count() == rows.height


def _answer(
    respondent: str,
    understood: bool | None,
    supported: bool | None,
    day: date = JULY_20,
    carer: bool | None = None,
) -> dict[str, object]:
    return {
        "provider_id": AIRE,
        "respondent": respondent,
        "answered_on": day,
        "what_matters_understood": understood,
        "supported_by_carers": supported,
        "unpaid_carer_supported": carer,
    }


def test_people_and_families_who_feel_understood_and_supported_say_yes_to_both() -> None:
    snap = snapshot(
        people_survey=[
            _answer("person", True, True),  # yes to both
            _answer("family", True, False),
            _answer("person", False, True),
            _answer("person", True, None),  # did not answer both: left out
            _answer("unpaid_carer", None, None, carer=True),  # measure 26's
            _answer("person", True, True, OUTSIDE),  # after P08
        ]
    )

    row = figure(measure(snap, 20), "understood_and_supported_pct", AIRE)

    # 1 of 3 answers = 33.3%.
    assert (row["numerator"], row["denominator"]) == (1, 3)
    assert row["value"] == pytest.approx(100 / 3)


def test_unpaid_carers_who_feel_well_supported_are_counted_and_given_as_a_share() -> None:
    snap = snapshot(
        people_survey=[
            _answer("unpaid_carer", None, None, carer=True),
            _answer("unpaid_carer", None, None, carer=True),
            _answer("unpaid_carer", None, None, carer=False),
            _answer("unpaid_carer", None, None, carer=None),  # did not answer
            _answer("person", True, True),  # not an unpaid carer
        ]
    )

    rows = measure(snap, 26)

    # 2 of the 3 who answered: 66.7%.
    assert figure(rows, "well_supported")["value"] == 2
    assert figure(rows, "well_supported_pct")["value"] == pytest.approx(200 / 3)
    assert figure(rows, "well_supported_pct", BRAMLEY)["value"] is None  # nobody answered


def _change(change_id: int, status: str, decided: datetime | None, to: int) -> dict[str, object]:
    return {
        "change_id": change_id,
        "package_id": change_id,
        "from_weekly_minutes": 600,
        "to_weekly_minutes": to,
        "within_parameters": True,
        "status": status,
        "effective_from": date(2026, 6, 1),
        "decided_at": decided,
        "decided_weekly_minutes": to if decided else None,
    }


def _community(hours_id: int, package_id: int, outcome: str, ends_on: date) -> dict[str, object]:
    return {
        "community_hours_id": hours_id,
        "package_id": package_id,
        "ends_on": ends_on,
        "outcome": outcome,
    }


def test_people_less_reliant_on_care_had_a_decrease_decided_or_went_on_independently() -> None:
    decided = datetime(2026, 7, 20, 10, tzinfo=UTC)
    snap = snapshot(
        packages=[package(i, person=100 + i) for i in range(1, 6)],
        changes=[
            _change(1, "approved", decided, 480),  # person 101: hours went down
            _change(2, "amended", decided, 660),  # person 102: went up
            _change(3, "in_trial", None, 480),  # person 103: not decided yet
        ],
        community_hours=[
            _community(1, 4, "goes_independently", date(2026, 8, 1)),  # person 104
            _community(2, 5, "goes_with_support", date(2026, 8, 1)),  # person 105: no
            _community(3, 1, "goes_independently", date(2026, 7, 30)),  # person 101 again
        ],
    )

    assert figure(measure(snap, 21), "people")["value"] == 2  # people 101 and 104


def test_complaints_and_incidents_count_by_provider_and_in_total() -> None:
    snap = snapshot(
        complaints=[
            {"provider_id": AIRE, "received_on": JULY_20},
            {"provider_id": AIRE, "received_on": date(2026, 7, 13)},
            {"provider_id": AIRE, "received_on": date(2026, 8, 9)},
            {"provider_id": BRAMLEY, "received_on": JULY_20},
            {"provider_id": AIRE, "received_on": OUTSIDE},
        ],
        incidents=[{"provider_id": BRAMLEY, "occurred_on": JULY_20}],
    )

    complaints = measure(snap, 22)
    incidents = measure(snap, 23)

    assert figure(complaints, "complaints", AIRE)["value"] == 3
    assert figure(complaints, "complaints")["value"] == 4
    assert figure(incidents, "incidents", AIRE)["value"] == 0
    assert figure(incidents, "incidents")["value"] == 1


def test_refunds_and_credits_are_given_in_pounds() -> None:
    snap = snapshot(
        refunds=[
            {"provider_id": AIRE, "issued_on": JULY_20, "amount_pence": 1250},
            {"provider_id": AIRE, "issued_on": date(2026, 8, 2), "amount_pence": 4000},
            {"provider_id": AIRE, "issued_on": OUTSIDE, "amount_pence": 99999},
        ]
    )

    # 1,250p + 4,000p = £52.50.
    assert figure(measure(snap, 24), "value", AIRE)["value"] == 52.5
