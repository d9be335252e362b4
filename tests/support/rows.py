"""Counting rows straight from the store, to prove that a refused request wrote nothing."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, table

WRITTEN_BY_REQUESTS = (
    "person",
    "referral",
    "referral_visit",
    "offer",
    "package",
    "package_visit",
    "contract",
    "audit_event",
)
"""Every table a people, brokerage or market request can add to."""


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in WRITTEN_BY_REQUESTS
        }
