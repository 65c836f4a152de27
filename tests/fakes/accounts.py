"""In-memory fakes of accounts' ports, keeping state as the user pool and the table do: one user per email
across practices, a resend only while the user is pending, versioned invitations, Idempotency-Key records."""

import threading
import uuid
from typing import Any

from functions.accounts.models import DirectoryUser, Invitation, NewUser, PatientContact
from functions.core.audit import AuditDraft
from functions.core.auth import Role
from functions.core.errors import Conflict, NotFound, stale
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys

GROUPS = frozenset(role.value for role in Role)


class FakeUserDirectory:
    """The user pool: `sent` lists each invitation email, `sign_in` makes a pending user active."""

    def __init__(self) -> None:
        self.users: dict[str, DirectoryUser] = {}
        self.groups: dict[str, set[str]] = {}
        self.sent: list[str] = []

    def find(self, email: str) -> DirectoryUser | None:
        return self.users.get(email)

    def create(self, user: NewUser) -> DirectoryUser:
        if user.email in self.users:
            raise Conflict("this email signs in already", code="email_in_use")
        made = DirectoryUser(user_id=str(uuid.uuid4()), email=user.email, practice_id=user.practice_id,
                             patient_id=user.patient_id, pending=True)
        self.users[user.email] = made
        self.groups[user.email] = set()
        self.sent.append(user.email)
        return made

    def resend(self, email: str) -> None:
        user = self.users.get(email)
        if user is None:
            raise NotFound("no such user", code="user_not_found")
        if not user.pending:
            raise Conflict("this user has signed in already: there is no invitation to resend", code="account_active")
        self.sent.append(email)

    def add_to_groups(self, email: str, groups: tuple[str, ...]) -> None:
        if email not in self.users:
            raise NotFound("no such user", code="user_not_found")
        if unknown := set(groups) - GROUPS:
            raise ValueError(f"no such group: {sorted(unknown)}")
        self.groups[email] |= set(groups)

    # --- for tests: what the pool's console would show -------------------------------------------------
    def sign_in(self, email: str) -> None:
        self.users[email] = self.users[email].model_copy(update={"pending": False})

    def groups_of(self, email: str) -> set[str]:
        return set(self.groups.get(email, set()))


class FakeInvitationBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.invitations: dict[tuple[str, str], Invitation] = {}
        self.keys = FakeIdempotencyKeys()
        self.lock = threading.RLock()

    def invitation(self, practice_id: str, user_id: str) -> Invitation | None:
        return self.invitations.get((practice_id, user_id))

    def keep(self, invitation: Invitation, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        with self.lock:
            self.keys.check(invitation.practice_id, claim)
            before = self.invitations.get((invitation.practice_id, invitation.user_id))
            if invitation.version == 1 and before is not None:
                raise Conflict("this user was just invited; retry", code="invitation_exists")
            if invitation.version > 1 and (before is None or before.version != invitation.version - 1):
                raise stale("invitation")
            self.invitations[(invitation.practice_id, invitation.user_id)] = invitation
            self.keys.keep(invitation.practice_id, claim)
            self.audit.commit(audit)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        return self.keys.replay(practice_id, request)


class FakePatientContacts:
    """Records' patients as accounts sees them: `add` one, `delete` one (soft, as records does)."""

    def __init__(self) -> None:
        self.patients: dict[tuple[str, str], PatientContact] = {}

    def add(self, practice_id: str, patient: PatientContact) -> None:
        self.patients[(practice_id, patient.id)] = patient

    def delete(self, practice_id: str, patient_id: str) -> None:
        self.patients.pop((practice_id, patient_id), None)

    def patient(self, practice_id: str, patient_id: str) -> PatientContact | None:
        return self.patients.get((practice_id, patient_id))
