"""In-memory fakes of the notifications ports. They keep state like the DynamoDB adapters and enforce the
same conditions (a message made once, a delivery claimed once per attempt, versions, the sender's daily
allowance); tests/contract/test_notifications_*.py runs one behaviour suite against both."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from functions.core.audit import AuditDraft
from functions.core.errors import Conflict, NotFound, TooManyRequests, stale
from functions.core.events import DomainEvent
from functions.notifications.models.messages import (
    AlreadyRequested,
    InboxItem,
    LogEntry,
    Message,
    PermanentFailure,
    Recipient,
    Source,
    TransientFailure,
)
from functions.notifications.models.preferences import Preferences
from functions.notifications.models.staff import StaffMember
from functions.notifications.models.templates import Template
from functions.notifications.ports import Listing, NewMessage, Outgoing, PatientDelivery, Position, StoredMessage
from functions.notifications.rules import Allowance, Contact
from functions.notifications.wiring import Notifications, Ports, compose
from tests.fakes.audit import FakeAuditTrail

PAGE_KEY = b"unit-test-page-key-0123456789abcdef"


def _page(rows: list[tuple[str, Any]], limit: int, start: Position | None, newest_first: bool) -> Listing:
    """Rows (sort key, value) in order, from just past `start`, at most `limit`."""
    rows = sorted(rows, key=lambda row: row[0], reverse=newest_first)
    if start is not None:
        after = start["after"]
        rows = [row for row in rows if (row[0] < after if newest_first else row[0] > after)]
    shown = rows[:limit]
    more = len(rows) > limit
    return Listing([value for _, value in shown], {"after": shown[-1][0]} if more and shown else None)


@dataclass
class _Stored:
    head: dict[str, Any]
    deliveries: dict[str, dict[str, Any]] = field(default_factory=dict)
    due_at: str | None = None  # on the due index while deferred


@dataclass
class FakeMessageStore:
    """What the table holds of messages; the three message ports below are views of it."""

    messages: dict[tuple[str, str], _Stored] = field(default_factory=dict)
    sent_per_day: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (practice, user, day)
    audit: list[AuditDraft] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    practices: set[str] = field(default_factory=set)

    def stored(self, practice_id: str, message_id: str) -> _Stored:
        return self.messages[(practice_id, message_id)]

    def log(self, practice_id: str, message_id: str, *entries: LogEntry, **sets: Any) -> None:
        head = self.stored(practice_id, message_id).head
        head.setdefault("history", []).extend(e.model_dump(exclude_none=True) for e in entries)
        head.update(sets)


class FakeMessageLog:
    def __init__(self, store: FakeMessageStore | None = None) -> None:
        self.store = store or FakeMessageStore()

    def create(self, new: NewMessage) -> bool:
        key = (new.message.practice_id, new.message.id)
        if key in self.store.messages:
            return False
        self.store.messages[key] = _Stored(self._head(new))
        return True

    def request(self, messages: Sequence[NewMessage], audit: AuditDraft, event: DomainEvent,
                allowance: Allowance | None = None) -> None:
        if any((new.message.practice_id, new.message.id) in self.store.messages for new in messages):
            raise AlreadyRequested("this request was made before")
        if allowance is not None:
            day = (audit.practice_id, allowance.user_id, allowance.day)
            sent = self.store.sent_per_day.get(day, 0)
            if sent + allowance.count > allowance.limit:
                raise TooManyRequests(f"you have sent the {allowance.limit} messages your role may send in a day; "
                                      "try again tomorrow", {"limit": allowance.limit, "day": allowance.day},
                                      code="daily_message_limit")
            self.store.sent_per_day[day] = sent + allowance.count
        for new in messages:
            self.store.messages[(new.message.practice_id, new.message.id)] = _Stored(self._head(new))
        self.store.audit.append(audit)
        self.store.events.append(event)

    def message(self, practice_id: str, message_id: str) -> StoredMessage | None:
        found = self.store.messages.get((practice_id, message_id))
        if found is None:
            return None
        message = Message.model_validate({**found.head, "deliveries": list(found.deliveries.values())})
        return StoredMessage(message, found.head.get("payload"), found.head.get("fingerprint", ""))

    def to_recipient(self, practice_id: str, person: str, limit: int, start: Position | None) -> Listing[Message]:
        return self._listing(practice_id, lambda m: m.recipient.key == person, limit, start)

    def about(self, practice_id: str, source: Source, limit: int, start: Position | None) -> Listing[Message]:
        return self._listing(practice_id, lambda m: m.source.key == source.key, limit, start)

    def _listing(self, practice_id: str, wanted: Any, limit: int, start: Position | None) -> Listing[Message]:
        rows = []
        for (practice, message_id), found in self.store.messages.items():
            message = Message.model_validate(found.head)
            if practice == practice_id and wanted(message):
                rows.append((f"{message.requested_at}#{message_id}", message))
        return _page(rows, limit, start, newest_first=True)

    @staticmethod
    def _head(new: NewMessage) -> dict[str, Any]:
        return {**new.message.model_dump(mode="json", exclude={"deliveries"}, exclude_none=True),
                "payload": new.payload, "fingerprint": new.fingerprint}


class FakeDeliveryLedger:
    def __init__(self, store: FakeMessageStore) -> None:
        self.store = store

    def claim(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> bool:
        deliveries = self.store.stored(practice_id, message_id).deliveries
        current = deliveries.get(channel)
        if current is not None and not (current["status"] == "released" and current["attempts"] == attempt - 1):
            return False
        deliveries[channel] = {"channel": channel, "status": "sending", "attempts": attempt, "claimed_at": at}
        return True

    def _move(self, practice_id: str, message_id: str, channel: str, attempt: int, from_statuses: Sequence[str],
              **sets: Any) -> None:
        current = self.store.stored(practice_id, message_id).deliveries.get(channel)
        if current is None or current["attempts"] != attempt or current["status"] not in from_statuses:
            raise Conflict("the delivery moved on meanwhile", code="delivery_moved")
        current.update(sets)

    def record_sent(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                    provider_id: str | None, patient_id: str | None = None) -> None:
        indexed = {"patient_id": patient_id} if patient_id is not None and channel in ("email", "sms") else {}
        self._move(practice_id, message_id, channel, attempt, ("sending", "uncertain"), status="sent", sent_at=at,
                   provider_id=provider_id or "-", **indexed)
        self.store.log(practice_id, message_id, LogEntry(status="sent", at=at, channel=channel))

    def sent_to_patients(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        found = [PatientDelivery(message_id=m, channel=channel, patient_id=d["patient_id"], sent_at=d["sent_at"])
                 for (p, m), stored in self.store.messages.items() if p == practice_id
                 for channel, d in stored.deliveries.items()
                 if "patient_id" in d and first.isoformat() <= d["sent_at"][:10] <= last.isoformat()]
        return sorted(found, key=lambda d: (d.sent_at, d.message_id, d.channel))

    def record_attempt_failed(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                              reason: str, final: bool) -> None:
        self._move(practice_id, message_id, channel, attempt, ("sending",),
                   status="failed" if final else "released", reason=reason)
        head = self.store.stored(practice_id, message_id).head
        self.store.log(practice_id, message_id, LogEntry(status="failed", at=at, channel=channel, reason=reason),
                       attempts=head.get("attempts", 0) + 1)

    def record_uncertain(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> None:
        self._move(practice_id, message_id, channel, attempt, ("sending",), status="uncertain",
                   reason="outcome_unknown")
        self.store.log(practice_id, message_id,
                       LogEntry(status="uncertain", at=at, channel=channel, reason="outcome_unknown"))

    def record_bounce(self, practice_id: str, message_id: str, at: str, reason: str) -> None:
        email = self.store.stored(practice_id, message_id).deliveries.get("email")
        if email is None or email["status"] != "sent":
            raise Conflict("no sent email to bounce", code="not_sent")
        email.update(status="bounced", reason=reason)
        self.store.log(practice_id, message_id, LogEntry(status="bounced", at=at, channel="email", reason=reason),
                       status="bounced", reason=reason)

    def settle(self, practice_id: str, message_id: str, status: str, at: str, reason: str | None = None,
               channels: Sequence[str] = ()) -> None:
        found = self.store.stored(practice_id, message_id)
        found.head.pop("payload", None)
        found.due_at = None
        if reason:
            found.head["reason"] = reason
        else:
            found.head.pop("reason", None)
        if channels:
            found.head["channels"] = list(channels)
        entries = [LogEntry(status=status, at=at, reason=reason)] if status != "sent" else []
        self.store.log(practice_id, message_id, *entries, status=status)


class FakeDueMessages:
    def __init__(self, store: FakeMessageStore) -> None:
        self.store = store

    def defer(self, practice_id: str, message_id: str, until: str, at: str, reason: str,
              channels: Sequence[str] = ()) -> None:
        found = self.store.stored(practice_id, message_id)
        found.due_at = until
        sets: dict[str, Any] = {"status": "deferred", "deliver_after": until, "reason": reason}
        if channels:
            sets["channels"] = list(channels)
        self.store.log(practice_id, message_id, LogEntry(status="deferred", at=at, reason=reason), **sets)
        self.store.practices.add(practice_id)

    def due(self, practice_id: str, now: str, limit: int, start: Position | None) -> Listing[str]:
        rows = [(f"{found.due_at}#{message_id}", message_id)
                for (practice, message_id), found in self.store.messages.items()
                if practice == practice_id and found.due_at is not None]
        rows = [row for row in rows if row[0] <= f"{now}#~"]
        return _page(rows, limit, start, newest_first=False)


def _versioned(saved: dict, key: Any, value: Any, expected_version: int | None, what: str) -> None:
    current = saved.get(key)
    if (current is None) != (expected_version is None) or (current is not None and
                                                            current.version != expected_version):
        raise stale(what)
    saved[key] = value


class FakeTemplateBook:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str, str], Template] = {}

    def template(self, practice_id: str, key: str, language: str) -> Template | None:
        return self.saved.get((practice_id, key, language))

    def templates(self, practice_id: str) -> list[Template]:
        return [t for (practice, _, _), t in sorted(self.saved.items()) if practice == practice_id]

    def put_template(self, practice_id: str, template: Template, expected_version: int | None) -> None:
        _versioned(self.saved, (practice_id, template.key, template.language),
                   template.model_copy(update={"builtin": False}), expected_version, "template")


class FakePreferenceBook:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], Preferences] = {}

    def preferences(self, practice_id: str, person: str) -> Preferences | None:
        return self.saved.get((practice_id, person))

    def put_preferences(self, practice_id: str, preferences: Preferences, expected_version: int | None) -> None:
        _versioned(self.saved, (practice_id, preferences.person), preferences, expected_version, "preferences")


class FakeInbox:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, InboxItem]] = {}  # (practice, person) -> sort key -> item

    def put_inbox_item(self, practice_id: str, person: str, requested_at: str, item: InboxItem) -> bool:
        box = self.items.setdefault((practice_id, person), {})
        key = f"{requested_at}#{item.message_id}"
        if key in box:
            return False
        box[key] = item
        return True

    def inbox(self, practice_id: str, person: str, limit: int, start: Position | None) -> Listing[InboxItem]:
        return _page(list(self.items.get((practice_id, person), {}).items()), limit, start, newest_first=True)

    def mark_read(self, practice_id: str, person: str, requested_at: str, message_id: str, at: str) -> None:
        box = self.items.get((practice_id, person), {})
        key = f"{requested_at}#{message_id}"
        if key not in box:
            raise NotFound("no such message in your inbox", code="inbox_item_not_found")
        if box[key].read_at is None:
            box[key] = box[key].model_copy(update={"read_at": at})


class FakeStaffDirectory:
    def __init__(self) -> None:
        self.members: dict[tuple[str, str], StaffMember] = {}

    def member(self, practice_id: str, user_id: str) -> StaffMember | None:
        return self.members.get((practice_id, user_id))

    def put(self, practice_id: str, member: StaffMember) -> None:
        self.members[(practice_id, member.user_id)] = member


class FakeDirectory:
    """The records area and staff records, as notifications reads them: contacts set by the test; staff
    from a staff directory, as the real one reads them."""

    def __init__(self, staff: FakeStaffDirectory | None = None) -> None:
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.family: dict[tuple[str, str], list[str]] = {}
        self.phones: dict[tuple[str, str], list[str]] = {}
        self.staff = staff or FakeStaffDirectory()

    def add(self, practice_id: str, recipient: Recipient, contact: Contact) -> None:
        self.contacts[(practice_id, recipient.key)] = contact
        if recipient.kind == "patient" and contact.phone:
            self.phones.setdefault((practice_id, contact.phone), []).append(recipient.patient_id or "")

    def add_card(self, practice_id: str, contact_id: str, card) -> None:
        """A contact's card (`core.contacts.ContactCard`), as its area would keep it."""
        from functions.notifications.directory import contact_from_card

        self.contacts[(practice_id, f"CONTACT#{contact_id}")] = contact_from_card(card)

    def contact(self, practice_id: str, recipient: Recipient) -> Contact:
        if recipient.kind == "staff" and (practice_id, recipient.key) not in self.contacts:
            from functions.notifications.directory import contact_from_staff

            return contact_from_staff(self.staff.member(practice_id, recipient.user_id or ""))
        return self.contacts.get((practice_id, recipient.key), Contact(found=False))

    def consented_family(self, practice_id: str, patient_id: str) -> list[str]:
        return list(self.family.get((practice_id, patient_id), []))

    def patients_with_phone(self, practice_id: str, phone: str) -> list[str]:
        return list(self.phones.get((practice_id, phone), []))


@dataclass
class FakeChannel:
    """A provider: records what it took; `failures` are raised first, one per send, in order."""

    name: str
    failures: list[Exception] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    calls: int = 0

    def send(self, message: Outgoing) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"{self.name}-{len(self.sent)}"

    def failing(self, times: int, transient: bool = True) -> "FakeChannel":
        make = TransientFailure if transient else PermanentFailure
        self.failures += [make(f"fake.{'Throttling' if transient else 'Rejected'}") for _ in range(times)]
        return self


@dataclass
class FakeWorld:
    """The notifications use cases wired to fakes, and the fakes, for a test to arrange and inspect."""

    use: Notifications
    store: FakeMessageStore
    messages: FakeMessageLog
    preferences: FakePreferenceBook
    templates: FakeTemplateBook
    inbox: FakeInbox
    directory: FakeDirectory
    channels: dict[str, FakeChannel]
    audit: FakeAuditTrail


def fake_notifications(now: Any, daily_messages: dict[str, int] | None = None,
                       base_url: str = "https://api.test") -> FakeWorld:
    """`now`: the clock the use cases read (a core.clock.FixedClock, say)."""
    from functions.core import clock
    from functions.notifications import rules
    from functions.notifications.channels import InAppInbox
    from functions.notifications.links import OptOutLinks

    now = now or clock.now
    store = FakeMessageStore()
    messages = FakeMessageLog(store)
    inbox = FakeInbox()
    channels = {name: FakeChannel(name) for name in ("email", "sms")}
    world = FakeWorld(use=None, store=store, messages=messages, preferences=FakePreferenceBook(),  # type: ignore[arg-type]
                      templates=FakeTemplateBook(), inbox=inbox, directory=FakeDirectory(), channels=channels,
                      audit=FakeAuditTrail())
    wired = {**channels, "in_app": InAppInbox(inbox, now=lambda: clock.iso(now()))}  # the real one, on the fake
    ports = Ports(messages=messages, ledger=FakeDeliveryLedger(store), due=FakeDueMessages(store),
                  templates=world.templates, preferences=world.preferences, inbox=inbox,
                  directory=world.directory, channels=wired, audit=world.audit)
    world.use = compose(ports, OptOutLinks(lambda: PAGE_KEY, base_url), lambda: PAGE_KEY,
                        daily_messages or rules.DAILY_MESSAGES, now)
    return world
