"""Who commissions each lot, in words, and the lots an NHS trust's own users work in.

A lot is the council's unless it names the NHS trust that commissions it with the council
(`lot.commissioned_by_id`, docs/adr/0023-delegated-tasks-and-trust-lots.md). The pages
that list lots say which; a trust's nurse finds their trust's lot in the navigation. Read
through the market repository, as the API's `/lots` is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from homecare.access import Actor, Role
from homecare.market import repository as market
from homecare.market.tables import Lot

OUR_LOT = "/app/our-lot"


def commissioned_by(session: Session, actor: Actor, *, trusts_only: bool = False) -> dict[int, str]:
    """Each lot the actor may read, by id, and who commissions it: "Commissioned by Leeds
    Community Healthcare NHS Trust", or by the council when it commissions it alone; only
    the lots a trust commissions with `trusts_only`, for lists where the council goes
    without saying."""
    names: dict[int, str] = {}
    said: dict[int, str] = {}
    for lot in market.lots(session, actor):
        if trusts_only and lot.commissioned_by_id is None:
            continue
        by = lot.commissioned_by_id or lot.council_id
        if by not in names:
            names[by] = market.organisation(session, actor, by).name
        said[lot.id] = f"Commissioned by {names[by]}"
    return said


def trust_lots(session: Session, actor: Actor) -> list[Lot]:
    """The lots the actor's NHS trust commissions; none for anyone else."""
    if actor.role is not Role.NEIGHBOURHOOD_NURSE:
        return []
    return market.commissioned_lots(session, actor)


def lot_words(lot: Lot) -> str:
    """'Lot 2 (Delegated healthcare)'."""
    return f"Lot {lot.number} ({lot.name})"


def nav_label(lots: list[Lot]) -> str | None:
    """The navigation's item for a trust's own lot: 'Our lot: Lot 2 (Delegated
    healthcare)', or 'Our lots' when the trust commissions more than one."""
    if not lots:
        return None
    return f"Our lot: {lot_words(lots[0])}" if len(lots) == 1 else "Our lots"
