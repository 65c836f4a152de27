"""Messages: who one is for, what it came from, the request that makes it, its delivery log, and the two
kinds of delivery failure the channels raise."""

import hashlib
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from functions.core import idempotency
from functions.core.errors import Conflict
from functions.core.models import Shape, Stored, Strict

Channel = Literal["email", "sms", "in_app"]
CHANNELS: tuple[Channel, ...] = ("email", "sms", "in_app")
RecipientKind = Literal["patient", "family", "staff", "contact"]
# suppressed: consent, opt-out or an unknown recipient allowed no channel; uncertain: an attempt never
# reported back, and nobody resends blindly (see delivery.py)
Status = Literal["requested", "deferred", "sent", "failed", "bounced", "suppressed", "uncertain"]
# A message in one of these states is settled: nothing will be sent for it again.
FINAL: frozenset[str] = frozenset({"sent", "failed", "bounced", "suppressed", "uncertain"})
DeliveryStatus = Literal["sending", "sent", "released", "failed", "uncertain", "bounced"]

_ID = r"^[A-Za-z0-9_-]{1,64}$"
Id = Annotated[str, StringConstraints(pattern=_ID)]
TemplateKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Variable = str | int | float | bool | None


# --- who and why --------------------------------------------------------------------------------

class Recipient(Strict):
    """A patient; a patient's family member or proxy (`patient_id` + `member_id`); a staff user; or a contact
    (a supplier, a member of the public: `core.contacts`). Ids only: where a message goes comes from the
    patient's record, the practice's staff records or the contact's card, never from the request, so an
    address in it (`email`, `address`, ...) is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RecipientKind
    patient_id: Id | None = None
    member_id: Id | None = None
    user_id: Id | None = None
    contact_id: Id | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Recipient":
        wanted = {"patient": {"patient_id"}, "family": {"patient_id", "member_id"},
                  "staff": {"user_id"}, "contact": {"contact_id"}}[self.kind]
        given = {name for name in ("patient_id", "member_id", "user_id", "contact_id") if getattr(self, name)}
        if given != wanted:
            raise ValueError(f"a {self.kind} recipient names exactly: {', '.join(sorted(wanted))}")
        return self

    @property
    def key(self) -> str:
        """The person, as keys and the API name them: PATIENT#p, FAMILY#p#m, STAFF#u, CONTACT#c."""
        if self.kind == "patient":
            return f"PATIENT#{self.patient_id}"
        if self.kind == "family":
            return f"FAMILY#{self.patient_id}#{self.member_id}"
        if self.kind == "contact":
            return f"CONTACT#{self.contact_id}"
        return f"STAFF#{self.user_id}"

    @property
    def ref(self) -> str:
        """The person as the API's query parameters write them: patient:p, family:p:m, staff:u."""
        return person_ref(self.key)

    @classmethod
    def parse_ref(cls, ref: str) -> "Recipient":
        kind, _, rest = ref.partition(":")
        parts = rest.split(":") if rest else []
        if kind == "patient" and len(parts) == 1:
            return cls(kind="patient", patient_id=parts[0])
        if kind == "family" and len(parts) == 2:
            return cls(kind="family", patient_id=parts[0], member_id=parts[1])
        if kind == "staff" and len(parts) == 1:
            return cls(kind="staff", user_id=parts[0])
        if kind == "contact" and len(parts) == 1:
            return cls(kind="contact", contact_id=parts[0])
        raise ValueError("write a recipient as patient:<id>, family:<patient id>:<member id>, staff:<user id> "
                         "or contact:<id>")


class Source(Strict):
    """What a message is about, so one appointment's reminders can be listed: area, entity, id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    area: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]
    entity: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]
    entity_id: Id

    @property
    def key(self) -> str:
        return f"{self.area}#{self.entity}#{self.entity_id}"

    @classmethod
    def parse_ref(cls, ref: str) -> "Source":
        parts = ref.split(":")
        if len(parts) != 3:
            raise ValueError("write a source as <area>:<entity>:<id>, e.g. scheduling:appointment:01J...")
        return cls(area=parts[0], entity=parts[1], entity_id=parts[2])


Data = Annotated[dict[Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")], Variable],
                 Field(max_length=50)]


class NotificationRequest(Strict):
    """One message for one person. The same (practice, idempotency key, recipient) is one message, however
    often it is requested."""

    practice_id: Id
    recipient: Recipient
    template: TemplateKey
    data: Data = Field(default_factory=dict)
    source: Source
    idempotency_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,160}$")]

    @property
    def message_id(self) -> str:
        return message_id(self.practice_id, self.idempotency_key, self.recipient)

    def fingerprint(self) -> str:
        """What was asked, without the key (core.idempotency's fingerprint): the same key with another
        fingerprint is the key reused for a different message."""
        return idempotency.fingerprint("notification.request",
                                       self.model_dump(mode="json", exclude={"idempotency_key"}))


def message_id(practice_id: str, idempotency_key: str, recipient: Recipient) -> str:
    """Derived, not drawn: a retried request finds the message (and its claims) it made the first time."""
    digest = hashlib.sha256(f"{practice_id}\x00{idempotency_key}\x00{recipient.key}".encode()).hexdigest()
    return f"M{digest[:31]}"


# --- the delivery log ---------------------------------------------------------------------------------

class LogEntry(Shape):
    status: str
    at: str
    channel: str | None = None
    reason: str | None = None


class Delivery(Stored):
    channel: Channel
    status: DeliveryStatus
    attempts: int = 0
    claimed_at: str | None = None
    sent_at: str | None = None
    provider_id: str | None = None
    reason: str | None = None


class Message(Stored):
    """A message's log entry. Ids, codes and times: never the body, the data, an address or a name."""

    id: str
    practice_id: str
    recipient: Recipient
    template: str
    source: Source
    status: Status
    reason: str | None = None
    requested_at: str
    deliver_after: str | None = None
    channels: list[Channel] = Field(default_factory=list)
    attempts: int = 0
    history: list[LogEntry] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)

    @field_validator("recipient", mode="before")
    @classmethod
    def _ids_only(cls, value: Any) -> Any:
        # messages logged while a staff address still came with the request kept it; it is never read again
        return {k: v for k, v in value.items() if k != "email"} if isinstance(value, dict) else value

    def delivery(self, channel: str) -> Delivery | None:
        return next((d for d in self.deliveries if d.channel == channel), None)


class MessagePage(Shape):
    messages: list[Message]
    next_page_token: str | None = None


class MessageIn(Strict):
    recipient: Recipient
    template: TemplateKey
    data: Data = Field(default_factory=dict)
    source: Source | None = None


class CareInstructionsIn(Strict):
    patient_id: Id
    instructions: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    appointment_id: Id | None = Field(default=None, description="the visit the instructions follow")
    include_family: bool = Field(default=True, description="also send to family members the patient's "
                                                           "data-sharing consent names")


class Accepted(Shape):
    message_ids: list[str]
    recipients: list[str]  # recipient refs, in the same order


class InboxItem(Stored):
    message_id: str
    subject: str
    text: str
    received_at: str
    read_at: str | None = None
    source: Source | None = None


class InboxPage(Shape):
    items: list[InboxItem]
    next_page_token: str | None = None


# --- what the worker does with one request -------------------------------------------------------

class Outcome(Shape):
    message_id: str
    status: str
    reason: str | None = None


def person_ref(person_key: str) -> str:
    """PATIENT#p -> patient:p (the kind in lower case, ids as they are)."""
    kind, _, rest = person_key.partition("#")
    return f"{kind.lower()}:{rest.replace('#', ':')}"


def patient_of(person_key: str) -> str | None:
    """The patient whose data a person's messages and preferences are: PATIENT#p and FAMILY#p#m are p's."""
    kind, _, rest = person_key.partition("#")
    return rest.split("#")[0] if kind in ("PATIENT", "FAMILY") else None


def digest(text: str) -> str:
    """A short, stable name for a key: in page-token queries and ids derived from an Idempotency-Key."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def new_message(request: NotificationRequest, at: str) -> Message:
    """The message a request makes: its id derived from the request, its log opened."""
    return Message(id=request.message_id, practice_id=request.practice_id, recipient=request.recipient,
                   template=request.template, source=request.source, status="requested", requested_at=at,
                   history=[LogEntry(status="requested", at=at)])


# --- channel failures (raised by the channels, read by delivery) ----------------------------------

class DeliveryFailed(Exception):
    """A provider did not take the message. `reason` is a code, never the provider's text (which may quote
    an address)."""

    transient = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientFailure(DeliveryFailed):
    """Worth trying again later: throttling, an outage, a timeout."""

    transient = True


class PermanentFailure(DeliveryFailed):
    """Trying again will not help: a rejected address, an opted-out number."""


class ProviderRefused(PermanentFailure):
    """The provider refused the request itself (access denied, an unverified sender, a missing configuration
    set, a parameter it will not take): likely to refuse every message alike, so it is counted for an alarm."""


class AlreadyRequested(Conflict):
    """A message with this id exists: the request was made before (a retry, or the key reused)."""

    code = "already_requested"
