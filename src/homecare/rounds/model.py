"""The rounds problem, independent of the store and of any benchmark format.

A *visit* happens at one place, must start inside a time window, and needs one or two
carers. Each carer's part of a visit is a *task*. A two-carer visit links its two tasks
by a synchronisation rule: simultaneous (both start together, a double-up) or in
sequence (the second starts between `min_gap` and `max_gap` after the first). Carers
have skills, a shift, a start and end place and a travel mode; travel times come from a
matrix per mode.

Times are plain numbers in the problem's own unit (minutes for the product; the
benchmarks' own units for them). Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SyncKind(StrEnum):
    NONE = "none"
    SIMULTANEOUS = "simultaneous"
    SEQUENTIAL = "sequential"


class ObjectiveKind(StrEnum):
    MANKOWSKA = "mankowska"
    """(travel + total tardiness + maximum tardiness) / 3; late starts are soft."""
    SOLOMON = "solomon"
    """Total distance; time windows and capacity are hard."""
    ROTA = "rota"
    """The product's weighted rota objective (travel, lateness, continuity, ...)."""


@dataclass(frozen=True)
class Task:
    """One carer's part of a visit."""

    visit: int
    skill: str | None
    duration: float
    demand: float = 0.0


@dataclass(frozen=True)
class Visit:
    ident: str
    location: int
    earliest: float
    latest: float
    tasks: tuple[int, ...]
    sync: SyncKind = SyncKind.NONE
    min_gap: float = 0.0
    max_gap: float = 0.0
    preferred_carers: frozenset[int] = frozenset()
    excluded_carers: frozenset[int] = frozenset()
    language: str | None = None


@dataclass(frozen=True)
class Carer:
    ident: str
    skills: frozenset[str]
    start_location: int
    end_location: int
    shift_start: float = 0.0
    shift_end: float = float("inf")
    matrix: int = 0
    """Which travel matrix applies (one per travel mode)."""
    capacity: float = float("inf")
    languages: frozenset[str] = frozenset()
    break_after: float | None = None
    """The break must start within this many minutes of the shift's start (and not in
    the first two hours of it); None: no break."""
    break_minutes: float = 0.0

    def break_window(self) -> tuple[float, float] | None:
        if self.break_after is None or self.break_minutes <= 0:
            return None
        latest = self.shift_start + self.break_after
        return max(self.shift_start, latest - 120.0), latest


@dataclass
class Problem:
    name: str
    visits: list[Visit]
    tasks: list[Task]
    carers: list[Carer]
    matrices: list[list[list[float]]]
    """travel time from location i to j, one square matrix per travel mode."""
    objective: ObjectiveKind = ObjectiveKind.MANKOWSKA
    hard_time_windows: bool = False
    location_names: list[str] = field(default_factory=list)

    def qualified(self, task: int, carer: int) -> bool:
        t = self.tasks[task]
        visit = self.visits[t.visit]
        c = self.carers[carer]
        if carer in visit.excluded_carers:
            return False
        return t.skill is None or t.skill in c.skills

    def travel(self, carer: int, origin: int, destination: int) -> float:
        return self.matrices[self.carers[carer].matrix][origin][destination]


@dataclass
class Solution:
    """Each carer's ordered tasks; tasks in no route are unassigned."""

    routes: list[list[int]]
    unassigned: dict[int, str] = field(default_factory=dict)
    """task -> the reason it could not be placed."""
