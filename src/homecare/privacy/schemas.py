"""Access-log rows as the HTTP API shows them to the council's information governance."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AccessRead(BaseModel):
    """One time a person's record was shown: to whom, what of it, and through which door."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    user_id: int | None
    organisation_id: int | None
    role: str
    person_id: int
    what: str
    via: str
