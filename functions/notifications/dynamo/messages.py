"""Messages in the single table: the message log, each channel's delivery claim, and the due index. The
only module that knows their keys, indexes and conditions.

Layout:
    pk = PRACTICE#<p>#NOTIFICATION#<message id>   sk = MESSAGE            the message and its log (status,
                                                                          history; the template data until
                                                                          the message is settled)
                                                  sk = DELIVERY#<channel> one channel's claim and outcome
    pk = PRACTICE#<p>#SENDER#<user id>            sk = DAY#<yyyy-mm-dd>   messages one person sent through
                                                                          the API that day (UTC); ttl
Indexes, on the message item only (prefixes records and the audit trail never use):
    gsi1pk = PRACTICE#<p>#NOTIFY_TO#<person>          gsi1sk = <requested at>#<id>   the log by recipient
    gsi2pk = PRACTICE#<p>#NOTIFY_SOURCE#<area>#<entity>#<id>  gsi2sk = same          the log by source
    gsi3pk = PRACTICE#<p>#NOTIFY_DUE                  gsi3sk = <deliver after>#<id>  sparse: deferred only
and on a delivery item:
    gsi1pk = PRACTICE#<p>#PATIENT_SENT    gsi1sk = <sent at>#<message id>#<channel>  sparse: an email or SMS
                                          sent to a patient (compliance checks it against their consent)

The message id is derived from (practice, idempotency key, recipient), so "create the message" is a
conditional put that a retried request loses, and the DELIVERY item is the exactly-once claim.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, TooManyRequests
from functions.core.events import DomainEvent
from functions.core.keys import collection_pk, entity_pk, registry_item
from functions.core.table import Item, Put, Table, TransactionCancelled, Update
from functions.notifications.models.messages import AlreadyRequested, LogEntry, Message, Source
from functions.notifications.ports import Listing, NewMessage, PatientDelivery, Position, StoredMessage
from functions.notifications.rules import Allowance

NOTIFICATION = "NOTIFICATION"
MESSAGE_SK = "MESSAGE"
DELIVERY_PREFIX = "DELIVERY#"
DUE = "NOTIFY_DUE"
PATIENT_SENT = "PATIENT_SENT"
# the channels that reach a patient outside the practice's app, and so need their communication consent
CONSENTED_CHANNELS = frozenset({"email", "sms"})


def message_pk(practice_id: str, message_id: str) -> str:
    return entity_pk(practice_id, NOTIFICATION, message_id)


def recipient_index(practice_id: str, person: str) -> str:
    return collection_pk(practice_id, "NOTIFY_TO", person)


def source_index(practice_id: str, source: Source) -> str:
    return collection_pk(practice_id, "NOTIFY_SOURCE", source.key)


def due_index(practice_id: str) -> str:
    return collection_pk(practice_id, DUE)


def patient_sent_index(practice_id: str) -> str:
    return collection_pk(practice_id, PATIENT_SENT)


def sender_pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, "SENDER", user_id)


def put_if_absent(table: Table, put: Put) -> bool:
    """One conditional put; False when its condition failed (the item was there)."""
    try:
        table.transact([put])
    except TransactionCancelled as cancelled:
        if cancelled.failed_at() == [0]:
            return False
        raise
    return True


def _entry(entry: LogEntry) -> Item:
    return entry.model_dump(exclude_none=True)


def _message_item(new: NewMessage) -> Item:
    message = new.message
    sort = f"{message.requested_at}#{message.id}"
    return {
        "pk": message_pk(message.practice_id, message.id), "sk": MESSAGE_SK, "kind": "NOTIFICATION",
        **message.model_dump(mode="json", exclude={"deliveries"}, exclude_none=True),
        "payload": new.payload, "fingerprint": new.fingerprint,
        "gsi1pk": recipient_index(message.practice_id, message.recipient.key), "gsi1sk": sort,
        "gsi2pk": source_index(message.practice_id, message.source), "gsi2sk": sort,
    }


def _count_sent(practice_id: str, allowance: Allowance) -> Update:
    """ADD the messages to the sender's day, only while the total stays within the limit: a conditional
    write, so requests racing for the last few see exactly the limit go out."""
    day = date.fromisoformat(allowance.day)
    expires = datetime.combine(day + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    return Update(
        key={"pk": sender_pk(practice_id, allowance.user_id), "sk": f"DAY#{allowance.day}"},
        expression="SET #kind = :kind, #ttl = :ttl ADD #sent :count",
        names={"#kind": "kind", "#ttl": "ttl", "#sent": "sent"},
        values={":kind": "SENDER_DAY", ":ttl": int(expires.timestamp()), ":count": allowance.count,
                ":room": allowance.limit - allowance.count},
        condition="attribute_not_exists(#sent) OR #sent <= :room",
        on_conflict=TooManyRequests(
            f"you have sent the {allowance.limit} messages your role may send in a day; try again tomorrow",
            {"limit": allowance.limit, "day": allowance.day}, code="daily_message_limit"))




def _messages(items: list[Item], last_key: Item | None) -> Listing[Message]:
    return Listing([Message.model_validate(item) for item in items], last_key)


class DynamoMessageLog:
    def __init__(self, table: Table, audit: AuditStore | None = None) -> None:
        self.table = table
        self.audit = audit or AuditStore(table)

    def create(self, new: NewMessage) -> bool:
        """Put the MESSAGE item if it is not there (attribute_not_exists). False when it was."""
        return put_if_absent(self.table, Put(_message_item(new), "attribute_not_exists(pk)"))

    def request(self, messages: Sequence[NewMessage], audit: AuditDraft, event: DomainEvent,
                allowance: Allowance | None = None) -> None:
        """Put each MESSAGE item (attribute_not_exists), count them against the sender's day, the audit entry
        and the outbox event: one transaction. Raises AlreadyRequested when any message exists (checked
        first, so a retry is never refused for the allowance it used the first time), TooManyRequests when
        the count would pass the day's limit."""
        writes: list[Put | Update] = [Put(_message_item(new), "attribute_not_exists(pk)",
                                          on_conflict=AlreadyRequested("this request was made before"))
                                      for new in messages]
        if allowance is not None:
            writes.append(_count_sent(audit.practice_id, allowance))
        self.audit.commit(audit, writes=writes, events=[event])

    def message(self, practice_id: str, message_id: str) -> StoredMessage | None:
        """Query pk=PRACTICE#p#NOTIFICATION#id (consistent): the message and its deliveries."""
        return stored_message(self.table, practice_id, message_id)

    def to_recipient(self, practice_id: str, person: str, limit: int, start: Position | None) -> Listing[Message]:
        """Query gsi1pk=PRACTICE#p#NOTIFY_TO#<person>, newest first."""
        page = self.table.query(recipient_index(practice_id, person), index="gsi1", forward=False, limit=limit,
                                start_key=start)
        return _messages(page.items, page.last_key)

    def about(self, practice_id: str, source: Source, limit: int, start: Position | None) -> Listing[Message]:
        """Query gsi2pk=PRACTICE#p#NOTIFY_SOURCE#<area>#<entity>#<id>, newest first."""
        page = self.table.query(source_index(practice_id, source), index="gsi2", forward=False, limit=limit,
                                start_key=start)
        return _messages(page.items, page.last_key)


def stored_message(table: Table, practice_id: str, message_id: str) -> StoredMessage | None:
    items = table.query(message_pk(practice_id, message_id), consistent=True).items
    head = next((item for item in items if item["sk"] == MESSAGE_SK), None)
    if head is None:
        return None
    deliveries = [item for item in items if item["sk"].startswith(DELIVERY_PREFIX)]
    message = Message.model_validate({**head, "deliveries": deliveries})
    return StoredMessage(message, head.get("payload"), head.get("fingerprint", ""))


def _log(practice_id: str, message_id: str, entries: Sequence[LogEntry], sets: Item | None = None,
         removes: Sequence[str] = (), add_attempt: bool = False) -> Update:
    """Append to the message's history, and set or remove its attributes, in one update."""
    names = {"#history": "history"}
    values: Item = {":entries": [_entry(e) for e in entries]}
    clauses = ["#history = list_append(#history, :entries)"]
    for n, (name, value) in enumerate((sets or {}).items()):
        names[f"#s{n}"] = name
        values[f":s{n}"] = value
        clauses.append(f"#s{n} = :s{n}")
    if add_attempt:
        names["#attempts"] = "attempts"
        values[":one"] = 1
        clauses.append("#attempts = #attempts + :one")
    expression = "SET " + ", ".join(clauses)
    if removes:
        names |= {f"#r{n}": name for n, name in enumerate(removes)}
        expression += " REMOVE " + ", ".join(f"#r{n}" for n in range(len(removes)))
    return Update(key={"pk": message_pk(practice_id, message_id), "sk": MESSAGE_SK}, expression=expression,
                  names=names, values=values, condition="attribute_exists(pk)")


def _delivery_update(practice_id: str, message_id: str, channel: str, attempt: int, expression: str,
                     names: dict[str, str], values: Item, from_statuses: Sequence[str]) -> Update:
    wanted = ", ".join(f":from{n}" for n in range(len(from_statuses)))
    return Update(
        key={"pk": message_pk(practice_id, message_id), "sk": f"{DELIVERY_PREFIX}{channel}"},
        expression=expression, names={**names, "#status": "status", "#attempts": "attempts"},
        values={**values, ":attempt": attempt, **{f":from{n}": s for n, s in enumerate(from_statuses)}},
        condition=f"#attempts = :attempt AND #status IN ({wanted})",
        on_conflict=Conflict("the delivery moved on meanwhile", code="delivery_moved"),
    )


class DynamoDeliveryLedger:
    def __init__(self, table: Table) -> None:
        self.table = table

    def claim(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> bool:
        """Put DELIVERY#<channel> as `sending`, if there is none yet or the last attempt released it (and no
        one else claimed attempt `attempt` meanwhile). False: someone holds or settled it."""
        item = {"pk": message_pk(practice_id, message_id), "sk": f"{DELIVERY_PREFIX}{channel}",
                "kind": "NOTIFICATION_DELIVERY", "channel": channel, "status": "sending", "attempts": attempt,
                "claimed_at": at}
        condition = "attribute_not_exists(pk) OR (#status = :released AND #attempts = :previous)"
        return put_if_absent(self.table, Put(item, condition, names={"#status": "status", "#attempts": "attempts"},
                                             values={":released": "released", ":previous": attempt - 1}))

    def record_sent(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                    provider_id: str | None, patient_id: str | None = None) -> None:
        """The provider took it: DELIVERY#<channel> sending|uncertain -> sent, and a log entry. An email or SMS
        to a patient (`patient_id`) also goes on the sparse gsi1 PATIENT_SENT / <at>#<id>#<channel>, in the same
        transaction."""
        expression = "SET #status = :sent, #sent_at = :at, #provider = :provider"
        names = {"#sent_at": "sent_at", "#provider": "provider_id"}
        values = {":sent": "sent", ":at": at, ":provider": provider_id or "-"}
        if patient_id is not None and channel in CONSENTED_CHANNELS:
            expression += ", #patient = :patient, #g1pk = :g1pk, #g1sk = :g1sk"
            names |= {"#patient": "patient_id", "#g1pk": "gsi1pk", "#g1sk": "gsi1sk"}
            values |= {":patient": patient_id, ":g1pk": patient_sent_index(practice_id),
                       ":g1sk": f"{at}#{message_id}#{channel}"}
        update = _delivery_update(practice_id, message_id, channel, attempt, expression, names, values,
                                  ("sending", "uncertain"))
        self.table.transact([update, _log(practice_id, message_id, [LogEntry(status="sent", at=at,
                                                                                  channel=channel)])])

    def record_attempt_failed(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                              reason: str, final: bool) -> None:
        """A provider error: the claim is released for the next attempt (or, when `final`, failed for good),
        and the failed attempt is in the log."""
        status = "failed" if final else "released"
        update = _delivery_update(
            practice_id, message_id, channel, attempt, "SET #status = :status, #reason = :reason",
            {"#reason": "reason"}, {":status": status, ":reason": reason}, ("sending",))
        entry = LogEntry(status="failed", at=at, channel=channel, reason=reason)
        self.table.transact([update, _log(practice_id, message_id, [entry], add_attempt=True)])

    def record_uncertain(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> None:
        """An attempt that never reported back: sending -> uncertain. Nobody resends it blindly."""
        update = _delivery_update(practice_id, message_id, channel, attempt,
                                       "SET #status = :uncertain, #reason = :reason", {"#reason": "reason"},
                                       {":uncertain": "uncertain", ":reason": "outcome_unknown"}, ("sending",))
        entry = LogEntry(status="uncertain", at=at, channel=channel, reason="outcome_unknown")
        self.table.transact([update, _log(practice_id, message_id, [entry])])

    def settle(self, practice_id: str, message_id: str, status: str, at: str, reason: str | None = None,
               channels: Sequence[str] = ()) -> None:
        """The message's final state: status and log entry set, the template data and due-index keys gone."""
        sets: Item = {"status": status}
        removes = ["payload", "gsi3pk", "gsi3sk"]
        if reason:
            sets["reason"] = reason
        else:
            removes.append("reason")
        if channels:
            sets["channels"] = list(channels)
        entry = LogEntry(status=status, at=at, reason=reason) if status != "sent" else None
        self.table.transact([_log(practice_id, message_id, [entry] if entry else [], sets, removes)])

    def record_bounce(self, practice_id: str, message_id: str, at: str, reason: str) -> None:
        """A sent email bounced: DELIVERY#email sent -> bounced, the message bounced."""
        update = Update(key={"pk": message_pk(practice_id, message_id), "sk": f"{DELIVERY_PREFIX}email"},
                        expression="SET #status = :bounced, #reason = :reason",
                        names={"#status": "status", "#reason": "reason"},
                        values={":bounced": "bounced", ":reason": reason, ":sent": "sent"},
                        condition="#status = :sent",
                        on_conflict=Conflict("no sent email to bounce", code="not_sent"))
        entry = LogEntry(status="bounced", at=at, channel="email", reason=reason)
        self.table.transact([update, _log(practice_id, message_id, [entry],
                                               {"status": "bounced", "reason": reason})])



    def sent_to_patients(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        """Query gsi1 PATIENT_SENT sk BETWEEN <first> AND <last>~ (sparse: emails and SMS sent to patients),
        oldest first, every page."""
        items = self.table.query_all(patient_sent_index(practice_id), index="gsi1",
                                     sk_between=(first.isoformat(), f"{last.isoformat()}~"))
        return [PatientDelivery(message_id=item["gsi1sk"].split("#")[1], channel=item["channel"],
                                patient_id=item["patient_id"], sent_at=item["sent_at"]) for item in items]


class DynamoDueMessages:
    def __init__(self, table: Table) -> None:
        self.table = table

    def defer(self, practice_id: str, message_id: str, until: str, at: str, reason: str,
              channels: Sequence[str] = ()) -> None:
        """Status deferred with deliver_after, and onto the sparse due index; the practice is put in the
        registry the job walks (idempotent), so a practice with nothing else yet is still visited."""
        sets = {"status": "deferred", "deliver_after": until, "reason": reason,
                "gsi3pk": due_index(practice_id), "gsi3sk": f"{until}#{message_id}"}
        if channels:
            sets["channels"] = list(channels)
        log = _log(practice_id, message_id, [LogEntry(status="deferred", at=at, reason=reason)], sets)
        registry = Put(registry_item(practice_id))
        self.table.transact([log, registry])

    def due(self, practice_id: str, now: str, limit: int, start: Position | None) -> Listing[str]:
        """Query gsi3pk=PRACTICE#p#NOTIFY_DUE, gsi3sk <= <now>#~ (oldest first): deferred messages now due."""
        page = self.table.query(due_index(practice_id), index="gsi3", sk_between=("0", f"{now}#~"), limit=limit,
                                start_key=start)
        return Listing([item["id"] for item in page.items], page.last_key)
