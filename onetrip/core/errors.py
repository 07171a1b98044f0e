"""One error format for the whole platform: {"code", "message", "detail"} with a 4xx status."""

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request; `code` is stable, `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, detail: Any = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.detail = detail
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class NotFound(DomainError):
    """Missing, or outside the caller's scope: both answer the same 404."""

    status = 404


class PermissionDenied(DomainError):
    status = 403


class NotAuthenticated(DomainError):
    status = 401
