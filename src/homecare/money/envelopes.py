"""Envelopes of time, banked hours and hospital stays: amounts paid outside any one visit.

Rounding as for visits: minutes × hourly pence ÷ 60, half up to the penny, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from homecare.money.payment_rules import PaymentRules, pence_for
from homecare.money.payment_terms import EnvelopeBasis, money


@dataclass(frozen=True)
class Amount:
    """A sum outside any one visit (an envelope, a draw on banked hours, hospital days)."""

    minutes: int
    pence: int
    decided_by: str


def pay_envelope(
    delivered_minutes: int, envelope_minutes: int, hourly_rate_pence: int, rules: PaymentRules
) -> Amount:
    """A week's envelope of time: delivered minutes paid up to the envelope (the rest is
    banked, and paid only when drawn), or the whole envelope where the contract says so."""
    if rules.pay_envelopes_on is EnvelopeBasis.WHOLE_ENVELOPE:
        minutes = envelope_minutes
        words = f"the whole envelope of {envelope_minutes} minutes"
    else:
        minutes = max(0, min(delivered_minutes, envelope_minutes))
        words = f"{delivered_minutes} delivered minutes, up to the envelope of {envelope_minutes}"
    pence = pence_for(minutes, hourly_rate_pence)
    return Amount(
        minutes,
        pence,
        f"Paid {words}: {minutes} × {money(hourly_rate_pence)} an hour = {money(pence)}",
    )


def pay_banked_draw(drawn_minutes: int, hourly_rate_pence_on_day_drawn: int) -> Amount:
    """Banked hours are paid when drawn, at the rate of the day they are drawn: the care is
    given then, so the provider's costs are that day's."""
    pence = pence_for(drawn_minutes, hourly_rate_pence_on_day_drawn)
    rate = money(hourly_rate_pence_on_day_drawn)
    return Amount(
        drawn_minutes,
        pence,
        f"Banked hours drawn: {drawn_minutes} × {rate} an hour = {money(pence)}",
    )


def pay_hospital_days(days: int, rules: PaymentRules) -> Amount:
    """A retainer for each day of a hospital stay, so the package is there to come home to."""
    pence = days * rules.hospital_day_pence
    each = money(rules.hospital_day_pence)
    return Amount(0, pence, f"{days} days in hospital × {each} a day = {money(pence)}")
