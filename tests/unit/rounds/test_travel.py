"""Travel-time matrices: the great-circle estimate, the cache and the OSRM table client."""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from homecare.config import Settings
from homecare.geo.distance import EARTH_RADIUS_KM, Point, great_circle_km
from homecare.rounds.travel import (
    CachedTravel,
    GreatCircleTravel,
    OsrmTableTravel,
    TravelMatrixSource,
    TravelServiceError,
    TravelSettings,
    travel_source,
)
from homecare.workforce.domain import TravelMode

LEEDS_TOWN_HALL: Point = (53.7997, -1.5492)
ARMLEY: Point = (53.7986, -1.5894)

# One kilometre of arc is 1 / 6371.0088 rad = 0.0089932° of latitude.
ONE_KM_NORTH_DEG = math.degrees(1 / EARTH_RADIUS_KM)

# Five points whose index k can be read back from the longitude: lon = -1.50 - k/100.
FAKE_POINTS: list[Point] = [(53.80 + k / 100, -1.50 - k / 100) for k in range(5)]


def _fake_id(lon: float) -> int:
    return round((-1.50 - lon) * 100)


def fake_table(url: str) -> dict[str, Any]:
    """A deterministic OSRM table: from point i to point j takes 60·(10i + j) seconds.

    So in minutes the answer is simply 10i + j, and it is asymmetric on purpose: a
    transposed block would show. The service is 0 s from a point to itself.
    """
    parts = urlsplit(url)
    _, table, version, profile, coordinates = parts.path.split("/", 4)
    assert (table, version) == ("table", "v1")
    assert profile in {"foot", "bicycle", "driving"}
    lon_lat = [tuple(float(v) for v in pair.split(",")) for pair in coordinates.split(";")]
    ids = [_fake_id(lon) for lon, _ in lon_lat]
    query = parse_qs(parts.query)
    assert query["annotations"] == ["duration"]
    everyone = list(range(len(ids)))
    sources = [int(i) for i in query["sources"][0].split(";")] if "sources" in query else everyone
    targets = (
        [int(i) for i in query["destinations"][0].split(";")]
        if "destinations" in query
        else everyone
    )
    durations = [
        [0.0 if ids[s] == ids[d] else 60.0 * (10 * ids[s] + ids[d]) for d in targets]
        for s in sources
    ]
    return {"code": "Ok", "durations": durations}


class FakeHttpGet:
    """Stands in for the network: records each URL and serves `fake_table` or a canned answer."""

    def __init__(self, answer: Mapping[str, Any] | None = None) -> None:
        self.answer = answer
        self.urls: list[str] = []
        self.timeouts: list[float] = []

    def __call__(self, url: str, timeout: float) -> Mapping[str, Any]:
        self.urls.append(url)
        self.timeouts.append(timeout)
        return self.answer if self.answer is not None else fake_table(url)


class CountingSource:
    """An inner travel source that counts how often it is really asked."""

    def __init__(self) -> None:
        self.calls = 0

    def minutes(self, points: Sequence[Point], mode: TravelMode) -> list[list[float]]:
        self.calls += 1
        n = len(points)
        return [[0.0 if i == j else float(10 * i + j) for j in range(n)] for i in range(n)]


# --- great-circle distance and the estimate -------------------------------------------


def test_leeds_town_hall_to_armley_is_about_2_64_km() -> None:
    # Arrange: Δlat = 0.0011° → 0.0011 × 111.195 km = 0.1223 km;
    # Δlon = 0.0402° × cos(53.799°) = 0.0402 × 0.5905 × 111.195 km = 2.6396 km;
    # √(2.6396² + 0.1223²) = 2.6424 km (haversine gives 2.6429 km).
    # Act
    km = great_circle_km(LEEDS_TOWN_HALL, ARMLEY)
    # Assert: within 5 m, well inside rounding of the worked figures above.
    assert km == pytest.approx(2.643, abs=0.005)


def test_distance_is_the_same_both_ways_and_zero_to_itself() -> None:
    # Act / Assert
    assert great_circle_km(ARMLEY, LEEDS_TOWN_HALL) == great_circle_km(LEEDS_TOWN_HALL, ARMLEY)
    assert great_circle_km(ARMLEY, ARMLEY) == 0.0


def test_walking_one_km_takes_16_25_minutes() -> None:
    # Arrange: 1 km of arc north; 1 km × 1.3 detour = 1.3 km; 1.3 / 4.8 km/h = 0.2708 h.
    points = [(0.0, 0.0), (ONE_KM_NORTH_DEG, 0.0)]
    # Act
    matrix = GreatCircleTravel().minutes(points, TravelMode.WALK)
    # Assert: 0.2708 h × 60 = 16.25 min.
    assert matrix[0][1] == pytest.approx(16.25, abs=1e-9)
    assert matrix[1][0] == pytest.approx(16.25, abs=1e-9)


def test_cycling_one_km_adds_no_parking() -> None:
    # Arrange: 1.3 km / 14 km/h × 60 = 5.5714 min, nothing else.
    points = [(0.0, 0.0), (ONE_KM_NORTH_DEG, 0.0)]
    # Act
    matrix = GreatCircleTravel().minutes(points, TravelMode.CYCLE)
    # Assert
    assert matrix[0][1] == pytest.approx(1.3 / 14 * 60, abs=1e-9)


def test_driving_adds_parking_to_each_leg_but_not_on_the_diagonal() -> None:
    # Arrange: 1.3 km / 25 km/h × 60 = 3.12 min of driving, + 3 min to park = 6.12 min.
    # The third point repeats the first: no move, so no parking.
    points = [(0.0, 0.0), (ONE_KM_NORTH_DEG, 0.0), (0.0, 0.0)]
    # Act
    matrix = GreatCircleTravel().minutes(points, TravelMode.DRIVE)
    # Assert
    assert matrix[0][1] == pytest.approx(6.12, abs=1e-9)
    assert [matrix[i][i] for i in range(3)] == [0.0, 0.0, 0.0]
    assert matrix[0][2] == 0.0
    assert matrix[2][1] == pytest.approx(6.12, abs=1e-9)


def test_settings_change_speeds_detour_and_parking() -> None:
    # Arrange: 1 km × 1.0 detour / 60 km/h = 1 min, + 5 min to park = 6 min.
    settings = TravelSettings(drive_kmh=60.0, detour_factor=1.0, drive_parking_minutes=5.0)
    points = [(0.0, 0.0), (ONE_KM_NORTH_DEG, 0.0)]
    # Act
    matrix = GreatCircleTravel(settings).minutes(points, TravelMode.DRIVE)
    # Assert
    assert matrix[0][1] == pytest.approx(6.0, abs=1e-9)


def test_travel_settings_are_frozen_and_reject_nonsense() -> None:
    # Arrange
    settings = TravelSettings()
    # Act / Assert
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.walk_kmh = 10.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="walk_kmh"):
        TravelSettings(walk_kmh=0.0)
    with pytest.raises(ValueError, match="detour_factor"):
        TravelSettings(detour_factor=0.9)
    with pytest.raises(ValueError, match="drive_parking_minutes"):
        TravelSettings(drive_parking_minutes=-1.0)


def test_the_matrix_is_symmetric_with_a_zero_diagonal_and_matches_haversine() -> None:
    # Arrange: a handful of points round Leeds.
    points = [LEEDS_TOWN_HALL, ARMLEY, (53.8200, -1.5000), (53.7700, -1.6000), (53.8100, -1.5600)]
    # Act
    matrix = GreatCircleTravel().minutes(points, TravelMode.DRIVE)
    # Assert: each off-diagonal cell is haversine km × 1.3 / 25 × 60 + 3 minutes.
    for i, a in enumerate(points):
        assert matrix[i][i] == 0.0
        for j, b in enumerate(points):
            assert matrix[i][j] == matrix[j][i]
            if i != j:
                expected = great_circle_km(a, b) * 1.3 / 25 * 60 + 3
                assert matrix[i][j] == pytest.approx(expected, abs=1e-9)


def test_empty_and_single_point_sets_give_empty_and_zero_matrices() -> None:
    # Act / Assert
    assert GreatCircleTravel().minutes([], TravelMode.WALK) == []
    assert GreatCircleTravel().minutes([ARMLEY], TravelMode.DRIVE) == [[0.0]]


def test_antipodal_points_do_not_break_the_estimate() -> None:
    # Arrange: half the circumference is π × 6371.0088 = 20015.11 km.
    points = [(0.0, 0.0), (0.0, 180.0)]
    # Act
    matrix = GreatCircleTravel().minutes(points, TravelMode.WALK)
    # Assert: 20015.11 km × 1.3 / 4.8 × 60 min.
    assert matrix[0][1] == pytest.approx(math.pi * EARTH_RADIUS_KM * 1.3 / 4.8 * 60)


def test_points_that_are_not_lat_lon_are_refused() -> None:
    # Arrange: longitude first by mistake puts 200 in the latitude slot.
    # Act / Assert
    with pytest.raises(ValueError, match="latitude, longitude"):
        GreatCircleTravel().minutes([(200.0, 53.8)], TravelMode.WALK)


def test_a_thousand_points_take_well_under_a_second() -> None:
    # Arrange: a 40 × 25 grid over Leeds, about 500,000 distinct pairs.
    points = [(53.70 + 0.005 * r, -1.70 + 0.008 * c) for r in range(40) for c in range(25)]
    # Act
    started = time.perf_counter()
    matrix = GreatCircleTravel().minutes(points, TravelMode.DRIVE)
    elapsed = time.perf_counter() - started
    # Assert: about 0.15 s on a developer machine; 1 s is the stated budget.
    assert len(matrix) == 1000
    assert all(len(row) == 1000 for row in matrix)
    assert matrix[17][923] == matrix[923][17]
    assert elapsed < 1.0


def test_great_circle_travel_is_a_travel_matrix_source() -> None:
    # Arrange / Act: mypy checks the assignment; the run checks the call.
    source: TravelMatrixSource = GreatCircleTravel()
    # Assert
    assert source.minutes([ARMLEY, ARMLEY], TravelMode.WALK) == [[0.0, 0.0], [0.0, 0.0]]


# --- the cache -------------------------------------------------------------------------


def test_the_cache_answers_repeats_without_asking_the_inner_source_again() -> None:
    # Arrange
    inner = CountingSource()
    cache = CachedTravel(inner)
    # Act
    first = cache.minutes(FAKE_POINTS, TravelMode.WALK)
    second = cache.minutes(FAKE_POINTS, TravelMode.WALK)
    # Assert
    assert first == second
    assert inner.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_cache_key_rounds_coordinates_to_six_decimals_and_includes_the_mode() -> None:
    # Arrange: a 1e-8° nudge (about 1 mm) is the same place; another mode is not.
    inner = CountingSource()
    cache = CachedTravel(inner)
    nudged = [(lat + 1e-8, lon - 1e-8) for lat, lon in FAKE_POINTS]
    # Act
    cache.minutes(FAKE_POINTS, TravelMode.WALK)
    cache.minutes(nudged, TravelMode.WALK)
    cache.minutes(FAKE_POINTS, TravelMode.DRIVE)
    # Assert: walk once (nudge hit), drive once.
    assert inner.calls == 2


def test_changing_a_returned_matrix_does_not_change_the_cached_one() -> None:
    # Arrange
    cache = CachedTravel(CountingSource())
    first = cache.minutes(FAKE_POINTS, TravelMode.WALK)
    # Act
    first[0][1] = 999.0
    first.append([])
    second = cache.minutes(FAKE_POINTS, TravelMode.WALK)
    # Assert: CountingSource puts 10·0 + 1 = 1 at [0][1].
    assert second[0][1] == 1.0
    assert len(second) == len(FAKE_POINTS)


def test_the_cache_evicts_the_least_recently_used_matrix_beyond_maxsize() -> None:
    # Arrange: room for two; use A, B, touch A again, then C pushes out B (least recent).
    inner = CountingSource()
    cache = CachedTravel(inner, maxsize=2)
    a, b, c = FAKE_POINTS[:2], FAKE_POINTS[1:3], FAKE_POINTS[2:4]
    cache.minutes(a, TravelMode.WALK)
    cache.minutes(b, TravelMode.WALK)
    cache.minutes(a, TravelMode.WALK)
    # Act
    cache.minutes(c, TravelMode.WALK)
    calls_before = inner.calls
    cache.minutes(a, TravelMode.WALK)
    after_a = inner.calls
    cache.minutes(b, TravelMode.WALK)
    # Assert: A, B, C were each computed once (3 calls); A is still cached, B was evicted.
    assert calls_before == 3
    assert after_a == 3
    assert inner.calls == 4
    assert len(cache) == 2


def test_the_cache_refuses_a_zero_size() -> None:
    # Act / Assert
    with pytest.raises(ValueError, match="maxsize"):
        CachedTravel(CountingSource(), maxsize=0)


# --- the OSRM table client against a fake getter -----------------------------------------


@pytest.mark.parametrize(
    ("mode", "profile"),
    [(TravelMode.WALK, "foot"), (TravelMode.CYCLE, "bicycle"), (TravelMode.DRIVE, "driving")],
)
def test_osrm_url_puts_longitude_first_and_uses_the_profile_for_the_mode(
    mode: TravelMode, profile: str
) -> None:
    # Arrange
    http_get = FakeHttpGet()
    client = OsrmTableTravel("http://osrm.test/", http_get=http_get, timeout=7)
    # Act
    client.minutes(FAKE_POINTS[:2], mode)
    # Assert: (53.80, -1.50) is written -1.500000,53.800000.
    assert http_get.urls == [
        f"http://osrm.test/table/v1/{profile}/"
        "-1.500000,53.800000;-1.510000,53.810000?annotations=duration"
    ]
    assert http_get.timeouts == [7.0]


def test_osrm_seconds_become_minutes() -> None:
    # Arrange: the fake serves 60·(10i + j) seconds, i.e. 10i + j minutes.
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet())
    # Act
    matrix = client.minutes(FAKE_POINTS[:3], TravelMode.WALK)
    # Assert
    assert matrix == [[0.0, 1.0, 2.0], [10.0, 0.0, 12.0], [20.0, 21.0, 0.0]]


def test_osrm_driving_adds_parking_but_not_on_the_diagonal_or_to_the_same_place() -> None:
    # Arrange: points 0, 1 and point 0 again; 10i + j minutes by id, + 3 off the diagonal.
    points = [FAKE_POINTS[0], FAKE_POINTS[1], FAKE_POINTS[0]]
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet())
    # Act
    matrix = client.minutes(points, TravelMode.DRIVE)
    # Assert: 0→1 is 1 + 3; 1→0 is 10 + 3; 0→0 again (same place) stays 0.
    assert matrix == [[0.0, 4.0, 0.0], [13.0, 0.0, 13.0], [0.0, 4.0, 0.0]]


def test_osrm_parking_allowance_is_configurable() -> None:
    # Arrange
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet(), drive_parking_minutes=0)
    # Act
    matrix = client.minutes(FAKE_POINTS[:2], TravelMode.DRIVE)
    # Assert
    assert matrix == [[0.0, 1.0], [10.0, 0.0]]


def test_osrm_profiles_can_be_renamed() -> None:
    # Arrange
    http_get = FakeHttpGet()
    client = OsrmTableTravel(
        "http://osrm.test",
        http_get=http_get,
        profile_for_mode={TravelMode.WALK: "foot", TravelMode.DRIVE: "driving"},
    )
    # Act
    client.minutes(FAKE_POINTS[:2], TravelMode.DRIVE)
    # Assert: a mode with no profile is a configuration error, found before any request.
    assert "/table/v1/driving/" in http_get.urls[0]
    with pytest.raises(ValueError, match="cycle"):
        client.minutes(FAKE_POINTS[:2], TravelMode.CYCLE)
    assert len(http_get.urls) == 1


def test_osrm_chunks_with_sources_and_destinations_and_stitches_the_full_matrix() -> None:
    # Arrange: 5 points in chunks of 2 → blocks {0,1}, {2,3}, {4}: 3 × 3 = 9 block pairs,
    # less the lone {4}→{4} diagonal block that is zero without asking = 8 requests.
    chunked_get = FakeHttpGet()
    whole_get = FakeHttpGet()
    chunked = OsrmTableTravel("http://osrm.test", chunk=2, http_get=chunked_get)
    whole = OsrmTableTravel("http://osrm.test", chunk=100, http_get=whole_get)
    # Act
    stitched = chunked.minutes(FAKE_POINTS, TravelMode.WALK)
    full = whole.minutes(FAKE_POINTS, TravelMode.WALK)
    # Assert
    assert stitched == full
    assert stitched[3][4] == 34.0  # 10·3 + 4
    assert len(whole_get.urls) == 1
    assert len(chunked_get.urls) == 8
    base = "http://osrm.test/table/v1/foot/"
    # {0,1} → {2,3}: only those four coordinates, rows 0;1 and columns 2;3 of that list.
    assert (
        base + "-1.500000,53.800000;-1.510000,53.810000;-1.520000,53.820000;"
        "-1.530000,53.830000?annotations=duration&sources=0;1&destinations=2;3"
    ) in chunked_get.urls
    # {4} → {0,1}
    assert (
        base + "-1.540000,53.840000;-1.500000,53.800000;-1.510000,53.810000"
        "?annotations=duration&sources=0&destinations=1;2"
    ) in chunked_get.urls
    # {2,3} → {2,3}: a diagonal block sends its coordinates once.
    assert (
        base + "-1.520000,53.820000;-1.530000,53.830000"
        "?annotations=duration&sources=0;1&destinations=0;1"
    ) in chunked_get.urls


def test_osrm_null_duration_raises_naming_the_unreachable_pair() -> None:
    # Arrange
    answer = {"code": "Ok", "durations": [[0.0, None], [60.0, 0.0]]}
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet(answer))
    # Act / Assert
    with pytest.raises(TravelServiceError, match=r"null duration.*point 0 to point 1"):
        client.minutes(FAKE_POINTS[:2], TravelMode.WALK)


def test_osrm_answer_other_than_ok_raises_with_the_service_code_and_message() -> None:
    # Arrange
    answer = {"code": "NoSegment", "message": "Could not find a matching segment"}
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet(answer))
    # Act / Assert
    with pytest.raises(TravelServiceError, match="'NoSegment': Could not find a matching segment"):
        client.minutes(FAKE_POINTS[:2], TravelMode.DRIVE)


def test_osrm_table_of_the_wrong_shape_raises() -> None:
    # Arrange: two points asked, one row answered.
    answer = {"code": "Ok", "durations": [[0.0, 60.0]]}
    client = OsrmTableTravel("http://osrm.test", http_get=FakeHttpGet(answer))
    # Act / Assert
    with pytest.raises(TravelServiceError, match="2x2"):
        client.minutes(FAKE_POINTS[:2], TravelMode.WALK)


def test_osrm_needs_no_request_for_fewer_than_two_points() -> None:
    # Arrange
    http_get = FakeHttpGet()
    client = OsrmTableTravel("http://osrm.test", http_get=http_get)
    # Act
    matrices = (client.minutes([], TravelMode.WALK), client.minutes([ARMLEY], TravelMode.WALK))
    # Assert
    assert matrices == ([], [[0.0]])
    assert http_get.urls == []


# --- the default urllib getter against a real local server ------------------------------


class _FakeOsrmHandler(BaseHTTPRequestHandler):
    """Serves `fake_table` like osrm-routed, and a 400 JSON error for an unknown profile."""

    def do_GET(self) -> None:
        if "/table/v1/unknown/" in self.path:
            status, body = 400, {"code": "InvalidOptions", "message": "profile not found"}
        else:
            status, body = 200, fake_table(f"http://local{self.path}")
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def local_osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsrmHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_default_getter_talks_to_a_real_http_server(local_osrm: str) -> None:
    # Arrange: chunked, so several real requests with sources/destinations go out.
    client = OsrmTableTravel(local_osrm, chunk=2, timeout=5)
    # Act
    matrix = client.minutes(FAKE_POINTS[:3], TravelMode.DRIVE)
    # Assert: 10i + j minutes, + 3 parking off the diagonal.
    assert matrix == [[0.0, 4.0, 5.0], [13.0, 0.0, 15.0], [23.0, 24.0, 0.0]]


def test_the_default_getter_reports_the_service_error_body(local_osrm: str) -> None:
    # Arrange
    client = OsrmTableTravel(local_osrm, timeout=5, profile_for_mode={TravelMode.WALK: "unknown"})
    # Act / Assert: HTTP 400 still carries OSRM's own code and message.
    with pytest.raises(TravelServiceError, match="'InvalidOptions': profile not found"):
        client.minutes(FAKE_POINTS[:2], TravelMode.WALK)


def test_the_default_getter_turns_a_refused_connection_into_a_service_error() -> None:
    # Arrange: bind a port, then close it so nothing listens there.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsrmHandler)
    port = server.server_address[1]
    server.server_close()
    client = OsrmTableTravel(f"http://127.0.0.1:{port}", timeout=2)
    # Act / Assert
    with pytest.raises(TravelServiceError, match="unreachable"):
        client.minutes(FAKE_POINTS[:2], TravelMode.WALK)


# --- choosing the source from the settings ---------------------------------------------


def test_travel_source_is_cached_great_circle_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Arrange
    monkeypatch.delenv("HOMECARE_OSRM_URL", raising=False)
    # Act
    source = travel_source(Settings())
    # Assert
    assert isinstance(source, CachedTravel)
    assert isinstance(source.inner, GreatCircleTravel)


def test_travel_source_ignores_a_blank_osrm_url() -> None:
    # Act
    source = travel_source(Settings(osrm_url="  "))
    # Assert
    assert isinstance(source, CachedTravel)
    assert isinstance(source.inner, GreatCircleTravel)


def test_travel_source_uses_cached_osrm_when_the_environment_names_a_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Arrange
    monkeypatch.setenv("HOMECARE_OSRM_URL", "http://osrm.internal:5000/")
    # Act
    source = travel_source(Settings())
    # Assert
    assert isinstance(source, CachedTravel)
    assert isinstance(source.inner, OsrmTableTravel)
    assert source.inner.base_url == "http://osrm.internal:5000"
