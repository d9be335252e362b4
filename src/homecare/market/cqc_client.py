"""A small client for CQC's public API: one location's current ratings at a time.

`GET {base}/locations/{locationId}` with the subscription key in the
`Ocp-Apim-Subscription-Key` header answers the location with `currentRatings.overall`
(its `rating`, `reportDate` and `keyQuestionRatings`, each with `name`, `rating` and
`reportDate`); docs/formats/cqc-ratings.md says where this was read. The answer is mapped
into the same `LocationRatings` a published file gives, so both take one path into the store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from homecare.config import Settings
from homecare.market.cqc_layout import LocationRatings, Published, read_date
from homecare.market.rating_rules import question_of_word, rating_of_word
from homecare.rows import RowProblem

KEY_HEADER = "Ocp-Apim-Subscription-Key"
TIMEOUT_SECONDS = 20.0


class CqcApiError(Exception):
    """CQC's API could not be asked, or answered what this client cannot read."""


class CqcApiNotSetUp(CqcApiError):
    """No key: CQC's API answers nobody without one."""


def _published_on(text: Any) -> date | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return read_date(text[:10])
    except ValueError:
        return None


def location_ratings(
    location_id: str, payload: dict[str, Any]
) -> tuple[LocationRatings | None, list[str]]:
    """The current ratings in a location's answer, or what in it cannot be used. A location
    with no current rating yet (never inspected) gives no ratings and no problem."""
    found = LocationRatings(location_id, str(payload.get("name") or ""))
    current = payload.get("currentRatings") or {}
    overall = current.get("overall") if isinstance(current, dict) else None
    if not isinstance(overall, dict) or not overall.get("rating"):
        return found, []
    problems = []
    entries = [("Overall", overall)] + [
        (str(kq.get("name") or ""), kq)
        for kq in overall.get("keyQuestionRatings") or []
        if isinstance(kq, dict)
    ]
    for name, entry in entries:
        question = question_of_word(name)
        rating = rating_of_word(str(entry.get("rating") or ""))
        if question is None:
            problems.append(f"'{name}' is not a key question")
            continue
        if rating is None:
            problems.append(f"'{entry.get('rating')}' is not a CQC rating ({name})")
            continue
        published_on = _published_on(entry.get("reportDate") or overall.get("reportDate"))
        found.ratings[question] = Published(rating, published_on, 0)
    return (None if problems else found), problems


class CqcClient:
    """One client per run; `transport` lets tests answer with a local fake."""

    def __init__(
        self, *, base_url: str, key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={KEY_HEADER: key, "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.BaseTransport | None = None
    ) -> CqcClient:
        key = settings.cqc_api_key.get_secret_value() if settings.cqc_api_key else ""
        if not key.strip():
            raise CqcApiNotSetUp(
                "no CQC API key is set: put your subscription key in HOMECARE_CQC_API_KEY"
            )
        return cls(base_url=settings.cqc_api_url, key=key.strip(), transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CqcClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def location(self, location_id: str) -> dict[str, Any] | None:
        """A location's answer, or None when CQC knows no such location."""
        try:
            response = self._http.get(f"/locations/{location_id}")
        except httpx.HTTPError as exc:
            raise CqcApiError(f"CQC's API could not be reached: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise CqcApiError("CQC's API refused the key in HOMECARE_CQC_API_KEY")
        if not response.is_success:
            raise CqcApiError(f"CQC's API answered {response.status_code} for {location_id}")
        try:
            body = response.json()
        except ValueError as exc:
            raise CqcApiError(f"CQC's API answered {location_id} with something not JSON") from exc
        if not isinstance(body, dict):
            raise CqcApiError(f"CQC's API answered {location_id} with something unexpected")
        return body


def fetch_current(
    client: CqcClient, locations: list[tuple[str, str]]
) -> tuple[list[LocationRatings], list[RowProblem]]:
    """The current ratings of each (location id, provider name) asked, with what could not
    be used: a problem's line is 0, and its column the location asked about. Asked outside
    any transaction, so no write waits on the network."""
    found: list[LocationRatings] = []
    problems: list[RowProblem] = []
    for location_id, name in locations:
        payload = client.location(location_id)
        if payload is None:
            problems.append(
                RowProblem(0, location_id, f"CQC knows no location {location_id} ({name})")
            )
            continue
        ratings, wrong = location_ratings(location_id, payload)
        problems += [RowProblem(0, location_id, f"{w} for {name}") for w in wrong]
        if ratings is not None:
            found.append(ratings)
    return found, problems
