"""The ports accounts' use case depends on: the user directory (Cognito), the practice's record of invitations
sent (the table), and the one thing it reads of records."""

from typing import Any, Protocol

from functions.accounts.models import DirectoryUser, Invitation, NewUser, PatientContact
from functions.core.audit import AuditDraft
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest


class UserDirectory(Protocol):
    """The sign-ins of every practice (one user pool): an email is one user, bound to one practice for life."""

    def find(self, email: str) -> DirectoryUser | None: ...

    def create(self, user: NewUser) -> DirectoryUser:
        """Create the sign-in and send its invitation; Conflict `email_in_use` when the email has one."""
        ...

    def resend(self, email: str) -> None:
        """Send a pending user's invitation again; Conflict `account_active` once they have signed in."""
        ...

    def add_to_groups(self, email: str, groups: tuple[str, ...]) -> None: ...


class InvitationBook(Protocol):
    """The invitations a practice sent, each kept with its audit entry (and Idempotency-Key) in one write."""

    def invitation(self, practice_id: str, user_id: str) -> Invitation | None: ...

    def keep(self, invitation: Invitation, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """Version 1 is new; a later version replaces the one before it (else PreconditionFailed)."""
        ...

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class PatientContacts(Protocol):
    """What accounts reads of records: a patient on file (not deleted) in the practice, else None."""

    def patient(self, practice_id: str, patient_id: str) -> PatientContact | None: ...
