"""Travel times between visit locations, in minutes, for the rounds optimiser.

The optimiser only needs a square matrix of minutes per travel mode. A great-circle
estimate works offline with no setup; an OSRM-compatible table service gives road-network
times when a deployment runs one. Both sit behind `TravelMatrixSource` so callers never
care which one answered, and `CachedTravel` spares repeated work when the same set of
locations is planned again.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import add
from typing import Any, Protocol

from homecare.config import Settings
from homecare.geo.distance import EARTH_RADIUS_KM, Point
from homecare.workforce.domain import TravelMode

HttpGet = Callable[[str, float], Mapping[str, Any]]
"""Fetch a URL with a timeout in seconds and return the decoded JSON object."""

DEFAULT_DRIVE_PARKING_MINUTES = 3.0

DEFAULT_OSRM_PROFILES: Mapping[TravelMode, str] = {
    TravelMode.WALK: "foot",
    TravelMode.CYCLE: "bicycle",
    TravelMode.DRIVE: "driving",
}


class TravelServiceError(RuntimeError):
    """A routing service could not give a usable travel time (unreachable, refused, down)."""


@dataclass(frozen=True)
class TravelSettings:
    """Speeds and allowances for the great-circle estimate.

    Straight lines understate real journeys, so the distance is stretched by
    `detour_factor`; a car also has to be parked at each stop, hence the per-leg allowance.
    """

    walk_kmh: float = 4.8
    cycle_kmh: float = 14.0
    drive_kmh: float = 25.0
    detour_factor: float = 1.3
    drive_parking_minutes: float = DEFAULT_DRIVE_PARKING_MINUTES

    def __post_init__(self) -> None:
        for name in ("walk_kmh", "cycle_kmh", "drive_kmh"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite speed, got {value!r}")
        if not (math.isfinite(self.detour_factor) and self.detour_factor >= 1.0):
            raise ValueError(
                f"detour_factor must be at least 1 (roads are never shorter than the "
                f"straight line), got {self.detour_factor!r}"
            )
        if not (math.isfinite(self.drive_parking_minutes) and self.drive_parking_minutes >= 0):
            raise ValueError(
                f"drive_parking_minutes must be zero or more, got {self.drive_parking_minutes!r}"
            )

    def speed_kmh(self, mode: TravelMode) -> float:
        """The assumed average speed for `mode`."""
        speeds = {
            TravelMode.WALK: self.walk_kmh,
            TravelMode.CYCLE: self.cycle_kmh,
            TravelMode.DRIVE: self.drive_kmh,
        }
        return speeds[mode]

    def parking_minutes(self, mode: TravelMode) -> float:
        """Minutes added to every leg between two different places; only drivers park."""
        return self.drive_parking_minutes if mode is TravelMode.DRIVE else 0.0


class TravelMatrixSource(Protocol):
    """Anything that can price every ordered pair of points for one travel mode."""

    def minutes(self, points: Sequence[Point], mode: TravelMode) -> list[list[float]]:
        """Square matrix: row i, column j is the minutes from points[i] to points[j].

        The diagonal is zero. Callers own the returned lists and may change them.
        """
        ...


def _check_points(points: Sequence[Point]) -> None:
    """Reject impossible coordinates early; a swapped (lon, lat) often shows up here."""
    for index, (lat, lon) in enumerate(points):
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise ValueError(f"point {index} has a non-finite coordinate: {(lat, lon)!r}")
        if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
            raise ValueError(
                f"point {index} {(lat, lon)!r} is not (latitude, longitude) in degrees"
            )


class GreatCircleTravel:
    """Minutes from the haversine distance, a detour factor and a per-mode speed.

    Needs no network or data, so it is the default and the fallback for tests and demos.
    """

    def __init__(self, settings: TravelSettings | None = None) -> None:
        self.settings = settings if settings is not None else TravelSettings()

    def minutes(self, points: Sequence[Point], mode: TravelMode) -> list[list[float]]:
        """Price each unordered pair once and mirror it: the estimate is symmetric.

        Each point becomes a unit vector once; sin(angle/2) of a pair is then half the
        chord between the vectors (`math.dist`, in C), the same quantity the haversine
        formula computes, so the O(n²) loop does no trigonometry and ~1,000 points take
        well under a second in plain Python.
        """
        _check_points(points)
        vectors: list[tuple[float, float, float]] = []
        for lat, lon in points:
            phi, lam = math.radians(lat), math.radians(lon)
            vectors.append(
                (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
            )
        # minutes = 2R·asin(chord/2) km × detour ÷ speed km/h × 60
        scale = (
            2 * EARTH_RADIUS_KM * self.settings.detour_factor / self.settings.speed_kmh(mode) * 60
        )
        park = self.settings.parking_minutes(mode)
        asin, dist = math.asin, math.dist

        upper: list[list[float]] = []  # row i holds zeros up to and including column i
        for i, here in enumerate(vectors):
            rest = vectors[i + 1 :]
            try:
                row = [scale * asin(dist(here, there) * 0.5) for there in rest]
            except ValueError:  # rounding pushed a near-antipodal chord just past 2
                row = [scale * asin(min(1.0, dist(here, there) * 0.5)) for there in rest]
            if park:
                # Same place (zero distance) means no move, so no parking either.
                row = [v + park if v > 0.0 else v for v in row]
            upper.append([0.0] * (i + 1) + row)
        # Full matrix = upper + its transpose; zip(*) transposes in C and x + 0.0 == x.
        return [
            list(map(add, row, column))
            for row, column in zip(upper, zip(*upper, strict=True), strict=True)
        ]


class CachedTravel:
    """Keep the last `maxsize` matrices so re-planning the same locations costs nothing.

    Keys round coordinates to 6 decimals (about 0.1 m), so the same address geocoded twice
    hits the cache. Matrices are stored as tuples and every call returns fresh lists:
    callers can edit their copy without corrupting what later callers get.
    """

    def __init__(self, inner: TravelMatrixSource, maxsize: int = 32) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.inner = inner
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[
            tuple[tuple[Point, ...], TravelMode], tuple[tuple[float, ...], ...]
        ] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def minutes(self, points: Sequence[Point], mode: TravelMode) -> list[list[float]]:
        """Serve from the cache, or ask the inner source and remember its answer."""
        key = (tuple((round(lat, 6), round(lon, 6)) for lat, lon in points), mode)
        with self._lock:
            stored = self._entries.get(key)
            if stored is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return [list(row) for row in stored]
        # Computed outside the lock so a slow service does not block other lookups.
        matrix = self.inner.minutes(points, mode)
        frozen = tuple(tuple(row) for row in matrix)
        with self._lock:
            self.misses += 1
            self._entries[key] = frozen
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return [list(row) for row in frozen]

    def clear(self) -> None:
        """Forget every matrix, e.g. after the road data behind the service changed."""
        with self._lock:
            self._entries.clear()


def urllib_get_json(url: str, timeout: float) -> dict[str, Any]:
    """GET `url` and decode its JSON body, turning transport failures into TravelServiceError.

    OSRM reports bad requests as HTTP 400 with a JSON body carrying `code` and `message`;
    that body is returned so the caller can report the service's own words.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            return payload
        raise TravelServiceError(
            f"travel service answered HTTP {error.code} {error.reason} for {url}"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise TravelServiceError(f"travel service unreachable at {url}: {error}") from error
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise TravelServiceError(f"travel service sent a body that is not JSON: {url}") from error
    if not isinstance(payload, dict):
        raise TravelServiceError(f"travel service sent JSON that is not an object: {url}")
    return payload


def _blocks(n: int, size: int) -> list[range]:
    return [range(start, min(start + size, n)) for start in range(0, n, size)]


class OsrmTableTravel:
    """Road-network minutes from an OSRM-compatible `/table/v1` service.

    Large sets are split into `chunk` × `chunk` blocks (OSRM's default max-table-size is
    100); each block request carries only its own coordinates, with `sources=` and
    `destinations=` picking the rows and columns, so URLs stay short.
    """

    def __init__(
        self,
        base_url: str,
        *,
        profile_for_mode: Mapping[TravelMode, str] | None = None,
        timeout: float = 10,
        chunk: int = 100,
        http_get: HttpGet | None = None,
        drive_parking_minutes: float = DEFAULT_DRIVE_PARKING_MINUTES,
    ) -> None:
        if not base_url.strip():
            raise ValueError("base_url must name the OSRM service")
        if chunk < 1:
            raise ValueError(f"chunk must be at least 1, got {chunk}")
        if not (math.isfinite(drive_parking_minutes) and drive_parking_minutes >= 0):
            raise ValueError(
                f"drive_parking_minutes must be zero or more, got {drive_parking_minutes!r}"
            )
        self.base_url = base_url.strip().rstrip("/")
        self.profile_for_mode: Mapping[TravelMode, str] = dict(
            DEFAULT_OSRM_PROFILES if profile_for_mode is None else profile_for_mode
        )
        self.timeout = float(timeout)
        self.chunk = chunk
        self.http_get: HttpGet = http_get if http_get is not None else urllib_get_json
        self.drive_parking_minutes = drive_parking_minutes

    def _profile(self, mode: TravelMode) -> str:
        try:
            return self.profile_for_mode[mode]
        except KeyError:
            raise ValueError(f"no OSRM profile configured for travel mode {mode!r}") from None

    def table_url(
        self,
        profile: str,
        points: Sequence[Point],
        sources: Sequence[int] | None = None,
        destinations: Sequence[int] | None = None,
    ) -> str:
        """The request URL; OSRM wants longitude first, so each point is written lon,lat."""
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{self.base_url}/table/v1/{profile}/{coordinates}?annotations=duration"
        if sources is not None:
            url += "&sources=" + ";".join(str(i) for i in sources)
        if destinations is not None:
            url += "&destinations=" + ";".join(str(i) for i in destinations)
        return url

    def _durations(
        self, url: str, rows: int, columns: int, origins: Sequence[int], targets: Sequence[int]
    ) -> list[list[float]]:
        """Fetch one table and check it; returns seconds, origins/targets name the points."""
        answer = self.http_get(url, self.timeout)
        code = answer.get("code")
        if code != "Ok":
            message = answer.get("message", "no message")
            raise TravelServiceError(f"OSRM table service answered {code!r}: {message}")
        durations = answer.get("durations")
        if (
            not isinstance(durations, list)
            or len(durations) != rows
            or any(not isinstance(row, list) or len(row) != columns for row in durations)
        ):
            raise TravelServiceError(
                f"OSRM table service answered 'Ok' without a {rows}x{columns} durations table"
            )
        for r, row in enumerate(durations):
            for c, seconds in enumerate(row):
                if seconds is None:
                    raise TravelServiceError(
                        f"OSRM table service answered a null duration (no route) from point "
                        f"{origins[r]} to point {targets[c]}"
                    )
                if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                    raise TravelServiceError(
                        f"OSRM table service answered a non-numeric duration {seconds!r} "
                        f"from point {origins[r]} to point {targets[c]}"
                    )
        return durations

    def minutes(self, points: Sequence[Point], mode: TravelMode) -> list[list[float]]:
        """Ask the service block by block and stitch the blocks into one matrix."""
        _check_points(points)
        profile = self._profile(mode)
        n = len(points)
        matrix = [[0.0] * n for _ in range(n)]
        if n < 2:
            return matrix
        if n <= self.chunk:
            everyone = range(n)
            seconds = self._durations(self.table_url(profile, points), n, n, everyone, everyone)
            self._place(matrix, seconds, everyone, everyone)
        else:
            for origins in _blocks(n, self.chunk):
                for targets in _blocks(n, self.chunk):
                    self._fetch_block(matrix, profile, points, origins, targets)
        park = self.drive_parking_minutes if mode is TravelMode.DRIVE else 0.0
        for i in range(n):
            row = matrix[i]
            for j in range(n):
                if i == j:
                    row[j] = 0.0
                elif park and points[i] != points[j]:
                    row[j] += park
        return matrix

    def _fetch_block(
        self,
        matrix: list[list[float]],
        profile: str,
        points: Sequence[Point],
        origins: range,
        targets: range,
    ) -> None:
        if origins == targets:
            if len(origins) == 1:
                return  # a lone point on the diagonal: zero, nothing to ask
            block = [points[i] for i in origins]
            local = list(range(len(block)))
            url = self.table_url(profile, block, local, local)
        else:
            block = [points[i] for i in origins] + [points[j] for j in targets]
            url = self.table_url(
                profile,
                block,
                range(len(origins)),
                range(len(origins), len(origins) + len(targets)),
            )
        seconds = self._durations(url, len(origins), len(targets), origins, targets)
        self._place(matrix, seconds, origins, targets)

    @staticmethod
    def _place(
        matrix: list[list[float]],
        seconds: list[list[float]],
        origins: Sequence[int],
        targets: Sequence[int],
    ) -> None:
        for r, i in enumerate(origins):
            row = matrix[i]
            for c, j in enumerate(targets):
                row[j] = seconds[r][c] / 60.0


def travel_source(settings: Settings) -> TravelMatrixSource:
    """The deployment's travel source: OSRM when `osrm_url` is set, great-circle otherwise.

    Both are cached because the optimiser asks for the same matrix many times a day.
    """
    if settings.osrm_url and settings.osrm_url.strip():
        return CachedTravel(OsrmTableTravel(settings.osrm_url))
    return CachedTravel(GreatCircleTravel())
