"""Council staff signing in through the council's identity provider (OpenID Connect).

The authorisation-code flow with PKCE (RFC 7636, S256), a `state` bound to the browser
and a `nonce` bound to the ID token. The ID token's signature is checked against the
provider's published keys (RS256 or ES256 only), and its issuer, audience, expiry,
issue time and nonce against what this flow expects, with Authlib's JOSE library.

An identity is the pair (issuer, subject). The first time one signs in, it is linked to
the council staff account with the same email, and only when the provider says that
email is verified; people, provider staff and the NHS never sign in this way. When the
ID token's `amr` claim (RFC 8176) says the provider asked for a second factor, the
sign-in is complete; otherwise the session waits for an authenticator code exactly as
after a password (`sign_in.needs_second_factor`). The sign-in's audit row says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import (  # type: ignore[import-untyped]
    create_s256_code_challenge,
)
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Role
from homecare.accounts.domain import second_factor_from_provider
from homecare.accounts.repository import account_by_email
from homecare.accounts.service import actor_for_user
from homecare.accounts.sign_in import needs_second_factor
from homecare.accounts.tables import UserAccount
from homecare.accounts.web_sessions import StartedSession, start_web_session
from homecare.config import Settings
from homecare.errors import Forbidden, NotAuthenticated
from homecare.market.tables import Organisation

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10


class SingleSignOnFailed(NotAuthenticated):
    """The provider's answer could not be trusted, or named nobody who may sign in."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Flow:
    """What one sign-in carries from the redirect to the callback, in a signed cookie."""

    state: str
    nonce: str
    verifier: str
    next_url: str | None


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_url)


def discover(settings: Settings, http: httpx.Client) -> Provider:
    """The provider's endpoints, from its discovery document, which must name the issuer."""
    assert settings.oidc_issuer
    url = settings.oidc_discovery_url or (
        settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    )
    document = http.get(url, timeout=TIMEOUT_SECONDS).raise_for_status().json()
    if document.get("issuer") != settings.oidc_issuer:
        raise SingleSignOnFailed("the identity provider's discovery names another issuer")
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
    )


def new_flow(next_url: str | None) -> Flow:
    return Flow(
        state=generate_token(32),
        nonce=generate_token(32),
        verifier=generate_token(64),
        next_url=next_url,
    )


def authorization_url(provider: Provider, settings: Settings, flow: Flow) -> str:
    query = {
        "response_type": "code",
        "client_id": settings.oidc_client_id,
        "redirect_uri": settings.oidc_redirect_url,
        "scope": "openid email profile",
        "state": flow.state,
        "nonce": flow.nonce,
        "code_challenge": create_s256_code_challenge(flow.verifier),
        "code_challenge_method": "S256",
    }
    return f"{provider.authorization_endpoint}?{urlencode(query)}"


def exchange_code(
    provider: Provider, settings: Settings, flow: Flow, code: str, http: httpx.Client
) -> str:
    """The ID token for an authorisation code, with the PKCE verifier and client secret."""
    assert settings.oidc_client_id
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    response = http.post(
        provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.oidc_redirect_url,
            "code_verifier": flow.verifier,
        },
        auth=(settings.oidc_client_id, secret),
        timeout=TIMEOUT_SECONDS,
    )
    if response.status_code != 200:
        raise SingleSignOnFailed("the identity provider refused the sign-in code")
    id_token = response.json().get("id_token")
    if not isinstance(id_token, str):
        raise SingleSignOnFailed("the identity provider sent no ID token")
    return id_token


def verified_claims(
    id_token: str, keys: dict[str, Any], *, issuer: str, client_id: str, nonce: str, now: int
) -> dict[str, Any]:
    """The ID token's claims once its signature, iss, aud, exp, iat and nonce hold."""
    try:
        token = jwt.decode(
            id_token,
            KeySet.import_key_set(cast(KeySetSerialization, keys)),
            algorithms=list(ALGORITHMS),
        )
        registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SingleSignOnFailed("the identity provider's ID token did not verify") from exc
    claims = dict(token.claims)
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp != client_id:
        raise SingleSignOnFailed("the ID token was issued to another client")
    return claims


def signed_in_identity(
    settings: Settings, flow: Flow, code: str, *, now: datetime, http: httpx.Client
) -> dict[str, Any]:
    """The verified claims of the person the provider has just signed in."""
    assert settings.oidc_issuer and settings.oidc_client_id
    provider = discover(settings, http)
    id_token = exchange_code(provider, settings, flow, code, http)
    keys = http.get(provider.jwks_uri, timeout=TIMEOUT_SECONDS).raise_for_status().json()
    return verified_claims(
        id_token,
        keys,
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        nonce=flow.nonce,
        now=int(now.timestamp()),
    )


def _council_staff(session: Session, user: UserAccount) -> bool:
    organisation = session.get(Organisation, user.organisation_id)
    return (
        organisation is not None
        and organisation.kind == "council"
        and Role(user.role) not in {Role.PERSON, Role.SYSTEM}
    )


def account_for_identity(session: Session, claims: dict[str, Any], *, at: datetime) -> UserAccount:
    """The account this identity signs in as, linking it by verified email the first time."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    user = session.scalar(
        select(UserAccount).where(
            UserAccount.oidc_issuer == issuer, UserAccount.oidc_subject == subject
        )
    )
    if user is None:
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is not True:
            raise Forbidden("your council account has no verified email for Home care")
        user = account_by_email(session, email)
        if user is None or not _council_staff(session, user) or user.oidc_subject is not None:
            raise Forbidden("there is no council staff account for you in Home care")
        user.oidc_issuer, user.oidc_subject = issuer, subject
        session.flush()
        audit.record(
            session,
            actor=actor_for_user(session, user),
            at=at,
            action="user.single_sign_on_linked",
            entity="user",
            entity_id=user.id,
            issuer=issuer,
        )
    if user.disabled_at is not None or not _council_staff(session, user):
        raise Forbidden("this account may not sign in")
    return user


def start_single_sign_on_session(
    session: Session, claims: dict[str, Any], *, at: datetime, totp_required_for_staff: bool
) -> StartedSession:
    """A session for the identity the provider vouched for; it waits for an authenticator
    code unless the provider's ID token says a second factor was already used."""
    user = account_for_identity(session, claims, at=at)
    by_provider = second_factor_from_provider(claims.get("amr"))
    waits = not by_provider and needs_second_factor(
        user, required_for_staff=totp_required_for_staff
    )
    return start_web_session(
        session,
        user=user,
        at=at,
        signed_in_with="oidc",
        awaiting_second_factor=waits,
        second_factor_by_identity_provider=by_provider,
    )
