"""Area boundaries drawn from postcode points: where the nearest postcode's LSOA changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecare.geo.outline import area_boundaries


def test_two_areas_side_by_side_are_parted_by_a_line_between_them() -> None:
    # Area A's postcodes at longitude -1.600, area B's at -1.596 (about 260 m apart at
    # latitude 53.8), each a column of points 100 m apart. The boundary lies between them.
    west = [(-1.600, 53.800 + i * 0.0009, "A") for i in range(5)]
    east = [(-1.596, 53.800 + i * 0.0009, "B") for i in range(5)]
    segments = area_boundaries(west + east, reach_metres=400)
    between = [s for s in segments if s[0][0] == s[1][0] and -1.5995 < s[0][0] < -1.5965]
    assert between, segments


def test_one_area_alone_has_only_its_outer_edge() -> None:
    points = [(-1.6 + i * 0.0005, 53.8 + j * 0.0005, "A") for i in range(4) for j in range(4)]
    segments = area_boundaries(points, reach_metres=100)
    lons = [p[0] for s in segments for p in s]
    # Every segment is on the edge of the covered area, not inside it.
    assert segments and min(lons) < -1.6 and max(lons) > -1.6 + 3 * 0.0005


@given(
    st.lists(
        st.tuples(
            st.floats(-1.62, -1.58), st.floats(53.78, 53.82), st.sampled_from(["A", "B", "C"])
        ),
        min_size=2,
        max_size=40,
    )
)
def test_every_boundary_is_a_straight_run_within_reach_of_the_points(
    points: list[tuple[float, float, str]],
) -> None:
    for (x1, y1), (x2, y2) in area_boundaries(points, cells=40):
        assert x1 == x2 or y1 == y2  # grid edges: vertical or horizontal runs
        assert -1.64 < x1 < -1.56 and 53.77 < y1 < 53.83
