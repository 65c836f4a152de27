"""What the daily checks read from the other areas (billing, inventory, notifications with records, staff), each
through that area's own adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

# Each port is read through that area's own adapter (functions/compliance/sources/), never its keys.


@dataclass(frozen=True)
class ClaimToFile:
    """A claim the payer has not accepted yet, and the day the payer stops taking it."""

    claim_id: str
    state: str
    payer_id: str
    deadline: date


class ClaimsToFile(Protocol):
    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        """The claims not yet accepted by their payer whose timely-filing deadline is on or before `by`."""


@dataclass(frozen=True)
class ExpiredLot:
    item_id: str
    location_id: str
    lot: str
    expires_on: date
    on_hand: int


class ExpiredStock(Protocol):
    def expired(self, practice_id: str, before: date) -> list[ExpiredLot]:
        """The lots with stock on hand whose expiry date is before `before`."""


@dataclass(frozen=True)
class PatientDelivery:
    """One message that went to a patient by email or SMS (the delivery log, not its content)."""

    message_id: str
    channel: str
    patient_id: str
    sent_at: str  # ISO 8601, UTC


class PatientDeliveries(Protocol):
    def sent(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        """The email and SMS deliveries to patients sent on the days first..last (UTC, both included)."""


@dataclass(frozen=True)
class ConsentSpan:
    """A communication consent as records keeps it: the channels it allows, from its grant to its revocation."""

    channels: frozenset[str]
    granted_at: str
    revoked_at: str | None

    def allowed(self, channel: str, at: str) -> bool:
        """Records keeps a consent's channels as they are now, not their history: a channel is judged by the
        consent's current list over the time it was in force."""
        return channel in self.channels and self.granted_at <= at and (self.revoked_at is None or at < self.revoked_at)


class CommunicationConsents(Protocol):
    def consents(self, practice_id: str, patient_id: str) -> list[ConsentSpan]:
        """Every communication consent the patient has given, in force or revoked."""


@dataclass(frozen=True)
class WaitingLeave:
    """A leave request still waiting for a decision, and who should make it (the manager, while it is theirs)."""

    leave_id: str
    user_id: str
    submitted_at: str
    status: str
    approver_id: str | None


class WaitingLeaveRequests(Protocol):
    def decision_days(self, practice_id: str) -> int:
        """The staff policy's days within which a leave request should be decided."""

    def waiting_since(self, practice_id: str, before: date) -> list[WaitingLeave]:
        """The undecided leave requests submitted before `before` (UTC day)."""


@dataclass(frozen=True)
class QuietAccount:
    """An active staff member and when they last signed in (None: never, since `created_at`)."""

    user_id: str
    last_signed_in_at: str | None
    created_at: str


class SignIns(Protocol):
    def quiet_since(self, practice_id: str, before: date) -> list[QuietAccount]:
        """The active members whose last sign-in (or, never signed in, their creation) is before `before`."""
