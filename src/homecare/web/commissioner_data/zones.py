"""The zones: who serves each, who is cared for there, and its outline for the map."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.geo.tables import PostcodePoint
from homecare.market.tables import Zone, ZoneLsoa
from homecare.web.commissioner_data import active_packages, council_zones, places


@dataclass(frozen=True)
class ZoneSummary:
    id: int
    name: str
    city_wide: bool
    lsoas: list[str]
    primary: list[str]
    framework: list[str]
    people: int
    weekly_hours: Decimal
    outline: list[tuple[float, float]]
    """(longitude, latitude) corners of the convex hull of its postcodes, closed."""


def zone_summaries(session: Session, actor: Actor, today: date) -> list[ZoneSummary]:
    where = places(session, actor)
    roles: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for held in where.contracts.values():
        roles[held.zone_id][held.role].add(where.providers[held.provider_id])
    people: dict[int, set[int]] = defaultdict(set)
    minutes: dict[int, int] = defaultdict(int)
    for package in session.scalars(active_packages(actor, today)):
        contract = where.contracts.get(package.contract_id)
        if contract is not None:
            people[contract.zone_id].add(package.person_id)
            minutes[contract.zone_id] += package.weekly_minutes
    return [
        ZoneSummary(
            id=zone.id,
            name=zone.name,
            city_wide=zone.city_wide,
            lsoas=[z.lsoa_code for z in zone.lsoas],
            primary=sorted(roles[zone.id]["primary"]),
            framework=sorted(roles[zone.id]["framework"] - roles[zone.id]["primary"]),
            people=len(people[zone.id]),
            weekly_hours=Decimal(minutes[zone.id]) / 60,
            outline=convex_hull(_zone_points(session, zone)),
        )
        for zone in council_zones(session, actor)
    ]


def _zone_points(session: Session, zone: Zone) -> list[tuple[float, float]]:
    codes = select(ZoneLsoa.lsoa_code).where(ZoneLsoa.zone_id == zone.id)
    stmt = select(PostcodePoint.longitude, PostcodePoint.latitude).where(
        PostcodePoint.lsoa_code.in_(codes)
    )
    return [(round(x, 6), round(y, 6)) for x, y in session.execute(stmt)]


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; a closed ring, or the points themselves when fewer than 3."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(ordered: list[tuple[float, float]]) -> list[tuple[float, float]]:
        chain: list[tuple[float, float]] = []
        for p in ordered:
            while len(chain) >= 2 and turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(unique), half(list(reversed(unique)))
    ring = lower[:-1] + upper[:-1]
    return [*ring, ring[0]]


def zones_geojson(zones: list[ZoneSummary]) -> dict[str, Any]:
    """A FeatureCollection: each zone's outline with what the map's labels say."""
    features = []
    for zone in zones:
        if len(zone.outline) >= 4:
            geometry: dict[str, Any] = {"type": "Polygon", "coordinates": [zone.outline]}
        elif zone.outline:
            geometry = {"type": "MultiPoint", "coordinates": zone.outline}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": zone.id,
                "geometry": geometry,
                "properties": {
                    "name": zone.name,
                    "primary": ", ".join(zone.primary) or "None",
                    "framework": ", ".join(zone.framework) or "None",
                    "people": zone.people,
                    "weekly_hours": float(zone.weekly_hours),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def policy_with_tiles(policy: str, tiles_url: str) -> str:
    """The page's policy, letting images come from the tile server as well.

    A `{s}` subdomain placeholder becomes a wildcard, as the tile layer picks one.
    """
    parts = urlsplit(tiles_url.replace("{s}", "subdomain"))
    host = (parts.hostname or "").replace("subdomain", "*")
    port = f":{parts.port}" if parts.port else ""
    source = f"{parts.scheme}://{host}{port}"
    return policy.replace("img-src 'self' data:", f"img-src 'self' data: {source}", 1)
