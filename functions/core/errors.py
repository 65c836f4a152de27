"""Domain errors. Services raise them; the API layer turns each into its HTTP status and JSON shape."""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None, code: str | None = None,
                 subject_patient_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code
        # whose data a refused request reached for, for the audit trail only: never in the response body
        self.subject_patient_id = subject_patient_id

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PreconditionFailed(Conflict):
    """The caller's If-Match names a version that is no longer the stored one: read again, then retry. A kind of
    conflict, so code that settles a lost race (`except Conflict`) treats it as one."""

    status = 412
    code = "precondition_failed"


class PreconditionRequired(DomainError):
    """An update sent without If-Match: we never let a change overwrite one the caller has not seen."""

    status = 428
    code = "precondition_required"


def stale(what: str) -> PreconditionFailed:
    """The one answer to an update whose If-Match is out of date, wherever the check is made."""
    return PreconditionFailed(f"the {what} changed since you read it; read it again and send its ETag in If-Match")


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
