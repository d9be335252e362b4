"""Errors that carry their own HTTP status, so routes never translate by hand."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can act on; `field` names the input at fault when there is one.

    The API answers every one as a `homecare.problems.Problem` with the class's status, and
    its published document declares that shape for each of these statuses."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The payload is malformed or names something that cannot be used (422)."""

    status = 422


class NotFound(DomainError):
    """Missing, or not the caller's to see: the two are never told apart (404)."""

    status = 404


class Conflict(DomainError):
    """The request is well formed but the records' state forbids it (409)."""

    status = 409


class NotAuthenticated(DomainError):
    """No valid bearer token (401)."""

    status = 401


class Forbidden(DomainError):
    """The role may not take this action at all (403)."""

    status = 403


class TooManyAttempts(DomainError):
    """Too many failed tries: wait `retry_after` seconds before the next (429)."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
