"""The server's secret: the key of every keyed digest and signed form token.

`HOMECARE_SECRET_KEY` sets it. Unset, an embedded SQLite store keeps a random 32-byte
key in a file beside the database (`<file>.secret`, readable by its owner only), made on
first use, so restarts keep counting failed sign-ins and forms stay valid. A PostgreSQL
deployment must set the key: the app refuses to start without one. A store with neither
(an in-memory SQLite store) gets a random key for the life of the process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from homecare.config import Settings

KEY_BYTES = 32


class SecretKeyMissing(RuntimeError):
    """A shared store with no configured key: every server must use the same one."""


def _key_file(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".secret")


def _read_or_make(path: Path) -> bytes:
    """The key in `path`, made once with owner-only permissions if the file is new.

    The key is written whole to a file of its own and then linked into place, so server
    processes starting together all read the one key, never a file still being written."""
    if not path.exists():
        fd, draft = tempfile.mkstemp(prefix=path.name, dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(KEY_BYTES))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
        finally:
            os.unlink(draft)
    return bytes.fromhex(path.read_text().strip())


def server_secret(settings: Settings, engine: Engine, *, configured_store: bool) -> bytes:
    """The key for this deployment; `configured_store` says the URL came from settings."""
    if settings.secret_key is not None:
        return hashlib.sha256(settings.secret_key.get_secret_value().encode()).digest()
    path = _key_file(engine)
    if path is not None:
        return _read_or_make(path)
    if configured_store and engine.url.get_backend_name() != "sqlite":
        raise SecretKeyMissing("set HOMECARE_SECRET_KEY: a shared store needs a configured key")
    return secrets.token_bytes(KEY_BYTES)


def keyed_digest(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA-256 of a value for one purpose, as hex: the same value, the same digest."""
    return hmac.new(secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()
