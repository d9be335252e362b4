"""Builds a council's CLD return for one calendar quarter from what the store holds.

Where each column comes from:

- Person columns, on every row: `LA_Code` is the council's `la_code`; `NHS_Number` and
  `Date_of_Birth` and `Postcode` are the person's; `LA_Person_Unique_Identifier` is the
  person's id in the store, which never changes. `Gender` is the recorded gender, or
  "Unknown" (the guidance's code) where none is recorded. `Ethnicity` is
  the recorded ethnicity put into the 2021 Census wording where the words say the same
  thing (`cld_ethnicity`); nothing recorded gives "Undeclared or Not known", and words
  that match no group go out as written, for the validator to point at. Everyone in the
  store receives care, so `Client_Type` is "Service User". `Primary_Support_Reason` is
  the person's recorded reason; where none is recorded it is blank, and as it is
  mandatory for assessments, services and reviews the validator reports each one.
- Request: one per referral received in the quarter, on the day it was received (start
  and end): a referral is a professional's request that the council arrange care, dealt
  with on arrival by brokerage. `Request_Route_of_Access` comes from the referral's
  source (hospital discharge, else community). `Event_Outcome` comes from the referral's
  status: placed, or still being brokered, is "Progress to Support Planning / Services"
  (the CLD code for a request that goes on to services; the long-term support itself is
  the Service row); withdrawn is coded from the reason given where the words are plain
  (`withdrawn_outcome`), and left blank otherwise.
- Assessment: a referral from social work is the social worker's completed Care Act
  assessment (needs, hours, visit pattern, outcomes sought), so it gives an Assessment
  on the same day with outcome "Progress to Support Planning / Services". Hospital
  discharge and NHS referrals are not the council's assessment and give none.
- Service: one per package active on any day of the quarter: start is the package's
  start, end is its end when that falls on or before the quarter's last day, else blank
  with outcome "Provision of service". Why a package ended is not held, so an ended
  service's outcome is blank. "Long Term Support: Community", "Home Support", "CASSR
  Commissioned Support"; the provider's CQC location; `Unit_Cost` is the hourly rate in
  pounds, "Hourly", and `Planned_units_per_week` the carer hours a week (a two-handed
  hour counts twice, as it is paid), both as the package stands now.
- Review: one per review done in the quarter, on the day it was done. First and
  scheduled reviews are "Planned", reviews after a hospital stay "Unplanned - Hospital
  (...)". `Review_Outcomes_Achieved` is the reviewer's judgement where recorded, else
  it reads the Outcomes Tool ratings (`outcomes_achieved`); an opt-out without a
  judgement leaves it blank. The outcome is "Progress to Support
  Planning / Services" when a change to the package's hours was recorded that day, else
  "No change in package".
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TextIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecare import audit, units
from homecare.access import Actor, Permission
from homecare.brokerage.domain import ReferralSource, ReferralStatus
from homecare.brokerage.repository import readable_referrals
from homecare.brokerage.tables import Referral
from homecare.calendar import LONDON, local_date
from homecare.changes.tables import ProviderChange
from homecare.cld import spec
from homecare.cld.direct_payments import direct_payment_row, direct_payments_in
from homecare.cld.spec import COLUMNS, EVENT_ORDER, EventType
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.market.tables import Organisation
from homecare.packages.repository import readable_by_package, readable_packages
from homecare.packages.tables import Package
from homecare.people.repository import readable_people
from homecare.people.tables import Person
from homecare.reviews.domain import ReviewKind
from homecare.reviews.tables import Review

CldRow = dict[str, str]
"""One row of the return: every column, as text, blank when not known."""

_QUARTER = re.compile(r"^([12]\d{3})Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: Q3 runs from 1 July to 30 September."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)


def parse_quarter(text: str) -> Quarter:
    """'2026Q3' and the like, or a 422 that names the `quarter`."""
    match = _QUARTER.match(text.strip().upper())
    if not match:
        raise InvalidInput(
            f"'{text}' is not a calendar quarter written like 2026Q3", field="quarter"
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class CldExtract:
    """A council's return for a quarter, rows ordered by person then event date."""

    council_id: int
    la_code: str
    quarter: Quarter
    rows: list[CldRow]

    @property
    def filename(self) -> str:
        return f"cld-{self.la_code}-{self.quarter.label}.csv"

    def counts(self) -> dict[str, int]:
        """Rows per event type, every type listed, in pathway order."""
        seen = Counter(row["Event_Type"] for row in self.rows)
        return {event.value: seen[event.value] for event in EventType}

    def csv_text(self) -> str:
        buffer = io.StringIO()
        write_csv(self.rows, buffer)
        return buffer.getvalue()


def write_csv(rows: Iterable[CldRow], stream: TextIO) -> None:
    """The return as DHSC takes it: the exact column names as the header, then the rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)


# --- mappings from the store's vocabulary to the return's -------------------------------

_ETHNICITY_WORDS = {
    "white british": "White - English, Welsh, Scottish, Northern Irish or British",
    "british": "White - English, Welsh, Scottish, Northern Irish or British",
    "white irish": "White - Irish",
    "white - other": "White - Any other White background",
    "white - european": "White - Any other White background",
    "white other": "White - Any other White background",
    "asian or asian british - other asian origin": (
        "Asian or Asian British - Any other Asian background"
    ),
    "black or black british - caribbean": "Black, Black British, Caribbean or African - Caribbean",
    "black or black british - african": "Black, Black British, Caribbean or African - African",
    "any other ethnic group": "Other ethnic group - Any other ethnic group",
    "information not yet obtained": spec.ETHNICITY_NOT_KNOWN,
    "not known": spec.ETHNICITY_NOT_KNOWN,
    "not stated": spec.ETHNICITY_NOT_KNOWN,
}
"""Words the store holds (see scenario.figures) that name exactly one Census group."""

_ETHNICITY_BY_FOLDED = {value.casefold(): value for value in spec.ETHNICITIES}


def cld_ethnicity(recorded: str | None) -> str:
    """The recorded ethnicity in the guidance's words; unmatched words pass unchanged."""
    if recorded is None or not recorded.strip():
        return spec.ETHNICITY_NOT_KNOWN
    folded = " ".join(recorded.split()).casefold()
    return _ETHNICITY_BY_FOLDED.get(folded) or _ETHNICITY_WORDS.get(folded) or recorded.strip()


def route_of_access(source: str) -> str:
    """A hospital discharge team's referral, or one from the community (social work, NHS)."""
    if source == ReferralSource.HOSPITAL_DISCHARGE.value:
        return spec.DISCHARGE_FROM_HOSPITAL
    return spec.COMMUNITY_ROUTE


_WITHDRAWN_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bdirect payments?\b"), spec.PROGRESS_TO_SERVICES),
    (re.compile(r"\b(died|deceased|passed away)\b"), "NFA - Deceased"),
    (
        re.compile(r"\b(person|client|family|she|he|they) (has |have )?declined\b|\brefused\b"),
        "NFA - Support declined",
    ),
    (re.compile(r"\bself[- ]fund"), "NFA - Self-funded client (Inc. 12wk disregard)"),
    (re.compile(r"\b(continuing health ?care|nhs[- ]funded)\b"), "NFA - 100% NHS funded care"),
    (
        re.compile(r"\bmoved (to|into) (another|a different) (council|local authority|la)\b"),
        "NFA - Moved to another LA",
    ),
)
"""Plain words in a withdrawal reason, and the outcome they mean. A direct payment is a
service the person arranges, so the request still goes on to services."""


def withdrawn_outcome(reason: str | None) -> str:
    """The outcome a withdrawal reason plainly states, or blank for a person to code."""
    text = (reason or "").casefold()
    for pattern, outcome in _WITHDRAWN_REASONS:
        if pattern.search(text):
            return outcome
    return ""


def request_outcome(status: str, closed_reason: str | None) -> str:
    if status == ReferralStatus.WITHDRAWN.value:
        return withdrawn_outcome(closed_reason)
    return spec.PROGRESS_TO_SERVICES


def review_reason(kind: str) -> str:
    if kind == ReviewKind.AFTER_HOSPITAL.value:
        return spec.UNPLANNED_HOSPITAL
    return spec.PLANNED


MET_FROM, PARTLY_MET_FROM = 4, 3
"""On the Outcomes Tool's 1-5 scale a domain rated 4 or 5 is met, 3 partly met."""


def outcomes_achieved(scores: Iterable[int | None], *, opted_out: bool) -> str:
    """All three domains met: Fully Met; any met or partly met: Partially Met; else Not Met.

    The guidance's rule: 'Partially met' where at least one outcome is fully or partially
    met. An opt-out, or a review without all three ratings, gives blank.
    """
    given = list(scores)
    if opted_out or not given or any(score is None for score in given):
        return ""
    if all(score is not None and score >= MET_FROM for score in given):
        return spec.FULLY_MET
    if any(score is not None and score >= PARTLY_MET_FROM for score in given):
        return spec.PARTIALLY_MET
    return spec.NOT_MET


GENDERS = {"female": "Female", "male": "Male", "other": "Other"}
"""The store's genders in the return's words."""
JUDGED = {"fully": spec.FULLY_MET, "partially": spec.PARTIALLY_MET, "not": spec.NOT_MET}
"""A reviewer's judgement of the outcomes in the return's words."""


def pounds(pence: int) -> str:
    """The return's money columns: pounds as text to two places."""
    return str(units.pounds(pence))


def hours(minutes: int) -> str:
    """The return's hours columns: hours as text to two places."""
    return str(units.hours(minutes))


# --- rows --------------------------------------------------------------------------------


def _person_columns(la_code: str, person: Person) -> CldRow:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        LA_Code=la_code,
        NHS_Number=person.nhs_number,
        LA_Person_Unique_Identifier=str(person.id),
        Gender=GENDERS.get(person.gender or "", spec.GENDER_NOT_RECORDED),
        Ethnicity=cld_ethnicity(person.ethnicity),
        Date_of_Birth=person.date_of_birth.isoformat(),
        Postcode=person.postcode,
        Client_Type=spec.SERVICE_USER,
        Primary_Support_Reason=person.primary_support_reason or "",
    )
    return row


def request_row(base: CldRow, referral: Referral) -> CldRow:
    received = local_date(referral.referred_at).isoformat()
    return base | {
        "Event_Type": EventType.REQUEST.value,
        "Event_Reference": f"REQ-{referral.id}",
        "Event_Start_Date": received,
        "Event_End_Date": received,
        "Event_Outcome": request_outcome(referral.status, referral.closed_reason),
        "Request_Route_of_Access": route_of_access(referral.source),
    }


def assessment_row(base: CldRow, referral: Referral) -> CldRow:
    assessed = local_date(referral.referred_at).isoformat()
    return base | {
        "Event_Type": EventType.ASSESSMENT.value,
        "Event_Reference": f"ASM-{referral.id}",
        "Event_Start_Date": assessed,
        "Event_End_Date": assessed,
        "Event_Outcome": spec.PROGRESS_TO_SERVICES,
    }


def service_row(base: CldRow, package: Package, cqc_location: str, quarter: Quarter) -> CldRow:
    ended = package.ends_on is not None and package.ends_on <= quarter.last_day
    return base | {
        "Event_Type": EventType.SERVICE.value,
        "Event_Reference": f"SVC-{package.id}",
        "Event_Start_Date": package.starts_on.isoformat(),
        "Event_End_Date": package.ends_on.isoformat() if ended and package.ends_on else "",
        "Event_Outcome": (
            spec.SERVICE_END_OUTCOMES.get(package.end_reason or "", spec.SERVICE_ENDED_OTHERWISE)
            if ended
            else spec.PROVISION_OF_SERVICE
        ),
        "Service_Type": spec.LONG_TERM_COMMUNITY,
        "Service_Component": spec.HOME_SUPPORT,
        "Delivery_Mechanism": spec.CASSR_COMMISSIONED,
        "Provider_CQC_Location_ID": cqc_location,
        "Unit_Cost": pounds(package.hourly_rate_pence),
        "Cost_Frequency_Unit_Type": spec.HOURLY,
        "Planned_units_per_week": hours(package.weekly_minutes),
    }


def review_row(base: CldRow, review: Review, *, package_changed: bool) -> CldRow:
    assert review.done_on is not None, "only reviews done are events"
    done = review.done_on.isoformat()
    return base | {
        "Event_Type": EventType.REVIEW.value,
        "Event_Reference": f"REV-{review.id}",
        "Event_Start_Date": done,
        "Event_End_Date": done,
        "Event_Outcome": (
            spec.PROGRESS_TO_SERVICES if package_changed else spec.NO_CHANGE_IN_PACKAGE
        ),
        "Review_Reason": review_reason(review.kind),
        "Review_Outcomes_Achieved": JUDGED.get(review.outcomes_achieved or "")
        or outcomes_achieved(
            (review.wellbeing, review.home, review.community), opted_out=review.opted_out
        ),
    }


def _sort_key(row: CldRow) -> tuple[int, str, int, int]:
    reference = row["Event_Reference"]
    return (
        int(row["LA_Person_Unique_Identifier"]),
        row["Event_Start_Date"],
        EVENT_ORDER[EventType(row["Event_Type"])],
        int(reference.split("-", 1)[1]),
    )


# --- the store ---------------------------------------------------------------------------


def may_export(actor: Actor) -> bool:
    """Council staff who watch KPIs or run the market; nobody outside the council."""
    return actor.is_council and (
        actor.may(Permission.VIEW_KPIS) or actor.may(Permission.MANAGE_MARKET)
    )


def _council(session: Session, actor: Actor) -> Organisation:
    if not may_export(actor) or actor.organisation_id is None:
        raise Forbidden(
            "only council staff who view KPIs or manage the market may export the "
            "council's client-level data"
        )
    council = session.get(Organisation, actor.organisation_id)
    assert council is not None, "an actor's organisation exists"
    if not council.la_code:
        raise Conflict(
            f"{council.name} has no LA code (e.g. E08000035): record it before making the return",
            field="la_code",
        )
    return council


def _referrals(session: Session, actor: Actor, council_id: int, quarter: Quarter) -> list[Referral]:
    start = datetime.combine(quarter.first_day, time(0), tzinfo=LONDON)
    end = datetime.combine(quarter.last_day + timedelta(days=1), time(0), tzinfo=LONDON)
    stmt = readable_referrals(actor).where(
        Referral.council_id == council_id, Referral.referred_at >= start, Referral.referred_at < end
    )
    return list(session.scalars(stmt.order_by(Referral.id)))


def _packages(session: Session, actor: Actor, council_id: int, quarter: Quarter) -> list[Package]:
    stmt = readable_packages(actor).where(
        Package.council_id == council_id,
        Package.starts_on <= quarter.last_day,
        or_(Package.ends_on.is_(None), Package.ends_on >= quarter.first_day),
    )
    return list(session.scalars(stmt.order_by(Package.id)))


def _reviews(session: Session, actor: Actor, council_id: int, quarter: Quarter) -> list[Review]:
    mine = select(Package.id).where(Package.council_id == council_id)
    stmt = readable_by_package(actor, Review).where(
        Review.package_id.in_(mine),
        Review.done_on >= quarter.first_day,
        Review.done_on <= quarter.last_day,
    )
    return list(session.scalars(stmt.order_by(Review.id)))


def _changed_on(session: Session, package_ids: set[int]) -> set[tuple[int, date]]:
    """(package, day) pairs on which a change to the package's hours was recorded."""
    if not package_ids:
        return set()
    rows = session.execute(
        select(ProviderChange.package_id, ProviderChange.created_at).where(
            ProviderChange.package_id.in_(package_ids)
        )
    )
    return {(package_id, local_date(at)) for package_id, at in rows}


def build_cld(session: Session, *, actor: Actor, quarter: str) -> CldExtract:
    """The actor's council's return for the quarter, e.g. '2026Q3' (1 July-30 September)."""
    council = _council(session, actor)
    period = parse_quarter(quarter)
    la_code = council.la_code or ""
    referrals = _referrals(session, actor, council.id, period)
    packages = _packages(session, actor, council.id, period)
    reviews = _reviews(session, actor, council.id, period)
    person_ids = {r.person_id for r in referrals} | {p.person_id for p in packages}
    person_ids |= {r.person_id for r in reviews}
    payments = direct_payments_in(session, actor, council.id, period.first_day, period.last_day)
    person_ids |= {d.person_id for d in payments}
    people = {
        p.id: p for p in session.scalars(readable_people(actor).where(Person.id.in_(person_ids)))
    }
    providers = {p.provider_id for p in packages}
    locations = select(Organisation.id, Organisation.cqc_location_id).where(
        Organisation.id.in_(providers)
    )
    cqc = {provider_id: location for provider_id, location in session.execute(locations)}
    changed = _changed_on(session, {r.package_id for r in reviews})

    def base(person_id: int) -> CldRow:
        return _person_columns(la_code, people[person_id])

    rows: list[CldRow] = []
    for referral in referrals:
        rows.append(request_row(base(referral.person_id), referral))
        if referral.source == ReferralSource.SOCIAL_WORK.value:
            rows.append(assessment_row(base(referral.person_id), referral))
    for package in packages:
        cqc_location = cqc.get(package.provider_id) or ""
        rows.append(service_row(base(package.person_id), package, cqc_location, period))
    rows += [direct_payment_row(base(d.person_id), d, period.last_day) for d in payments]
    for review in reviews:
        changed_that_day = (review.package_id, review.done_on) in changed
        rows.append(review_row(base(review.person_id), review, package_changed=changed_that_day))
    rows.sort(key=_sort_key)
    return CldExtract(council_id=council.id, la_code=la_code, quarter=period, rows=rows)


def record_export(session: Session, *, actor: Actor, at: datetime, extract: CldExtract) -> None:
    """NHS numbers are leaving the platform: the audit trail says who took them, and when."""
    audit.record(
        session,
        actor=actor,
        at=at,
        action="export.cld",
        entity="organisation",
        entity_id=extract.council_id,
        quarter=extract.quarter.label,
        rows=len(extract.rows),
        filename=extract.filename,
    )
