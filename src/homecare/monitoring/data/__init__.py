"""A snapshot of the store's tables as Polars frames: what the monitoring engine reads.

The engine never queries row by row. It takes one snapshot of the columns the measures
need, scoped to the actor's providers and to the dates asked for, and computes everything
from it. Given an Engine on a SQLite file or PostgreSQL, the tables are read with
connectorx straight into Arrow (the fastest path, reading what is committed); given a
Session or Connection, or a store connectorx cannot open (an in-memory SQLite), the same
SQL runs through SQLAlchemy on that connection, so a caller inside a transaction sees its
own writes. Both paths give frames of exactly the same schema (`SCHEMAS`).
"""

from __future__ import annotations

from homecare.monitoring.data.reading import load_snapshot
from homecare.monitoring.data.snapshot import (
    CODE_SPAN,
    COMMUNITY_BIT,
    DAY_SPAN,
    EVERYTHING,
    SCHEMAS,
    STATUS,
    UTC_TIME,
    VISIT_STATUSES,
    Scope,
    Snapshot,
    Window,
    conform,
    empty_frame,
    snapshot_of,
)
from homecare.monitoring.data.sql import decode_visits

__all__ = [
    "CODE_SPAN",
    "COMMUNITY_BIT",
    "DAY_SPAN",
    "EVERYTHING",
    "SCHEMAS",
    "STATUS",
    "UTC_TIME",
    "VISIT_STATUSES",
    "Scope",
    "Snapshot",
    "Window",
    "conform",
    "decode_visits",
    "empty_frame",
    "load_snapshot",
    "snapshot_of",
]
