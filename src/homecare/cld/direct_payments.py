"""Direct payments in the client-level data return: a long-term service in the community
whose component and delivery mechanism are both "Direct Payment", with its weekly cost
(DHSC's checks want the cost where the person holds the budget)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlalchemy.orm import Session

from homecare import units
from homecare.access import Actor
from homecare.cld import spec
from homecare.cld.spec import EventType
from homecare.money.budget_repository import readable_direct_payments
from homecare.money.budget_tables import DirectPayment

DIRECT_PAYMENT = "Direct Payment"
WEEKLY = "Weekly"


def direct_payments_in(
    session: Session, actor: Actor, council_id: int, first_day: date, last_day: date
) -> list[DirectPayment]:
    """The council's direct payments running at some point in the quarter."""
    stmt = readable_direct_payments(actor).where(
        DirectPayment.council_id == council_id,
        DirectPayment.starts_on <= last_day,
        or_(DirectPayment.ends_on.is_(None), DirectPayment.ends_on >= first_day),
    )
    return list(session.scalars(stmt.order_by(DirectPayment.id)))


def direct_payment_row(
    base: dict[str, str], payment: DirectPayment, last_day: date
) -> dict[str, str]:
    ended = payment.ends_on is not None and payment.ends_on <= last_day
    return base | {
        "Event_Type": EventType.SERVICE.value,
        "Event_Reference": f"DP-{payment.id}",
        "Event_Start_Date": payment.starts_on.isoformat(),
        "Event_End_Date": payment.ends_on.isoformat() if ended and payment.ends_on else "",
        "Event_Outcome": spec.SERVICE_ENDED_OTHERWISE if ended else spec.PROVISION_OF_SERVICE,
        "Service_Type": spec.LONG_TERM_COMMUNITY,
        "Service_Component": DIRECT_PAYMENT,
        "Delivery_Mechanism": DIRECT_PAYMENT,
        "Provider_CQC_Location_ID": "",
        "Unit_Cost": str(units.pounds(payment.weekly_pence)),
        "Cost_Frequency_Unit_Type": WEEKLY,
        "Planned_units_per_week": "",
    }
