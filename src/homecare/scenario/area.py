"""What a built area hands to the simulations that play it."""

from __future__ import annotations

from dataclasses import dataclass, field

from homecare.access import Actor
from homecare.scenario.figures import AreaProfile
from homecare.scenario.plans import NhsNumbers, ReferralPlan


@dataclass
class Area:
    """The area's organisations, the referrals still to arrive and the demo users, so the
    month of brokerage and the weeks of delivery act through the same accounts."""

    profile: AreaProfile
    council_id: int
    trust_id: int
    zone_ids: list[int]
    provider_ids: dict[str, int]
    primary_ids: set[int]
    """Providers holding a zone's primary contract; none in a city-wide framework."""
    referrals: list[ReferralPlan]
    tokens: dict[str, str] = field(default_factory=dict)
    """Demo users' bearer tokens, by a label such as 'broker'."""
    actors: dict[str, Actor] = field(default_factory=dict)
    """The same demo users as actors, for the simulation to act through."""
    nhs_numbers: NhsNumbers | None = None
    emails: dict[str, str] = field(default_factory=dict)
    """The demo users' sign-in emails, by the same labels; all share `DEMO_PASSWORD`."""
