"""Time comes from a clock object so that simulations and tests can set it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for simulations and tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at


class ShiftedClock:
    """The real time moved to start from another moment, and running on from there: a
    demo store replayed for another day is served as if that day were today."""

    def __init__(self, starts_at: datetime) -> None:
        if starts_at.tzinfo is None:
            raise ValueError("ShiftedClock needs a timezone-aware datetime")
        self._shift = starts_at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift
