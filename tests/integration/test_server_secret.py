"""The server secret: kept beside an embedded store, required for a shared one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine

from homecare.accounts.server_secret import SecretKeyMissing, keyed_digest, server_secret
from homecare.config import Settings


def test_an_embedded_store_keeps_a_random_key_beside_it_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'homecare.db'}"
    settings = Settings(database_url=url)

    first = server_secret(settings, create_engine(url), configured_store=True)
    again = server_secret(settings, create_engine(url), configured_store=True)
    elsewhere = f"sqlite:///{tmp_path / 'other.db'}"
    other = server_secret(
        Settings(database_url=elsewhere), create_engine(elsewhere), configured_store=True
    )

    key_file = tmp_path / "homecare.db.secret"
    assert first == again and len(first) == 32
    assert other != first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_configured_key_is_used_whatever_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'homecare.db'}"
    settings = Settings(database_url=url, secret_key=SecretStr("configured"))

    key = server_secret(settings, create_engine(url), configured_store=True)

    assert key == server_secret(settings, create_engine("sqlite://"), configured_store=True)
    assert not (tmp_path / "homecare.db.secret").exists()


def test_a_shared_store_without_a_configured_key_refuses_to_start() -> None:
    url = "postgresql+psycopg://homecare@127.0.0.1:1/homecare"

    with pytest.raises(SecretKeyMissing, match="HOMECARE_SECRET_KEY"):
        server_secret(Settings(database_url=url), create_engine(url), configured_store=True)


def test_keyed_digests_differ_by_purpose_and_by_key() -> None:
    assert keyed_digest(b"k", "account", "a@b") == keyed_digest(b"k", "account", "a@b")
    assert keyed_digest(b"k", "account", "a@b") != keyed_digest(b"k", "address", "a@b")
    assert keyed_digest(b"k", "account", "a@b") != keyed_digest(b"j", "account", "a@b")
