"""The client-level data (CLD) return: its columns, its codes and which are mandatory when.

Councils send DHSC one row per event (request, assessment, service, review) each
quarter. Column names and codes follow NHS England's CLD guidance, release 1 (February
2023), as reproduced in the ASC glossary and in DHSC's published CLD processing code;
check the lists against the current AGEM specification before a first live submission.
Columns are as DHSC names them, so the file needs no renaming on the way out:

- `Date_of_Birth` is the full date, YYYY-MM-DD: DHSC derives the birth year and the age
  bands centrally, so the council sends the date, not a year and month.
- `Postcode` is the person's full postcode (e.g. "LS12 1AU"): DHSC keeps only the sector.
- Dates are YYYY-MM-DD; money is pounds with two decimals; units are two-decimal numbers.

What the store does not hold stays blank unless a code in the guidance says exactly that
(gender not recorded is "Unknown"; ethnicity not recorded is "Undeclared or Not known"),
so the validator can point at every blank a person must fill in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EventType(StrEnum):
    REQUEST = "Request"
    ASSESSMENT = "Assessment"
    SERVICE = "Service"
    REVIEW = "Review"


EVENT_ORDER = {event: index for index, event in enumerate(EventType)}
"""Events on the same day sort as the pathway runs: request, assessment, service, review."""

ALL_EVENTS = frozenset(EventType)
NOT_REQUESTS = frozenset({EventType.ASSESSMENT, EventType.SERVICE, EventType.REVIEW})
NOT_SERVICES = frozenset({EventType.REQUEST, EventType.ASSESSMENT, EventType.REVIEW})
REQUESTS = frozenset({EventType.REQUEST})
SERVICES = frozenset({EventType.SERVICE})
REVIEWS = frozenset({EventType.REVIEW})

COLUMNS: tuple[str, ...] = (
    "LA_Code",
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "Gender",
    "Ethnicity",
    "Date_of_Birth",
    "Postcode",
    "Client_Type",
    "Primary_Support_Reason",
    "Event_Type",
    "Event_Reference",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Provider_CQC_Location_ID",
    "Review_Reason",
    "Review_Outcomes_Achieved",
    "Unit_Cost",
    "Cost_Frequency_Unit_Type",
    "Planned_units_per_week",
)
"""The header of the file, in order."""

# --- the defined lists ---------------------------------------------------------------

GENDER_NOT_RECORDED = "Unknown"
"""The guidance's code for a gender that has not been recorded; the store records none."""
GENDERS = ("Male", "Female", "Other", GENDER_NOT_RECORDED)

SERVICE_USER = "Service User"
"""Everyone in the store receives care; unpaid carers are not recorded as people."""
CLIENT_TYPES = (SERVICE_USER, "Carer", "Carer known by association")

ETHNICITY_NOT_KNOWN = "Undeclared or Not known"
"""The guidance's code where a person's ethnicity has not been recorded."""
ETHNICITIES = (
    "Asian or Asian British - Indian",
    "Asian or Asian British - Pakistani",
    "Asian or Asian British - Bangladeshi",
    "Asian or Asian British - Chinese",
    "Asian or Asian British - Any other Asian background",
    "Black, Black British, Caribbean or African - Caribbean",
    "Black, Black British, Caribbean or African - African",
    "Black, Black British, Caribbean or African - Any other Black, Black British or "
    "Caribbean background",
    "Mixed or Multiple ethnic groups - White and Black Caribbean",
    "Mixed or Multiple ethnic groups - White and Black African",
    "Mixed or Multiple ethnic groups - White and Asian",
    "Mixed or Multiple ethnic groups - Any other Mixed or Multiple ethnic background",
    "White - English, Welsh, Scottish, Northern Irish or British",
    "White - Irish",
    "White - Gypsy or Irish Traveller",
    "White - Roma",
    "White - Any other White background",
    "Other ethnic group - Arab",
    "Other ethnic group - Any other ethnic group",
    "Refused",
    ETHNICITY_NOT_KNOWN,
)
"""The 2021 Census groups, as the guidance lists them, with its two 'not known' codes."""

PRIMARY_SUPPORT_REASONS = (
    "Physical Support: Access & mobility only",
    "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment",
    "Support with Memory & Cognition",
    "Learning Disability Support",
    "Mental Health Support",
    "Social Support: Substance misuse support",
    "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other",
    "Social Support: Support to Carer",
    "Unknown",
)
"""'Unknown' is for a reason not yet determined (a request that went no further)."""

PROGRESS_TO_SERVICES = "Progress to Support Planning / Services"
PROVISION_OF_SERVICE = "Provision of service"
"""A service still open at the end of the quarter."""
NO_CHANGE_IN_PACKAGE = "No change in package"
EVENT_OUTCOMES = (
    "Progress to Reablement/ST-Max",
    "Progress to Assessment",
    "Admitted to hospital",
    "Progress to Re-assessment / Unplanned Review",
    PROGRESS_TO_SERVICES,
    "Progress to End of Life Care",
    NO_CHANGE_IN_PACKAGE,
    "Service ended as planned",
    "Progress to financial assessment",
    PROVISION_OF_SERVICE,
    "NFA - Deceased",
    "NFA - Moved to another LA",
    "NFA - 100% NHS funded care",
    "NFA - Information & Advice / Signposting only",
    "NFA - Self-funded client (Inc. 12wk disregard)",
    "NFA - Support declined",
    "NFA - Support ended: Other reason",
    "NFA - No services offered: Other reason",
    "NFA- Other",
)
"""In the guidance's order of precedence; 'NFA- Other' is spelt as the guidance spells it."""

SERVICE_END_OUTCOMES = {
    "died": "NFA - Deceased",
    "residential_or_nursing": PROGRESS_TO_SERVICES,
    "no_longer_needs_care": "NFA - Support ended: Other reason",
    "moved_away": "NFA - Moved to another LA",
    "direct_payment": PROGRESS_TO_SERVICES,
    "hospital_long_stay": "Admitted to hospital",
    "short_term_ended": "Service ended as planned",
    "moved_to_another_provider": PROGRESS_TO_SERVICES,
}
"""A home support service's end as its outcome, by the package's end reason
(`packages.domain.EndReason`): a move into a care home, onto a direct payment or to another
provider is a progression to another service, which is its own event."""
SERVICE_ENDED_OTHERWISE = "NFA - Support ended: Other reason"

DISCHARGE_FROM_HOSPITAL = "Discharge from Hospital"
COMMUNITY_ROUTE = "Community / Other route"
ROUTES_OF_ACCESS = (
    "Planned Entry (Transition)",
    DISCHARGE_FROM_HOSPITAL,
    "Diversion from Hospital Services",
    COMMUNITY_ROUTE,
    "Prison",
    "Self-Funder",
    "Discharge from Reablement",
    "Transfer from Other LA",
)

LONG_TERM_COMMUNITY = "Long Term Support: Community"
SERVICE_TYPES = (
    "Long Term Support: Nursing Care",
    "Long Term Support: Residential Care",
    LONG_TERM_COMMUNITY,
    "Long Term Support: Prison",
    "Short Term Support: ST-Max",
    "Short Term Support: Ongoing Low Level",
    "Short Term Support: Other Short Term",
    "Carer Support: Direct to Carer",
    "Carer Support: Support involving the person cared-for",
)

HOME_SUPPORT = "Home Support"
SERVICE_COMPONENTS = (
    "Residential Care",
    "Nursing Care",
    HOME_SUPPORT,
    "Supported Living",
    "Extra Care",
    "Shared Lives",
    "Day Care",
    "Direct Payment",
    "Equipment",
    "Reablement",
    "Short Term Residential Care",
    "Short Term Nursing Care",
    "Carer Respite",
    "Other",
)

CASSR_COMMISSIONED = "CASSR Commissioned Support"
"""The council contracts the provider and pays it: every package in the store."""
DELIVERY_MECHANISMS = (
    "Direct Payment",
    "CASSR Managed Personal Budget",
    CASSR_COMMISSIONED,
    "Self-Funder Metering Only",
)
PERSONAL_BUDGETS = frozenset(DELIVERY_MECHANISMS) - {CASSR_COMMISSIONED}
"""Where the person holds the budget the return must carry its cost."""

PLANNED = "Planned"
UNPLANNED_HOSPITAL = "Unplanned - Hospital (Planned and unplanned episodes)"
REVIEW_REASONS = (
    PLANNED,
    UNPLANNED_HOSPITAL,
    "Unplanned - Carer related",
    "Unplanned - Safeguarding concern",
    "Unplanned - Other Reason",
    "Unplanned - Provider Failure",
    "Unplanned - Change in Commissioning arrangements",
)

FULLY_MET, PARTIALLY_MET, NOT_MET = "Fully Met", "Partially Met", "Not Met"
REVIEW_OUTCOMES = (FULLY_MET, PARTIALLY_MET, NOT_MET)

HOURLY = "Hourly"
COST_FREQUENCIES = (
    HOURLY,
    "Daily",
    "Per session",
    "Weekly",
    "Fortnightly",
    "4-Weekly",
    "Monthly",
    "Quarterly",
    "Annually",
    "One-off",
)
MORE_OFTEN_THAN_WEEKLY = frozenset({HOURLY, "Daily", "Per session"})
"""Planned units per week are needed only when the cost is counted more often than weekly."""


# --- the rules -----------------------------------------------------------------------


class Format(StrEnum):
    TEXT = "text"
    CODE = "code"
    """One of `FieldRule.allowed`, exactly."""
    DATE = "date"
    NHS_NUMBER = "nhs_number"
    LA_CODE = "la_code"
    POSTCODE = "postcode"
    CQC_LOCATION = "cqc_location"
    MONEY = "money"
    UNITS = "units"


@dataclass(frozen=True)
class FieldRule:
    """How one column is checked: where it belongs, when it must be filled, what it holds."""

    column: str
    format: Format
    applies_to: frozenset[EventType] = ALL_EVENTS
    mandatory_for: frozenset[EventType] = frozenset()
    allowed: tuple[str, ...] = ()
    only_when: tuple[str, frozenset[str]] | None = None
    """Mandatory only when this other column holds one of these values."""


RULES: tuple[FieldRule, ...] = (
    FieldRule("LA_Code", Format.LA_CODE, mandatory_for=ALL_EVENTS),
    FieldRule("NHS_Number", Format.NHS_NUMBER, mandatory_for=ALL_EVENTS),
    FieldRule("LA_Person_Unique_Identifier", Format.TEXT, mandatory_for=ALL_EVENTS),
    FieldRule("Gender", Format.CODE, mandatory_for=ALL_EVENTS, allowed=GENDERS),
    FieldRule("Ethnicity", Format.CODE, mandatory_for=ALL_EVENTS, allowed=ETHNICITIES),
    FieldRule("Date_of_Birth", Format.DATE, mandatory_for=ALL_EVENTS),
    FieldRule("Postcode", Format.POSTCODE, mandatory_for=ALL_EVENTS),
    FieldRule("Client_Type", Format.CODE, mandatory_for=ALL_EVENTS, allowed=CLIENT_TYPES),
    FieldRule(
        "Primary_Support_Reason",
        Format.CODE,
        mandatory_for=NOT_REQUESTS,
        allowed=PRIMARY_SUPPORT_REASONS,
    ),
    FieldRule(
        "Event_Type",
        Format.CODE,
        mandatory_for=ALL_EVENTS,
        allowed=tuple(e.value for e in EventType),
    ),
    FieldRule("Event_Reference", Format.TEXT),
    FieldRule("Event_Start_Date", Format.DATE, mandatory_for=ALL_EVENTS),
    FieldRule("Event_End_Date", Format.DATE, mandatory_for=NOT_SERVICES),
    FieldRule("Event_Outcome", Format.CODE, mandatory_for=ALL_EVENTS, allowed=EVENT_OUTCOMES),
    FieldRule(
        "Request_Route_of_Access",
        Format.CODE,
        applies_to=REQUESTS,
        mandatory_for=REQUESTS,
        allowed=ROUTES_OF_ACCESS,
    ),
    FieldRule(
        "Service_Type",
        Format.CODE,
        applies_to=SERVICES,
        mandatory_for=SERVICES,
        allowed=SERVICE_TYPES,
    ),
    FieldRule(
        "Service_Component",
        Format.CODE,
        applies_to=SERVICES,
        mandatory_for=SERVICES,
        allowed=SERVICE_COMPONENTS,
    ),
    FieldRule("Delivery_Mechanism", Format.CODE, applies_to=SERVICES, allowed=DELIVERY_MECHANISMS),
    FieldRule("Provider_CQC_Location_ID", Format.CQC_LOCATION, applies_to=SERVICES),
    FieldRule(
        "Review_Reason",
        Format.CODE,
        applies_to=REVIEWS,
        mandatory_for=REVIEWS,
        allowed=REVIEW_REASONS,
    ),
    FieldRule(
        "Review_Outcomes_Achieved",
        Format.CODE,
        applies_to=REVIEWS,
        mandatory_for=REVIEWS,
        allowed=REVIEW_OUTCOMES,
        only_when=("Review_Reason", frozenset({PLANNED})),
    ),
    FieldRule(
        "Unit_Cost",
        Format.MONEY,
        applies_to=SERVICES,
        mandatory_for=SERVICES,
        only_when=("Delivery_Mechanism", PERSONAL_BUDGETS),
    ),
    FieldRule(
        "Cost_Frequency_Unit_Type",
        Format.CODE,
        applies_to=SERVICES,
        mandatory_for=SERVICES,
        allowed=COST_FREQUENCIES,
        only_when=("Delivery_Mechanism", PERSONAL_BUDGETS),
    ),
    FieldRule(
        "Planned_units_per_week",
        Format.UNITS,
        applies_to=SERVICES,
        mandatory_for=SERVICES,
        only_when=("Cost_Frequency_Unit_Type", MORE_OFTEN_THAN_WEEKLY),
    ),
)
"""One rule per column, in column order. Following DHSC's own checks, unit cost and its
frequency must be given where the person holds the budget (for commissioned support the
council may leave them out, though this platform always fills them), and an hourly cost
needs the planned hours a week beside it."""
