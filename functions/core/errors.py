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


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
