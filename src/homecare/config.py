"""All settings in one place, read from the environment with the prefix HOMECARE_."""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings; the defaults run the embedded SQLite store."""

    model_config = SettingsConfigDict(env_prefix="HOMECARE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///homecare.db",
        description="SQLAlchemy URL; a postgresql:// URL selects the production store.",
    )
    offer_response_hours: float = Field(
        default=4.0,
        gt=0,
        description="How long a provider has to answer a standard offer before it cascades.",
    )
    priority_offer_response_hours: float = Field(
        default=1.0,
        gt=0,
        description="How long a provider has to answer a priority offer before it cascades.",
    )
    office_opens: time = Field(
        default=time(8, 0), description="Offer deadlines only run while offices are open."
    )
    office_closes: time = Field(default=time(20, 0))
    benchmarks: str | None = Field(
        default=None, description="Folder of the optimiser benchmark sets, when present."
    )
    osrm_url: str | None = Field(
        default=None,
        description=(
            "Base URL of an OSRM-compatible routing service for road travel times; "
            "unset uses great-circle estimates."
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
