"""Quality record rules without a database: codes, text, days, money, scores and spans.

The clock stands at Monday 5 October 2026, 10:00 in London. A stand-in store knows one care
worker on weekdays only (7), one on every day (8), person 21 and package 31.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from homecare.errors import Conflict, InvalidInput
from homecare.quality import domain, rules
from homecare.quality.domain import (
    MAX_ID,
    MAX_PENCE,
    REPORTED_TO,
    Span,
    Worker,
    check_code,
    check_codes,
    check_pence,
    check_period,
    check_score,
    days_in_span,
    not_future,
    optional_text,
    required_text,
    working_weekdays,
)
from homecare.quality.registry import KINDS

AT = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
WEEKDAYS_ONLY = 7
EVERY_DAY = 8


@dataclass
class Store:
    """The provider's own records, in memory; it notes every id it is asked about."""

    absences: dict[int, Span] = field(default_factory=dict)
    spend: Span | None = None
    asked: list[int] = field(default_factory=list)

    def care_worker(self, ident: int) -> Worker | None:
        self.asked.append(ident)
        return {
            WEEKDAYS_ONLY: Worker(WEEKDAYS_ONLY, "guaranteed_hours", ()),
            EVERY_DAY: Worker(EVERY_DAY, "salaried_block", ("mon", "sat", "sun", "tue")),
        }.get(ident)

    def has_person(self, ident: int) -> bool:
        self.asked.append(ident)
        return ident == 21

    def has_package(self, ident: int) -> bool:
        self.asked.append(ident)
        return ident == 31

    def absence_overlapping(self, care_worker_id: int, first: date, last: date) -> Span | None:
        span = self.absences.get(care_worker_id)
        return span if span is not None and span.first <= last and span.last >= first else None

    def spend_overlapping(self, first: date, last: date) -> Span | None:
        span = self.spend
        return span if span is not None and span.first <= last and span.last >= first else None


def refused(call: Any, *args: Any, **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return caught.value


# --- small checks --------------------------------------------------------------------------


def test_a_code_outside_its_list_is_refused_with_the_list_to_choose_from() -> None:
    assert check_code("fall", domain.INCIDENT_CATEGORIES, "category") == "fall"

    error = refused(check_code, "press", REPORTED_TO, "reported_to.0")

    assert error.field == "reported_to.0"
    assert error.message == "'press' is not a known code; use one of: cqc, council, police, riddor"


def test_listed_codes_are_kept_once_each_and_a_fault_names_its_position() -> None:
    assert check_codes(["police", "cqc"], REPORTED_TO, "reported_to") == ["police", "cqc"]
    assert check_codes([], REPORTED_TO, "reported_to") == []

    assert refused(check_codes, ["cqc", "press"], REPORTED_TO, "reported_to").field == (
        "reported_to.1"
    )
    twice = refused(check_codes, ["cqc", "council", "cqc"], REPORTED_TO, "reported_to")
    assert (twice.field, twice.message) == ("reported_to.2", "'cqc' is listed twice")


def test_text_is_trimmed_and_blank_text_counts_as_missing() -> None:
    assert required_text("  Dementia awareness ", "course", 200) == "Dementia awareness"
    assert optional_text("   ", "comment", 2000) is None
    assert optional_text(None, "comment", 2000) is None

    blank = refused(required_text, " \t ", "course", 200)

    assert (blank.field, blank.message) == ("course", "give course")


def test_text_may_fill_its_limit_after_trimming_but_not_go_past_it() -> None:
    assert required_text(" " + "x" * 100 + " ", "reason", 100) == "x" * 100

    long = refused(optional_text, "x" * 101, "reason", 100)

    assert (long.field, long.message) == ("reason", "keep reason to 100 characters")


def test_a_day_is_in_the_future_by_the_calendar_in_london() -> None:
    # 23:30 UTC on 5 October is 00:30 on the 6th in London (summer time): the 6th has come.
    just_after_midnight = datetime(2026, 10, 5, 23, 30, tzinfo=UTC)
    not_future(date(2026, 10, 6), just_after_midnight, "on")
    # An hour earlier it is still the 5th in London.
    late_evening = datetime(2026, 10, 5, 22, 30, tzinfo=UTC)

    error = refused(not_future, date(2026, 10, 6), late_evening, "on")

    assert (error.field, error.message) == ("on", "2026-10-06 is in the future")


def test_amounts_are_never_negative_and_never_more_than_the_store_can_keep() -> None:
    assert check_pence(0, "direct_staff_pence", positive=False) == 0
    assert check_pence(MAX_PENCE, "total_spend_pence", positive=False) == 2_000_000_000

    assert refused(check_pence, -1, "x", positive=False).message == "an amount cannot be negative"
    assert refused(check_pence, MAX_PENCE + 1, "x", positive=False).message == (
        "an amount cannot exceed 2000000000 pence"
    )
    assert refused(check_pence, 0, "amount_pence", positive=True).message == (
        "give an amount above zero, in pence"
    )


def test_survey_scores_run_from_one_to_five() -> None:
    assert [check_score(n, "morale") for n in (1, 5)] == [1, 5]
    for score in (0, 6):
        error = refused(check_score, score, "morale")
        assert (error.field, error.message) == ("morale", "answer from 1 to 5")


def test_a_list_period_may_be_open_at_either_end_but_not_end_before_it_starts() -> None:
    check_period(None, date(2026, 9, 1))
    check_period(date(2026, 9, 1), date(2026, 9, 1))

    assert refused(check_period, date(2026, 10, 1), date(2026, 9, 1)).field == "from"


# --- days worked ---------------------------------------------------------------------------


def test_days_in_span_counts_the_days_on_the_weekdays_worked_both_ends_included() -> None:
    weekdays = frozenset(range(5))
    # Monday 14 to Sunday 20 September 2026: five weekdays and a weekend.
    assert days_in_span(date(2026, 9, 14), date(2026, 9, 20), weekdays) == 5
    assert days_in_span(date(2026, 9, 14), date(2026, 9, 20), frozenset({5, 6})) == 2
    # Wednesday 30 September to Tuesday 13 October: two whole weeks.
    assert days_in_span(date(2026, 9, 30), date(2026, 10, 13), weekdays) == 10
    # Friday 2 to Tuesday 6 October: Friday, Monday and Tuesday.
    assert days_in_span(date(2026, 10, 2), date(2026, 10, 6), weekdays) == 3
    # Saturday 26 and Sunday 27 September hold no weekday; one day is one day.
    assert days_in_span(date(2026, 9, 26), date(2026, 9, 27), weekdays) == 0
    assert days_in_span(date(2026, 9, 28), date(2026, 9, 28), weekdays) == 1
    assert days_in_span(date(2026, 9, 28), date(2026, 9, 27), weekdays) == 0


def test_a_care_worker_works_the_days_of_their_shift_pattern_or_else_weekdays() -> None:
    assert working_weekdays(["sat", "sun"]) == frozenset({5, 6})
    assert working_weekdays(["mon", "holiday"]) == frozenset({0})
    assert working_weekdays([]) == frozenset({0, 1, 2, 3, 4})
    assert working_weekdays(["holiday"]) == frozenset({0, 1, 2, 3, 4})


def absence(**change: Any) -> dict[str, Any]:
    return {
        "care_worker_id": WEEKDAYS_ONLY,
        "first_day": date(2026, 9, 14),
        "last_day": date(2026, 9, 20),
        "working_days": 5,
        "reason": " Flu ",
    } | change


def test_sickness_is_counted_in_the_days_the_care_worker_would_have_worked() -> None:
    kept = rules.check_sickness_absence(Store(), AT, **absence())
    assert (kept["working_days"], kept["reason"]) == (5, "Flu")

    too_many = refused(rules.check_sickness_absence, Store(), AT, **absence(working_days=6))
    weekend = refused(
        rules.check_sickness_absence,
        Store(),
        AT,
        **absence(first_day=date(2026, 9, 26), last_day=date(2026, 9, 27), working_days=1),
    )

    assert (too_many.field, too_many.message) == (
        "working_days",
        "give between 1 and 5 working days for this span",
    )
    assert (weekend.field, weekend.message) == (
        "last_day",
        "care worker 7 does not work any day from 2026-09-26 to 2026-09-27",
    )
    # The carer on weekend shifts (Mon, Tue, Sat, Sun) has four days in the same week.
    assert rules.check_sickness_absence(
        Store(), AT, **absence(care_worker_id=EVERY_DAY, working_days=4)
    )


def test_an_absence_that_overlaps_another_conflicts_and_names_it() -> None:
    store = Store(absences={WEEKDAYS_ONLY: Span(40, date(2026, 9, 18), date(2026, 9, 22))})

    with pytest.raises(Conflict) as caught:
        rules.check_sickness_absence(store, AT, **absence())
    next_day = absence(first_day=date(2026, 9, 23), last_day=date(2026, 9, 25), working_days=3)

    assert caught.value.field == "first_day"
    assert caught.value.message == "overlaps absence 40 (2026-09-18 to 2026-09-22)"
    assert rules.check_sickness_absence(store, AT, **next_day)["first_day"] == date(2026, 9, 23)


# --- naming what is the provider's own -----------------------------------------------------


def test_a_missing_or_unknown_id_is_refused_like_another_providers_without_asking() -> None:
    store = Store()
    for ident in (0, MAX_ID + 1):
        error = refused(rules.check_training, store, AT, **training(care_worker_id=ident))
        assert error.message == f"care worker {ident} is not one of yours"
    assert store.asked == []

    other = refused(rules.check_refund, store, AT, **refund(package_id=32))
    person = refused(rules.check_complaint, store, AT, **complaint(person_id=22))

    assert (other.field, other.message) == ("package_id", "package 32 is not one of yours")
    assert (person.field, person.message) == ("person_id", "person 22 is not one of yours")
    assert store.asked == [32, 22]


# --- staff ---------------------------------------------------------------------------------


def movement(**change: Any) -> dict[str, Any]:
    return {"kind": "leaver", "on": date(2026, 10, 1), "reason": "pay"} | change


def test_a_leaver_says_why_they_left_and_a_starter_gives_no_reason() -> None:
    leaver = refused(rules.check_staff_movement, Store(), AT, **movement(reason=None))
    starter = refused(rules.check_staff_movement, Store(), AT, **movement(kind="starter"))

    assert (leaver.field, leaver.message) == ("reason", "say why the care worker left")
    assert (starter.field, starter.message) == ("reason", "a reason is given only for leavers")


def test_a_movement_takes_the_named_care_workers_contract_type_unless_given() -> None:
    named = rules.check_staff_movement(Store(), AT, **movement(care_worker_id=WEEKDAYS_ONLY))
    given = rules.check_staff_movement(
        Store(), AT, **movement(care_worker_id=WEEKDAYS_ONLY, contract_type="zero_hours")
    )
    unnamed = refused(rules.check_staff_movement, Store(), AT, **movement())

    assert named["contract_type"] == "guaranteed_hours"
    assert given["contract_type"] == "zero_hours"
    assert unnamed.field == "contract_type"


def test_the_first_fault_in_the_order_of_the_rules_is_the_one_reported() -> None:
    # An unknown kind on a day to come: the kind is checked first.
    both = movement(kind="transfer", on=date(2026, 10, 6))

    assert refused(rules.check_staff_movement, Store(), AT, **both).field == "kind"


def training(**change: Any) -> dict[str, Any]:
    return {
        "care_worker_id": EVERY_DAY,
        "course": "Moving and handling",
        "category": "mandatory",
        "completed_on": date(2026, 10, 5),
        "hours": 3.5,
    } | change


@pytest.mark.parametrize("hours", [0, -2, 200.5, float("nan"), float("inf")])
def test_training_hours_are_more_than_zero_and_at_most_two_hundred(hours: float) -> None:
    error = refused(rules.check_training, Store(), AT, **training(hours=hours))

    assert (error.field, error.message) == (
        "hours",
        "give the hours as more than 0 and at most 200",
    )


def test_a_course_of_two_hundred_hours_is_kept() -> None:
    assert rules.check_training(Store(), AT, **training(hours=200))["hours"] == 200


def spend(**change: Any) -> dict[str, Any]:
    return {
        "period_start": date(2026, 9, 7),
        "period_end": date(2026, 10, 4),
        "direct_staff_pence": 12_000_000,
        "indirect_staff_pence": 2_500_050,
        "total_spend_pence": 14_500_050,
    } | change


def test_staffing_costs_may_make_up_the_whole_spend_but_not_more() -> None:
    assert rules.check_staffing_spend(Store(), AT, **spend())["total_spend_pence"] == 14_500_050

    over = refused(rules.check_staffing_spend, Store(), AT, **spend(total_spend_pence=14_500_049))

    assert over.field == "total_spend_pence"


def test_a_spend_period_ends_after_it_starts_and_after_the_last_one() -> None:
    one_day = refused(rules.check_staffing_spend, Store(), AT, **spend(period_end=date(2026, 9, 7)))
    store = Store(spend=Span(12, date(2026, 8, 10), date(2026, 9, 7)))

    with pytest.raises(Conflict) as caught:
        rules.check_staffing_spend(store, AT, **spend())

    assert (one_day.field, one_day.message) == ("period_end", "the period must end after it starts")
    assert caught.value.field == "period_start"
    assert caught.value.message == (
        "overlaps the spend already recorded for 2026-08-10 to 2026-09-07 (12)"
    )


# --- people, complaints, incidents and money -----------------------------------------------


def test_only_unpaid_carers_say_if_they_feel_supported_and_every_answer_says_something() -> None:
    family = {"respondent": "family", "answered_on": date(2026, 10, 2)}

    supported = refused(
        rules.check_people_survey, Store(), AT, **family, unpaid_carer_supported=True
    )
    silent = refused(rules.check_people_survey, Store(), AT, **family)
    kept = rules.check_people_survey(Store(), AT, **family, supported_by_carers=True)

    assert supported.field == "unpaid_carer_supported"
    assert silent.field == "what_matters_understood"
    assert (kept["source"], kept["comment"]) == ("survey", None)


def test_only_an_example_of_pressure_taken_off_services_names_the_services() -> None:
    study = {"title": "A fall", "summary": "Helped up", "occurred_on": date(2026, 9, 29)}

    unnamed = refused(
        rules.check_case_study, Store(), AT, kind="pressure_off_other_services", **study
    )
    named = refused(
        rules.check_case_study, Store(), AT, kind="case_study", services_relieved=["gp"], **study
    )
    kept = rules.check_case_study(
        Store(), AT, kind="pressure_off_other_services", services_relieved=["gp"], **study
    )

    assert (unnamed.message, named.field) == ("say which services it relieved", "services_relieved")
    assert (kept["services_relieved"], kept["formulated_with"]) == (["gp"], [])


def complaint(**change: Any) -> dict[str, Any]:
    return {"received_on": date(2026, 10, 1), "category": "charges", "summary": "x"} | change


def test_a_complaint_closes_once_on_a_day_between_receiving_it_and_today() -> None:
    received = {"complaint_id": 5, "received_on": date(2026, 10, 1), "at": AT}
    rules.check_closing(**received, closed_on=None, closing_on=date(2026, 10, 1))

    early = refused(rules.check_closing, **received, closed_on=None, closing_on=date(2026, 9, 30))
    later = refused(rules.check_closing, **received, closed_on=None, closing_on=date(2026, 10, 6))
    with pytest.raises(Conflict) as again:
        rules.check_closing(**received, closed_on=date(2026, 10, 2), closing_on=date(2026, 10, 5))

    assert early.message == "it was received on 2026-10-01; it cannot close before"
    assert later.message == "2026-10-06 is in the future"
    assert again.value.message == "complaint 5 was closed on 2026-10-02"


def test_an_incident_is_reportable_only_when_reported_to_someone() -> None:
    incident = {"occurred_on": date(2026, 10, 3), "category": "fall", "summary": "Slipped"}

    error = refused(rules.check_incident, Store(), AT, **incident, reported_to=[])

    assert (error.field, error.message) == (
        "reported_to",
        "say whom it was reported to: cqc, council, police, riddor",
    )


def refund(**change: Any) -> dict[str, Any]:
    return {"issued_on": date(2026, 10, 2), "amount_pence": 1250, "reason": "goodwill"} | change


def test_a_refund_gives_back_more_than_nothing_for_a_package_or_none() -> None:
    assert rules.check_refund(Store(), AT, **refund())["package_id"] is None
    assert rules.check_refund(Store(), AT, **refund(package_id=31))["package_id"] == 31

    assert refused(rules.check_refund, Store(), AT, **refund(amount_pence=0)).field == (
        "amount_pence"
    )


# --- the registry --------------------------------------------------------------------------


def test_each_kinds_rules_take_exactly_the_fields_its_create_shape_has() -> None:
    for kind in KINDS:
        parameters = inspect.signature(kind.rules).parameters.values()
        fields = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert fields == set(kind.create.model_fields), kind.segment


def test_each_kind_has_its_own_segment_table_and_route_names() -> None:
    for attribute in ("segment", "table", "one"):
        values = [getattr(kind, attribute) for kind in KINDS]
        assert len(set(values)) == len(KINDS), attribute
