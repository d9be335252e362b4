"""The outline around a set of points, so an area can be drawn from its postcodes."""

from __future__ import annotations

from collections.abc import Iterable

Point = tuple[float, float]


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """Andrew's monotone chain; a closed ring, or the points themselves when fewer than 3."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def turn(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(ordered: list[Point]) -> list[Point]:
        chain: list[Point] = []
        for p in ordered:
            while len(chain) >= 2 and turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(unique), half(list(reversed(unique)))
    ring = lower[:-1] + upper[:-1]
    return [*ring, ring[0]]
