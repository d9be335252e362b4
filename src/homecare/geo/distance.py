"""Distances on the earth's surface: rounds plan with them and call monitoring checks them."""

from __future__ import annotations

import math

Point = tuple[float, float]
"""(latitude, longitude) in degrees."""

EARTH_RADIUS_KM = 6371.0088
"""The mean radius of the earth (IUGG)."""


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance in kilometres; stable for the short hops of a care round."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def metres_between(a: Point, b: Point) -> float:
    """Haversine distance in metres between two (latitude, longitude) points."""
    return great_circle_km(a, b) * 1000
