"""Every row of every table, hashed: proof that a refused request wrote nothing at all."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, select

import homecare.schema  # noqa: F401  (registers every table)
from homecare.db import Base

UNWATCHED = {"postcode_point", "web_session"}
"""The postcode directory never changes under a request and is large; a web session notes
its last use on every page, which is a column of the caller's own session, not a record."""


def store_fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows in key order."""
    found: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in UNWATCHED:
                continue
            key = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(select(table).order_by(*key)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            found[table.name] = (count, digest.hexdigest())
    return found
