"""Accounts as the HTTP API shows them to those who look after them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AccountRead(BaseModel):
    """An account after it was disabled or enabled; `disabled_at` is empty while it may sign in."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    role: str
    name: str
    email: str
    disabled_at: datetime | None
