"""The sign-in forms' token: the server's HMAC of the browser's pre-session nonce."""

from __future__ import annotations

from homecare.web.csrf import PRE_SESSION_LIFETIME, live_nonce, new_nonce, signed_token

SECRET = b"a server secret for the test"
NOW = 1_790_000_000.0


def test_the_token_depends_on_the_nonce_and_on_the_server_secret() -> None:
    one, two = new_nonce(NOW), new_nonce(NOW)

    assert signed_token(SECRET, one) == signed_token(SECRET, one)
    assert signed_token(SECRET, one) != signed_token(SECRET, two)
    assert signed_token(SECRET, one) != signed_token(b"another secret", one)
    assert signed_token(SECRET, one) != one


def test_a_nonce_is_good_for_twelve_hours_and_must_be_well_formed() -> None:
    nonce = new_nonce(NOW)

    assert live_nonce(nonce, NOW + PRE_SESSION_LIFETIME) == nonce
    assert live_nonce(nonce, NOW + PRE_SESSION_LIFETIME + 1) is None
    assert live_nonce(nonce, NOW - 60) is None
    for bad in (None, "", "attacker", "123.short", "abc." + "x" * 40):
        assert live_nonce(bad, NOW) is None
