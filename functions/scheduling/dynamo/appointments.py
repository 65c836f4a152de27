"""Appointments in the table: the appointment item, the calendars it is copied onto, the time items it
holds, and the sparse index of reminders due."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Delete, Item, Operation, Put, Table, Update, set_and_remove
from functions.records.dynamo import patient_on_file
from functions.scheduling.dynamo.keys import (
    appointment_pk,
    attributes,
    calendar_pk,
    iso,
    room_calendar_pk,
)
from functions.scheduling.dynamo.waitlist import entry_put
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.ports import Filled
from functions.scheduling.slot_rules import granules

# holds outlive the appointment a little (reports never read them); TTL tidies them after that
HOLD_RETENTION = timedelta(days=7)
ACTIVE = ("booked", "confirmed")
ReminderChange = Literal["keep", "remove", "reset"]


class DynamoCalendars:
    def __init__(self, table: Table) -> None:
        self.table = table

    def practitioner_bookings(self, practice_id: str, practitioner_id: str, start: datetime,
                              end: datetime) -> list[Appointment]:
        """Query pk=PRACTICE#p#PRACTITIONER#id#BOOKINGS sk BETWEEN <start> AND <end>: one request per
        practitioner for the whole range (more only past 1 MB, some thousands of bookings)."""
        items = self.table.query_all(calendar_pk(practice_id, practitioner_id), sk_between=(iso(start), iso(end)))
        return [Appointment.model_validate(item) for item in items]

    def room_bookings(self, practice_id: str, room_id: str, start: datetime, end: datetime) -> list[Appointment]:
        """Query pk=PRACTICE#p#ROOM#id#BOOKINGS sk BETWEEN <start> AND <end>."""
        items = self.table.query_all(room_calendar_pk(practice_id, room_id), sk_between=(iso(start), iso(end)))
        return [Appointment.model_validate(item) for item in items]


class DynamoAppointmentBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def appointment(self, practice_id: str, appointment_id: str) -> Appointment | None:
        """GetItem pk=PRACTICE#p#APPOINTMENT#id sk=APPOINTMENT (consistent)."""
        item = self.table.get(appointment_pk(practice_id, appointment_id), "APPOINTMENT", consistent=True)
        return Appointment.model_validate(item) if item else None

    def of_patient(self, practice_id: str, patient_id: str, limit: int = 100) -> list[Appointment]:
        """Query gsi2pk=PRACTICE#p#PATIENT_APPOINTMENTS#<patient>, newest first, one page of `limit`."""
        page = self.table.query(collection_pk(practice_id, "PATIENT_APPOINTMENTS", patient_id), index="gsi2",
                                limit=limit, forward=False)
        return [Appointment.model_validate(item) for item in page.items]

    def of_patient_between(self, practice_id: str, patient_id: str, start: datetime,
                           end: datetime) -> list[Appointment]:
        """Query gsi2pk=PRACTICE#p#PATIENT_APPOINTMENTS#<patient> gsi2sk BETWEEN <start> AND <end>: the
        patient's appointments starting in a window, all pages (a patient has few)."""
        items = self.table.query_all(collection_pk(practice_id, "PATIENT_APPOINTMENTS", patient_id), index="gsi2",
                                     sk_between=(iso(start), f"{iso(end)}#~"))
        return [Appointment.model_validate(item) for item in items]

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the key's record: the booking it answered, None when no request holds it."""
        return idempotency.stored_response(self.table, practice_id, request)

    def book(self, practice_id: str, appointment: Appointment, audit: AuditDraft, events: Sequence[DomainEvent],
             claim: IdempotencyClaim | None = None, filled: Filled | None = None) -> None:
        """One transaction: the patient on file in records (a Check: nothing read, nothing disclosed), [the
        idempotency key's record], every hold item (attribute_not_exists), the calendar items, the
        appointment, [the waitlist entry it fills], the audit entry and the events."""
        writes: list[Operation] = [patient_on_file(practice_id, appointment.patient_id)]
        if claim:
            writes.append(idempotency.claim_put(practice_id, claim))
        writes += self._take_holds(appointment, _holds(practice_id, appointment))
        writes += self._calendar_puts(practice_id, appointment)
        writes.append(Put(self._appointment_item(practice_id, appointment), "attribute_not_exists(pk)",
                          on_conflict=Conflict("that id exists", code="duplicate_id")))
        if filled:
            writes.append(entry_put(practice_id, filled.entry, filled.expected_version))
        self.audit.commit(audit, writes=writes, events=events)

    def move(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
             events: Sequence[DomainEvent]) -> None:
        """One transaction: the holds only the old time had are deleted, the ones only the new time has are
        put (attribute_not_exists), the calendar items move, the appointment changes if still `before`."""
        old, new = _holds(practice_id, before), _holds(practice_id, after)
        writes: list[Operation] = [*self._release_holds(before, [k for k in old if k not in new]),
                                   *self._take_holds(after, [k for k in new if k not in old])]
        moved_to = _calendar_keys(practice_id, after)
        writes += [Delete(key) for key in _calendar_keys(practice_id, before) if key not in moved_to]
        writes += self._calendar_puts(practice_id, after)
        writes.append(self._appointment_update(practice_id, before, after, reminder="reset"))
        self.audit.commit(audit, writes=writes, events=events)

    def cancel(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
               events: Sequence[DomainEvent]) -> None:
        """One transaction: the appointment changes if still at `before.version` (else 412) and leaves the
        reminder index; its holds and calendar items are deleted (the time is free again)."""
        writes: list[Operation] = [self._appointment_update(practice_id, before, after, "remove")]
        writes += self._release_holds(before, _holds(practice_id, before))
        writes += [Delete(key) for key in _calendar_keys(practice_id, before)]
        self.audit.commit(audit, writes=writes, events=events)

    def update_status(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                      events: Sequence[DomainEvent], keep_reminder: bool) -> None:
        """One transaction: the appointment changes if still at `before.version` (else 412), its calendar
        copies mirror the change (attribute_exists); unless `keep_reminder`, it leaves the reminder index."""
        writes: list[Operation] = [self._appointment_update(practice_id, before, after,
                                                            "keep" if keep_reminder else "remove")]
        old, new = attributes(before), attributes(after)
        expression, names, values = set_and_remove({k: v for k, v in new.items() if old.get(k) != v},
                                                   [k for k in old if k not in new])
        writes += [Update(key, expression, names, values, "attribute_exists(pk)")
                   for key in _calendar_keys(practice_id, before)]
        self.audit.commit(audit, writes=writes, events=events)

    # --- items --------------------------------------------------------------------------------

    @staticmethod
    def _take_holds(appointment: Appointment, keys: list[tuple[str, str, str]]) -> list[Operation]:
        errors = {"practitioner": Conflict("the practitioner is booked at that time", code="slot_taken"),
                  "room": Conflict("the room is booked at that time", code="room_taken"),
                  "patient": Conflict("the patient has another appointment at that time", code="patient_busy")}
        ttl = int((appointment.hold_end_at + HOLD_RETENTION).timestamp())
        return [Put({"pk": pk, "sk": sk, "kind": "TIME_HOLD", "appointment_id": appointment.id, "ttl": ttl},
                    "attribute_not_exists(pk)", on_conflict=errors[whose]) for pk, sk, whose in keys]

    @staticmethod
    def _release_holds(appointment: Appointment, keys: list[tuple[str, str, str]]) -> list[Operation]:
        # only ever our own hold: a hold that is someone else's would mean it was never ours to free
        return [Delete({"pk": pk, "sk": sk}, "attribute_not_exists(pk) OR #appointment = :id",
                       names={"#appointment": "appointment_id"}, values={":id": appointment.id},
                       on_conflict=Conflict("the appointment's time is held by another", code="hold_mismatch"))
                for pk, sk, _ in keys]

    @staticmethod
    def _calendar_puts(practice_id: str, appointment: Appointment) -> list[Operation]:
        # a copy of the appointment, so a practitioner's day and its report are one Query
        entry = attributes(appointment)
        return [Put({**key, "kind": "CALENDAR_ENTRY", **entry}) for key in _calendar_keys(practice_id, appointment)]

    @staticmethod
    def _appointment_item(practice_id: str, appointment: Appointment) -> Item:
        return {"pk": appointment_pk(practice_id, appointment.id), "sk": "APPOINTMENT", "kind": "APPOINTMENT",
                **attributes(appointment),
                "gsi2pk": collection_pk(practice_id, "PATIENT_APPOINTMENTS", appointment.patient_id),
                "gsi2sk": f"{appointment.start}#{appointment.id}", **_reminder_index(practice_id, appointment)}

    @staticmethod
    def _appointment_update(practice_id: str, before: Appointment, after: Appointment,
                            reminder: ReminderChange) -> Update:
        """SET only what changed (never a whole-item Put: the reminder job writes this item too)."""
        old, new = attributes(before), attributes(after)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        removed = [k for k in old if k not in new]
        if before.start != after.start:
            changed["gsi2sk"] = f"{after.start}#{after.id}"
        if reminder == "reset":
            index = _reminder_index(practice_id, after)
            changed |= index
            removed += [] if index else ["gsi1pk", "gsi1sk"]
        elif reminder == "remove":
            removed += ["gsi1pk", "gsi1sk"]
        expression, names, values = set_and_remove(changed, removed)
        names["#version"] = "version"
        values[":expected"] = before.version
        return Update(key={"pk": appointment_pk(practice_id, before.id), "sk": "APPOINTMENT"},
                      expression=expression, names=names, values=values, condition="#version = :expected",
                      on_conflict=stale("appointment"))


class DynamoReminderQueue:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def due(self, practice_id: str, now: datetime, limit: int = 100) -> list[Appointment]:
        """Query gsi1pk=PRACTICE#p#REMINDER_DUE gsi1sk <= now: the sparse index holds only appointments whose
        reminder is due and unsent, so the job's cost follows the reminders due, not the table."""
        page = self.table.query(collection_pk(practice_id, "REMINDER_DUE"), index="gsi1",
                                sk_between=("0", f"{iso(now)}#~"), limit=limit)
        return [Appointment.model_validate(item) for item in page.items]

    def mark_reminded(self, practice_id: str, appointment: Appointment, at: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None:
        """Set reminder_sent_at and leave the due index, if the reminder is still due for this time (a retried
        or overlapping job run fails the condition: Conflict); in the transaction that puts the
        notification.requested event in the outbox, so a reminder is requested at most once; the calendar
        copies mirror it."""
        update = Update(
            key={"pk": appointment_pk(practice_id, appointment.id), "sk": "APPOINTMENT"},
            expression="SET #sent = :at REMOVE gsi1pk, gsi1sk",
            names={"#sent": "reminder_sent_at", "#due": "gsi1sk", "#status": "status"},
            values={":at": at, ":due": _due_key(appointment), ":booked": "booked", ":confirmed": "confirmed"},
            condition="#due = :due AND #status IN (:booked, :confirmed)",
            on_conflict=Conflict("the reminder was sent or is no longer due", code="reminder_not_due"))
        # the calendar copies show it too: a practitioner's day is read from them
        copies = [Update(key, "SET #sent = :at", {"#sent": "reminder_sent_at"}, {":at": at}, "attribute_exists(pk)")
                  for key in _calendar_keys(practice_id, appointment)]
        self.audit.commit(audit, writes=[update, *copies], events=events)


def _holds(practice_id: str, appointment: Appointment) -> list[tuple[str, str, str]]:
    """(pk, sk, whose) of every hold item the appointment needs."""
    start, end, hold_end = (datetime.fromisoformat(t) for t in (appointment.start, appointment.end,
                                                                   appointment.hold_end))
    practitioner = f"{entity_pk(practice_id, 'PRACTITIONER', appointment.practitioner_id)}#HOLD"
    keys = [(practitioner, iso(g), "practitioner") for g in granules(start, hold_end)]
    if appointment.room_id:
        room = f"{entity_pk(practice_id, 'ROOM', appointment.room_id)}#HOLD"
        keys += [(room, iso(g), "room") for g in granules(start, hold_end)]
    patient = collection_pk(practice_id, "PATIENT_HOLD", appointment.patient_id)
    keys += [(patient, iso(g), "patient") for g in granules(start, end)]
    return keys


def _calendar_keys(practice_id: str, appointment: Appointment) -> list[Item]:
    sk = f"{appointment.start}#{appointment.id}"
    keys = [{"pk": calendar_pk(practice_id, appointment.practitioner_id), "sk": sk}]
    if appointment.room_id:
        keys.append({"pk": room_calendar_pk(practice_id, appointment.room_id), "sk": sk})
    return keys


def _due_key(appointment: Appointment) -> str:
    return f"{appointment.reminder_due_at}#{appointment.id}"


def _reminder_index(practice_id: str, appointment: Appointment) -> Item:
    if appointment.reminder_due_at and not appointment.reminder_sent_at and appointment.status in ACTIVE:
        return {"gsi1pk": collection_pk(practice_id, "REMINDER_DUE"), "gsi1sk": _due_key(appointment)}
    return {}
