"""The `policy_unsigned` check: every acknowledgement of a policy's current version still unsigned past its
sign-by date, owned by the signer. Reads the sparse index of unsigned requests by sign-by date (signing or a new
version takes a request off it), so its cost grows with what is unsigned."""

import hashlib
from collections.abc import Iterable
from datetime import date

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.ports.training import AcknowledgementBook


class PolicyUnsigned:
    name = "policy_unsigned"

    def __init__(self, acknowledgements: AcknowledgementBook, high_after_days: int = 30) -> None:
        self.acknowledgements = acknowledgements
        self.high_after_days = high_after_days

    def find(self, practice_id: str, today: date) -> Iterable[Raised]:
        for request in self.acknowledgements.unsigned(practice_id, today):
            late = (today - request.sign_by).days
            # one finding per (policy, version, signer); a user id may be 64 characters, so the key is a digest
            digest = hashlib.sha256(f"{request.policy_id}#{request.number}#{request.user_id}".encode()).hexdigest()
            yield Raised(check=self.name, key=f"ack-{digest[:32]}",
                         severity=Severity.HIGH if late > self.high_after_days else Severity.MEDIUM,
                         owner=f"user:{request.user_id}", due_on=request.sign_by,
                         title=(f"Policy '{request.policy_title}' version {request.number} was to be acknowledged "
                                f"by {request.sign_by.isoformat()}")[:200],
                         link=f"/policies/{request.policy_id}/acknowledgements/{request.user_id}")
