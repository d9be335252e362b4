"""All settings in one place, read from the environment with the prefix HOMECARE_."""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from pydantic import Field, SecretStr
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
    sqlite_busy_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How long a write to the SQLite store waits its turn behind another writer before "
            "it gives up; longer than the longest write (a demo's day of delivery)."
        ),
    )
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
    map_tiles_url: str | None = Field(
        default=None,
        description=(
            "Tile URL template for the zones map, e.g. https://tile.example.org/{z}/{x}/{y}.png; "
            "unset draws the zones on a plain background with no tile server."
        ),
    )
    map_tiles_attribution: str = Field(
        default="", description="The credit the tile server asks to be shown on the map."
    )
    late_after_minutes: int = Field(
        default=15,
        ge=0,
        description="A visit whose first check-in is this long after its window closes is late.",
    )
    very_late_after_minutes: int = Field(
        default=60, ge=0, description="Lateness past the window that raises an alert."
    )
    missed_after_minutes: int = Field(
        default=120,
        ge=0,
        description="With no check-in this long after the window closes, a visit is missed.",
    )
    short_share: float = Field(
        default=0.75,
        gt=0,
        le=1,
        description="A visit delivered in less than this share of its planned time is short.",
    )
    not_at_home_undo_minutes: int = Field(
        default=10,
        ge=0,
        le=120,
        description=(
            "How long a care worker can undo a 'not at home' they recorded by mistake, "
            "after which only the office can put it right."
        ),
    )
    first_review_weeks: int = Field(
        default=6, ge=1, description="The first review falls due this long after the start."
    )
    review_interval_weeks: int = Field(
        default=12, ge=1, description="Reviews fall due again this long after the last one."
    )
    change_trial_weeks: int = Field(
        default=4,
        ge=0,
        description="A provider-led change runs this long before it goes to the social worker.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Server secret for keyed digests and signed form tokens; unset, a SQLite store "
            "keeps a random one in a file beside it (mode 0600), and PostgreSQL must set it."
        ),
    )
    https: bool = Field(
        default=False,
        description="The site is served over TLS: answers carry Strict-Transport-Security.",
    )
    session_absolute_hours: float = Field(
        default=12.0,
        gt=0,
        description="A web session ends this long after signing in, however busy it is.",
    )
    require_totp_for_staff: bool = Field(
        default=False,
        description="Staff without an authenticator app are sent to set one up first.",
    )
    oidc_issuer: str | None = Field(
        default=None, description="The council identity provider's issuer, for single sign-on."
    )
    oidc_discovery_url: str | None = Field(
        default=None,
        description="Its OpenID configuration; unset, <issuer>/.well-known/openid-configuration.",
    )
    oidc_client_id: str | None = Field(default=None)
    oidc_client_secret: SecretStr | None = Field(default=None)
    oidc_redirect_url: str | None = Field(
        default=None,
        description="This site's /sign-in/oidc/callback as the provider knows it.",
    )
    settle_hours: float = Field(
        default=6.0,
        ge=0,
        description=(
            "A period's figures are taken this long after it ends (midnight after its last "
            "day, London), so late check-outs and answers count: 6 is 06:00 the day after."
        ),
    )
    board_refresh_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="How often the live board of today's visits updates itself in the page.",
    )
    cqc_api_url: str = Field(
        default="https://api.service.cqc.org.uk/public/v1",
        description="Base URL of CQC's public API, asked by `homecare cqc refresh`.",
    )
    cqc_api_key: SecretStr | None = Field(
        default=None,
        description="The subscription key CQC's API portal issues; unset, no refresh runs.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
