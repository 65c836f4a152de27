"""What the outreach use cases need from the world, each named for its role. DynamoDB adapters are in
`dynamo/`, the signed links in `links.py`, records' facts in `records_audience.py`; tests use
`tests/fakes/outreach.py`."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.outreach.models.promotion import PromotionRun, ReachReport, Send, SurveySummary
from functions.outreach.models.registrations import PendingSignup, Registration
from functions.outreach.models.surveys import SurveyAnswer, SurveyTotals
from functions.outreach.models.workshops import (
    AudienceCriteria,
    PromotedWorkshop,
    Registrant,
    RegistrationStatus,
    Workshop,
)
from functions.records.models.audience import AudienceMember

# --- workshops and registrations --------------------------------------------------------------------------


class WorkshopCatalog(Protocol):
    """The practice's workshops, each read with its counts (registered, waitlisted)."""

    def workshop(self, practice_id: str, workshop_id: str) -> Workshop | None: ...
    def workshops(self, practice_id: str, status: str | None, cursor: str | None,
                  limit: int) -> tuple[list[Workshop], str | None]:
        """Newest first; `status` None for every status."""
    def create(self, workshop: Workshop, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None: ...
    def save(self, workshop: Workshop, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        """Over the version before `workshop.version` (else stale: 412)."""
    def tell(self, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """Messages about a workshop, with the entry that says they were asked for."""
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...
    def survey_totals(self, practice_id: str, workshop_id: str) -> SurveyTotals: ...


class RegistrationBook(Protocol):
    """Registrations. A place is taken on the workshop's counter in the registration's own transaction, so the
    places never go above capacity however many register at once. A registration's `holder` names who holds it
    (a patient, a public contact): one active registration per holder and workshop (Conflict on a second)."""

    def registration(self, practice_id: str, registration_id: str) -> Registration | None: ...
    def of_workshop(self, practice_id: str, workshop_id: str, cursor: str | None,
                    limit: int) -> tuple[list[Registration], str | None]: ...
    def of_patient(self, practice_id: str, patient_id: str) -> list[Registration]: ...
    def take_place(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent],
                   claim: IdempotencyClaim | None = None, signup: PendingSignup | None = None) -> bool:
        """A place, if one is left on a published workshop: False when none is (nothing written). `signup`: the
        pending public registration it confirms, consumed in the same transaction."""
    def join_waitlist(self, registration: Registration, audit: AuditDraft,
                      events: Sequence[DomainEvent], claim: IdempotencyClaim | None = None,
                      signup: PendingSignup | None = None) -> None: ...
    def cancel(self, registration: Registration, was: RegistrationStatus, audit: AuditDraft,
               events: Sequence[DomainEvent]) -> None:
        """`registration` as cancelled (its version the next); frees the place (or waitlist spot) it held."""
    def first_waitlisted(self, practice_id: str, workshop_id: str) -> Registration | None: ...
    def promote(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent]) -> bool:
        """A waitlisted registration takes a free place: False when no place is free or it is not waitlisted."""
    def mark_attendance(self, practice_id: str, workshop_id: str, session_id: str, present: Sequence[str],
                        absent: Sequence[str], audit: AuditDraft) -> None:
        """Conflict when a registration named is not a registered one of this workshop (nothing written)."""
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class SignupBook(Protocol):
    """Public registrations waiting for their confirmation link; they expire unconfirmed."""

    def hold(self, signup: PendingSignup, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """The pending registration and the contact's card (so the link can be sent), with the link's message."""
    def signup(self, practice_id: str, signup_id: str) -> PendingSignup | None: ...


class RateLimits(Protocol):
    def spend(self, practice_id: str, bucket: str, limit: int, window: timedelta, now: datetime) -> bool:
        """One more request in `bucket`'s current window; False when the window already has `limit`."""


class SurveyBox(Protocol):
    def answer(self, practice_id: str, answer: SurveyAnswer, audit: AuditDraft) -> None:
        """Once per registration (Conflict on a second), adding to the workshop's totals."""
    def answered(self, practice_id: str, registration_id: str) -> bool: ...


class AudienceCheck(Protocol):
    """Records' facts about a patient, matched against a workshop's audience."""

    def is_in_audience(self, practice_id: str, patient_id: str, criteria: AudienceCriteria) -> bool: ...


# --- the seam with the promotion (workshops implement, the promotion's steps call) -------------------------


class WorkshopFacts(Protocol):
    def workshop(self, practice_id: str, workshop_id: str) -> PromotedWorkshop | None: ...
    def registrants(self, practice_id: str, workshop_id: str, cursor: str | None = None,
                    limit: int = 100) -> tuple[list[Registrant], str | None]: ...
    def close_registration(self, practice_id: str, workshop_id: str) -> bool:
        """published -> closed; False when it was not published (already closed, unpublished, cancelled)."""


class SurveyLinks(Protocol):
    def survey_url(self, practice_id: str, registration_id: str) -> str:
        """The signed link a registrant answers the follow-up survey through (the survey routes)."""


# --- the promotion ----------------------------------------------------------------------------------------

class PromotionWorkflow(Protocol):
    def start(self, practice_id: str, workshop_id: str, version: int) -> None:
        """Start the promotion for this publication (execution name promote-<workshop>-v<version>: a retry
        starts it once)."""

    def stop(self, practice_id: str, workshop_id: str) -> None:
        """Stop it (StopExecution of the running one; steps also end the run when the workshop is not
        published/closed any more, so a stop lost in a race still ends cleanly)."""


class ConsentedAudience(Protocol):
    """Records' audience index: the patients who consent to contact on a topic, a page at a time."""

    def audience(self, practice_id: str, topic: str, cursor: str | None = None,
                 limit: int = 100) -> tuple[list[AudienceMember], str | None]: ...


class PromotionLedger(Protocol):
    """What the promotion sent, once each, and where its run stands."""

    def send(self, practice_id: str, workshop_id: str, sends: Sequence[Send]) -> int:
        """Record each send with its notification event, skipping any already recorded for that
        (workshop, kind, person); returns how many were new (their events are the only ones written)."""

    def sent_to(self, practice_id: str, workshop_id: str, kind: str, cursor: str | None = None,
                limit: int = 100) -> tuple[list[str], str | None]:
        """The people a kind of message went to, a page at a time (e.g. the invited, to remind them)."""

    def count(self, practice_id: str, workshop_id: str, kind: str) -> int:
        """How many people a kind of message went to."""

    def run(self, practice_id: str, workshop_id: str) -> PromotionRun | None: ...

    def begin(self, practice_id: str, workshop_id: str, version: int, at: str) -> None:
        """The run of this publication starts (its counts carry on from an earlier one of the workshop)."""

    def end(self, practice_id: str, workshop_id: str, outcome: str, at: str) -> None: ...

    def save_report(self, practice_id: str, report: ReachReport) -> None: ...

    def report(self, practice_id: str, workshop_id: str) -> ReachReport | None: ...


class DeliveryLog(Protocol):
    """Notifications' delivery log, as the reach report reads it."""

    def delivered(self, practice_id: str, workshop_id: str) -> int:
        """How many of the workshop's invitations were sent on some channel."""


class SurveyTally(Protocol):
    """The follow-up survey's answers counted, as the reach report reads them (the workshops keep the totals)."""

    def summary(self, practice_id: str, workshop_id: str) -> SurveySummary: ...
