"""The CLD validator, the quarter and the mappings from the store's words to the return's."""

from __future__ import annotations

from datetime import date

import pytest

from homecare.cld import spec
from homecare.cld.build import (
    cld_ethnicity,
    outcomes_achieved,
    parse_quarter,
    request_outcome,
    route_of_access,
    withdrawn_outcome,
)
from homecare.cld.validate import CldProblem, validate
from homecare.errors import InvalidInput
from homecare.packages.domain import EndReason

PERSON = {
    "LA_Code": "E08000035",
    "NHS_Number": "9990000018",
    "LA_Person_Unique_Identifier": "17",
    "Gender": "Unknown",
    "Ethnicity": "White - English, Welsh, Scottish, Northern Irish or British",
    "Date_of_Birth": "1938-04-12",
    "Postcode": "LS12 1AU",
    "Client_Type": "Service User",
}


def row(**values: str) -> dict[str, str]:
    """A full row: every column present, blank unless given."""
    return dict.fromkeys(spec.COLUMNS, "") | PERSON | values


REQUEST = row(
    Event_Type="Request",
    Event_Reference="REQ-1",
    Event_Start_Date="2026-07-06",
    Event_End_Date="2026-07-06",
    Event_Outcome="Progress to Support Planning / Services",
    Request_Route_of_Access="Discharge from Hospital",
)
ASSESSMENT = row(
    Primary_Support_Reason="Physical Support: Personal care support",
    Event_Type="Assessment",
    Event_Reference="ASM-1",
    Event_Start_Date="2026-07-06",
    Event_End_Date="2026-07-06",
    Event_Outcome="Progress to Support Planning / Services",
)
SERVICE = row(
    Primary_Support_Reason="Physical Support: Personal care support",
    Event_Type="Service",
    Event_Reference="SVC-1",
    Event_Start_Date="2026-07-07",
    Event_Outcome="Provision of service",
    Service_Type="Long Term Support: Community",
    Service_Component="Home Support",
    Delivery_Mechanism="CASSR Commissioned Support",
    Provider_CQC_Location_ID="1-1000000001",
    Unit_Cost="26.22",
    Cost_Frequency_Unit_Type="Hourly",
    Planned_units_per_week="12.50",
)
REVIEW = row(
    Primary_Support_Reason="Physical Support: Personal care support",
    Event_Type="Review",
    Event_Reference="REV-1",
    Event_Start_Date="2026-08-17",
    Event_End_Date="2026-08-17",
    Event_Outcome="No change in package",
    Review_Reason="Planned",
    Review_Outcomes_Achieved="Partially Met",
)


def fields(problems: list[CldProblem]) -> list[tuple[int, str]]:
    return [(p.row, p.field) for p in problems]


def test_the_rules_cover_every_column_in_order() -> None:
    assert tuple(rule.column for rule in spec.RULES) == spec.COLUMNS


@pytest.mark.parametrize(
    "valid", [REQUEST, ASSESSMENT, SERVICE, REVIEW], ids=lambda r: r["Event_Type"]
)
def test_a_valid_row_of_each_event_type_passes(valid: dict[str, str]) -> None:
    assert validate([valid]) == []


def test_a_bad_nhs_number_is_reported_with_its_row_and_field() -> None:
    broken = REQUEST | {"NHS_Number": "9990000017"}

    problems = validate([SERVICE, broken])

    assert fields(problems) == [(2, "NHS_Number")]
    assert "modulus-11" in problems[0].reason
    assert (problems[0].event_type, problems[0].event_reference) == ("Request", "REQ-1")


def test_an_nhs_number_with_spaces_is_not_ten_digits() -> None:
    problems = validate([REQUEST | {"NHS_Number": "999 000 0018"}])

    assert fields(problems) == [(1, "NHS_Number")]
    assert "10 digits" in problems[0].reason


def test_a_blank_mandatory_field_is_reported_for_that_event_type() -> None:
    problems = validate([REQUEST, REVIEW | {"Primary_Support_Reason": ""}])

    assert fields(problems) == [(2, "Primary_Support_Reason")]
    assert problems[0].reason == "is blank, but mandatory for Review events"


def test_a_request_needs_no_primary_support_reason_but_needs_its_route_of_access() -> None:
    problems = validate([REQUEST | {"Request_Route_of_Access": ""}])

    assert fields(problems) == [(1, "Request_Route_of_Access")]


def test_an_end_date_before_the_start_date_is_reported() -> None:
    problems = validate([ASSESSMENT | {"Event_End_Date": "2026-07-05"}])

    assert fields(problems) == [(1, "Event_End_Date")]
    assert problems[0].reason == "2026-07-05 is before the start date 2026-07-06"


def test_a_service_may_be_open_but_other_events_must_end() -> None:
    assert validate([SERVICE | {"Event_End_Date": ""}]) == []
    assert fields(validate([REVIEW | {"Event_End_Date": ""}])) == [(1, "Event_End_Date")]


def test_dates_must_be_real_and_written_year_first() -> None:
    problems = validate(
        [REQUEST | {"Event_Start_Date": "06/07/2026"}, REQUEST | {"Date_of_Birth": "1938-02-30"}]
    )

    assert fields(problems) == [(1, "Event_Start_Date"), (2, "Date_of_Birth")]
    assert "YYYY-MM-DD" in problems[0].reason
    assert "not a real date" in problems[1].reason


def test_codes_must_be_on_the_list_exactly() -> None:
    problems = validate(
        [
            REQUEST | {"Event_Outcome": "Long Term Support"},
            SERVICE | {"Service_Component": "home support"},
        ]
    )

    assert fields(problems) == [(1, "Event_Outcome"), (2, "Service_Component")]
    assert problems[0].reason == "'Long Term Support' is not on the CLD list for Event_Outcome"


def test_formats_of_codes_ids_and_money_are_checked() -> None:
    problems = validate(
        [
            SERVICE
            | {
                "LA_Code": "E07000035",
                "Postcode": "LS12",
                "Provider_CQC_Location_ID": "1-123",
                "Unit_Cost": "26.2",
                "Planned_units_per_week": "0",
            }
        ]
    )

    assert fields(problems) == [
        (1, "LA_Code"),
        (1, "Postcode"),
        (1, "Provider_CQC_Location_ID"),
        (1, "Unit_Cost"),
        (1, "Planned_units_per_week"),
    ]


def test_a_field_for_another_event_type_is_reported() -> None:
    problems = validate([REVIEW | {"Service_Type": "Long Term Support: Community"}])

    assert fields(problems) == [(1, "Service_Type")]
    assert problems[0].reason == "is only for Service events, not Review"


def test_outcomes_achieved_are_needed_for_planned_reviews_only() -> None:
    unplanned = REVIEW | {
        "Review_Reason": "Unplanned - Hospital (Planned and unplanned episodes)",
        "Review_Outcomes_Achieved": "",
    }

    problems = validate([unplanned, REVIEW | {"Review_Outcomes_Achieved": ""}])

    assert fields(problems) == [(2, "Review_Outcomes_Achieved")]
    assert problems[0].reason == (
        "is blank, but mandatory for Review events with Review_Reason Planned"
    )


def test_an_hourly_cost_needs_the_planned_hours() -> None:
    problems = validate([SERVICE | {"Planned_units_per_week": ""}])

    assert fields(problems) == [(1, "Planned_units_per_week")]


def test_a_row_without_a_known_event_type_still_has_its_person_checked() -> None:
    problems = validate([REQUEST | {"Event_Type": "Referral", "Gender": ""}])

    assert fields(problems) == [(1, "Gender"), (1, "Event_Type")]
    assert problems[0].reason == "is blank, but mandatory for every event"


def test_a_birth_after_the_event_is_reported() -> None:
    problems = validate([REQUEST | {"Date_of_Birth": "2026-08-01"}])

    assert fields(problems) == [(1, "Date_of_Birth")]


# --- the quarter -------------------------------------------------------------------------


def test_the_third_quarter_runs_from_july_to_september() -> None:
    quarter = parse_quarter("2026Q3")

    assert (quarter.first_day, quarter.last_day) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.label == "2026Q3"
    assert parse_quarter("2026q4").last_day == date(2026, 12, 31)
    assert parse_quarter("2027Q1").first_day == date(2027, 1, 1)


@pytest.mark.parametrize("text", ["2026Q5", "2026-Q3", "26Q3", "Q3 2026", ""])
def test_a_malformed_quarter_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_quarter(text)

    assert refused.value.field == "quarter"
    assert refused.value.status == 422


# --- mappings ----------------------------------------------------------------------------


def test_ratings_of_four_or_five_everywhere_mean_fully_met() -> None:
    assert outcomes_achieved((4, 5, 4), opted_out=False) == "Fully Met"
    assert outcomes_achieved((5, 3, 1), opted_out=False) == "Partially Met"
    assert outcomes_achieved((2, 3, 2), opted_out=False) == "Partially Met"
    assert outcomes_achieved((2, 1, 2), opted_out=False) == "Not Met"


def test_an_opt_out_leaves_outcomes_achieved_blank() -> None:
    assert outcomes_achieved((None, None, None), opted_out=True) == ""


def test_recorded_ethnicity_is_put_in_the_census_wording() -> None:
    assert cld_ethnicity("White British") == (
        "White - English, Welsh, Scottish, Northern Irish or British"
    )
    assert cld_ethnicity("asian or asian british -  indian") == "Asian or Asian British - Indian"
    assert cld_ethnicity(None) == "Undeclared or Not known"
    assert cld_ethnicity("Information not yet obtained") == "Undeclared or Not known"
    assert cld_ethnicity("Yorkshire") == "Yorkshire"


def test_every_ethnicity_the_generated_areas_record_maps_onto_the_list() -> None:
    from homecare.scenario.figures import LEEDS_WEST_ETHNICITY, LEICESTER_ETHNICITY

    for recorded, _share in LEICESTER_ETHNICITY + LEEDS_WEST_ETHNICITY:
        assert cld_ethnicity(recorded) in spec.ETHNICITIES, recorded


def test_the_route_of_access_follows_the_referral_source() -> None:
    assert route_of_access("hospital_discharge") == "Discharge from Hospital"
    assert route_of_access("social_work") == "Community / Other route"
    assert route_of_access("nhs_neighbourhood_team") == "Community / Other route"


def test_a_withdrawal_is_coded_only_where_its_reason_is_plain() -> None:
    assert withdrawn_outcome("The person declined care at home") == "NFA - Support declined"
    assert withdrawn_outcome("Chose a direct payment") == spec.PROGRESS_TO_SERVICES
    assert withdrawn_outcome("Mr H died in hospital") == "NFA - Deceased"
    assert withdrawn_outcome("Every provider declined the package") == ""
    assert withdrawn_outcome("No longer needs care") == ""
    assert request_outcome("offered", None) == spec.PROGRESS_TO_SERVICES
    assert request_outcome("placed", None) == spec.PROGRESS_TO_SERVICES


def test_every_end_of_care_has_an_outcome_on_the_cld_list() -> None:
    outcomes = spec.SERVICE_END_OUTCOMES

    assert set(outcomes) == {reason.value for reason in EndReason}
    assert set(outcomes.values()) | {spec.SERVICE_ENDED_OTHERWISE} <= set(spec.EVENT_OUTCOMES)
    assert outcomes["died"] == "NFA - Deceased"
