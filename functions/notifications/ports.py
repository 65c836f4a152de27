"""What the notifications use cases need from storage, the other areas and the providers, in their words.
The DynamoDB adapters are in dynamo.py (and directory.py, reading the records area), the providers in
channels.py; in-memory fakes of each are in tests/fakes/notifications.py."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent
from functions.notifications.models.messages import InboxItem, Message, Recipient, Source
from functions.notifications.models.preferences import Preferences
from functions.notifications.models.staff import StaffMember
from functions.notifications.models.templates import Template
from functions.notifications.rules import Allowance, Contact

Shown = TypeVar("Shown")
Position = dict[str, Any]  # where a listing stopped: opaque to the use cases, signed into a page token


@dataclass
class Listing(Generic[Shown]):
    """One page of a list, newest first, and where the next page starts (None: this was the last)."""

    items: list[Shown] = field(default_factory=list)
    next_start: Position | None = None


@dataclass
class StoredMessage:
    message: Message
    payload: dict[str, Any] | None  # the template data; None once the message is settled
    fingerprint: str  # of the request that made it, to tell a retry from a key reused


@dataclass(frozen=True)
class PatientDelivery:
    """An email or SMS a patient was sent: which message, on which channel, when (the log, never the body)."""

    message_id: str
    channel: str
    patient_id: str
    sent_at: str


@dataclass(frozen=True)
class NewMessage:
    message: Message
    payload: dict[str, Any]
    fingerprint: str


class MessageLog(Protocol):
    """The messages a practice was asked to send, each made once, and the log that lists them."""

    def create(self, new: NewMessage) -> bool:
        """False when a message with this id exists (the request was made before)."""
        ...

    def request(self, messages: Sequence[NewMessage], audit: AuditDraft, event: DomainEvent,
                allowance: Allowance | None = None) -> None:
        """All of them, counted against the sender's day, with the audit entry and the event, or none:
        AlreadyRequested when one exists, TooManyRequests past the day's allowance."""
        ...

    def message(self, practice_id: str, message_id: str) -> StoredMessage | None: ...

    def to_recipient(self, practice_id: str, person: str, limit: int,
                     start: Position | None) -> Listing[Message]: ...

    def about(self, practice_id: str, source: Source, limit: int, start: Position | None) -> Listing[Message]: ...


class DeliveryLedger(Protocol):
    """Each channel's delivery of a message, claimed before the provider is called, and its outcome."""

    def claim(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> bool:
        """False when someone else holds or settled the claim for this attempt."""
        ...

    def record_sent(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                    provider_id: str | None, patient_id: str | None = None) -> None:
        """`patient_id`: the message went to this patient, so an email or SMS joins the deliveries to patients."""

    def sent_to_patients(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        """The emails and SMS sent to patients on the days first..last (UTC), oldest first."""

    def record_attempt_failed(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                              reason: str, final: bool) -> None: ...

    def record_uncertain(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> None: ...

    def record_bounce(self, practice_id: str, message_id: str, at: str, reason: str) -> None:
        """Conflict when the message has no sent email to bounce."""
        ...

    def settle(self, practice_id: str, message_id: str, status: str, at: str, reason: str | None = None,
               channels: Sequence[str] = ()) -> None: ...


class DueMessages(Protocol):
    """Messages held back until a time (quiet hours, a provider outage), and which are due now."""

    def defer(self, practice_id: str, message_id: str, until: str, at: str, reason: str,
              channels: Sequence[str] = ()) -> None: ...

    def due(self, practice_id: str, now: str, limit: int, start: Position | None) -> Listing[str]:
        """The ids of the deferred messages due at `now`, oldest first."""
        ...


class TemplateBook(Protocol):
    """The practice's own templates (the built-in ones are in templates.py)."""

    def template(self, practice_id: str, key: str, language: str) -> Template | None: ...

    def templates(self, practice_id: str) -> list[Template]: ...

    def put_template(self, practice_id: str, template: Template, expected_version: int | None) -> None:
        """New (expected_version None) or replacing that version; Conflict when stale."""
        ...


class PreferenceBook(Protocol):
    """Each person's notification preferences (none saved: the defaults)."""

    def preferences(self, practice_id: str, person: str) -> Preferences | None: ...

    def put_preferences(self, practice_id: str, preferences: Preferences, expected_version: int | None) -> None:
        """New (expected_version None) or replacing that version; Conflict when stale."""
        ...


class Inbox(Protocol):
    """The in-app inbox: one entry per message, per person."""

    def put_inbox_item(self, practice_id: str, person: str, requested_at: str, item: InboxItem) -> bool:
        """False when the entry is there already (a retry)."""
        ...

    def inbox(self, practice_id: str, person: str, limit: int, start: Position | None) -> Listing[InboxItem]: ...

    def mark_read(self, practice_id: str, person: str, requested_at: str, message_id: str, at: str) -> None:
        """NotFound when the person has no such entry."""
        ...


class RecipientDirectory(Protocol):
    """What notifications needs from the records area and the practice's staff records."""

    def contact(self, practice_id: str, recipient: Recipient) -> Contact: ...

    def consented_family(self, practice_id: str, patient_id: str) -> list[str]:
        """The family members the patient's active data-sharing consent names."""
        ...

    def patients_with_phone(self, practice_id: str, phone: str) -> list[str]: ...


class StaffDirectory(Protocol):
    """The practice's staff records (the staff area writes them): where a member's work notices go."""

    def member(self, practice_id: str, user_id: str) -> StaffMember | None: ...


@dataclass(frozen=True)
class Outgoing:
    """A rendered message on its way out. The address is the email, the phone number, or the person key."""

    practice_id: str
    message_id: str
    person: str
    address: str
    subject: str
    text: str
    html: str
    sms: str
    requested_at: str
    source: Source


class Channel(Protocol):
    """One way to reach a person: email, SMS or the in-app inbox."""

    name: str

    def send(self, message: Outgoing) -> str | None:
        """Hand the message to the provider and return its id; raise TransientFailure (try again later) or
        PermanentFailure (it will never go), with a reason code, never the provider's text."""
        ...
