"""The outline around a set of points, so an area can be drawn from its postcodes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

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


Segment = tuple[Point, Point]


def area_boundaries(
    points: Sequence[tuple[float, float, str]],
    *,
    cells: int = 150,
    reach_metres: float = 250.0,
) -> list[Segment]:
    """Where one area (an LSOA) meets another, drawn from postcode points alone.

    Each cell of a grid over the points belongs to the area of its nearest postcode
    (the Voronoi cells of the postcodes, merged by area, as seen at the grid's grain);
    cells further than `reach_metres` from any postcode belong to none. The edges between
    cells of different areas are the boundaries, merged into straight runs. This gives a
    map a sense of place without boundary files or tiles; it is not a surveyed boundary.
    Points are (longitude, latitude, area); segments are ((lon, lat), (lon, lat)).
    """
    if len(points) < 2:
        return []
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    names = sorted({p[2] for p in points})
    area = np.array([names.index(p[2]) for p in points])
    metres_x = 111_320 * math.cos(math.radians(float(lat.mean())))
    metres_y = 110_574.0
    pad = reach_metres  # room around the points for the outer edge to show
    x, y = (lon - lon.min()) * metres_x + pad, (lat - lat.min()) * metres_y + pad
    size = max(float(x.max()), float(y.max()), 1.0) / cells
    nx, ny = int((x.max() + pad) / size) + 2, int((y.max() + pad) / size) + 2
    centres_x = (np.arange(nx) + 0.5) * size
    centres_y = (np.arange(ny) + 0.5) * size
    grid_x, grid_y = np.meshgrid(centres_x, centres_y)  # rows are y, columns x
    flat_x, flat_y = grid_x.ravel(), grid_y.ravel()
    label = np.empty(flat_x.size, dtype=np.int64)
    for begin in range(0, flat_x.size, 2_000):
        end = begin + 2_000
        d2 = (flat_x[begin:end, None] - x[None, :]) ** 2 + (
            flat_y[begin:end, None] - y[None, :]
        ) ** 2
        nearest = d2.argmin(axis=1)
        far = d2[np.arange(nearest.size), nearest] > reach_metres**2
        label[begin:end] = np.where(far, -1, area[nearest])
    grid = label.reshape(ny, nx)

    def lonlat(gx: float, gy: float) -> Point:
        return (
            round(float(lon.min()) + (gx * size - pad) / metres_x, 5),
            round(float(lat.min()) + (gy * size - pad) / metres_y, 5),
        )

    segments: list[Segment] = []
    # Edges between horizontal neighbours are vertical lines at x = column + 1.
    differs = (grid[:, :-1] != grid[:, 1:]) & ((grid[:, :-1] >= 0) | (grid[:, 1:] >= 0))
    for column in range(nx - 1):
        for start, stop in _runs(differs[:, column]):
            segments.append((lonlat(column + 1, start), lonlat(column + 1, stop)))
    differs = (grid[:-1, :] != grid[1:, :]) & ((grid[:-1, :] >= 0) | (grid[1:, :] >= 0))
    for row in range(ny - 1):
        for start, stop in _runs(differs[row, :]):
            segments.append((lonlat(start, row + 1), lonlat(stop, row + 1)))
    return segments


def _runs(flags: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(first, one past last) of each run of True."""
    runs, start = [], None
    for index, flag in enumerate(flags.tolist()):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs
