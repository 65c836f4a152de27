"""Scheduling in the single table. The only module that knows its keys, indexes and conditions.

Layout:
    pk = PRACTICE#p#SCHEDULING            sk = CONFIG#POLICY                the practice's scheduling policy
                                          sk = CONFIG#PRACTITIONER#<id>     a practitioner with weekly hours
                                          sk = CONFIG#ROOM#<id>             a room
                                          sk = CONFIG#TYPE#<id>             an appointment type
                                          sk = EXCEPTION#<date>#<id>        a holiday, block or extra hours
    pk = PRACTICE#p#APPOINTMENT#<id>      sk = APPOINTMENT                  the appointment
        gsi1pk = PRACTICE#p#REMINDER_DUE  gsi1sk = <due UTC>#<id>           sparse: only while a reminder is due
        gsi2pk = PRACTICE#p#PATIENT_APPOINTMENTS#<patient>  gsi2sk = <start>#<id>
    pk = PRACTICE#p#PRACTITIONER#<id>#BOOKINGS  sk = <start UTC>#<appointment>   the practitioner's calendar
    pk = PRACTICE#p#ROOM#<id>#BOOKINGS          sk = <start UTC>#<appointment>   the room's calendar
    pk = PRACTICE#p#PRACTITIONER#<id>#HOLD      sk = <granule UTC>   one per 15 minutes held (appointment+buffer)
    pk = PRACTICE#p#ROOM#<id>#HOLD              sk = <granule UTC>   the same for the room
    pk = PRACTICE#p#PATIENT_HOLD#<patient>      sk = <granule UTC>   the patient's own time (no buffer)
    pk = PRACTICE#p#WAITLIST                    sk = ENTRY#<id>      a waitlist entry (ULIDs: first come first)
        gsi1pk = PRACTICE#p#OFFER_EXPIRY  gsi1sk = <expires UTC>#<id>     sparse: only while an offer is open

No double booking: a booking Puts every hold item with attribute_not_exists in one transaction, so of two
requests for overlapping times exactly one commits. Cancelling deletes them in the transaction that
cancels; rescheduling deletes the holds it leaves and puts the ones it takes, in one transaction.
Every write goes through AuditStore.commit: the change, its audit entry and its events together.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from functions.core import clock, idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, NotFound, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Delete, Item, Operation, Put, Table, Update, set_and_remove
from functions.records.repo import patient_on_file
from functions.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    Policy,
    Practitioner,
    Room,
    WaitlistEntry,
)
from functions.scheduling.slots import granules

SCHEDULING = "SCHEDULING"
CONFIG = "CONFIG#"
POLICY_SK = "CONFIG#POLICY"
KINDS = {"PRACTITIONER": Practitioner, "ROOM": Room, "TYPE": AppointmentType}
# holds outlive the appointment a little (reports never read them); TTL tidies them after that
HOLD_RETENTION = timedelta(days=7)
ACTIVE = ("booked", "confirmed")
ReminderChange = Literal["keep", "remove", "reset"]


def config_pk(practice_id: str) -> str:
    return collection_pk(practice_id, SCHEDULING)


def appointment_pk(practice_id: str, appointment_id: str) -> str:
    return entity_pk(practice_id, "APPOINTMENT", appointment_id)


def calendar_pk(practice_id: str, practitioner_id: str) -> str:
    return f"{entity_pk(practice_id, 'PRACTITIONER', practitioner_id)}#BOOKINGS"


def room_calendar_pk(practice_id: str, room_id: str) -> str:
    return f"{entity_pk(practice_id, 'ROOM', room_id)}#BOOKINGS"


def waitlist_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "WAITLIST")


def _iso(moment: datetime) -> str:
    return clock.iso(moment)


def _attributes(model: Any) -> Item:
    return {k: v for k, v in model.model_dump(mode="json").items() if v is not None}


class SchedulingRepo:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    # --- configuration ------------------------------------------------------------------------

    def setup(self, practice_id: str) -> tuple[Policy | None, dict[str, list]]:
        """Query pk=PRACTICE#p#SCHEDULING begins_with(sk, CONFIG#), all pages: the policy, practitioners,
        rooms and appointment types in one request (a practice has tens of them, not thousands)."""
        policy, found = None, {kind: [] for kind in KINDS}
        for item in self._all(config_pk(practice_id), sk_prefix=CONFIG, consistent=True):
            if item["sk"] == POLICY_SK:
                policy = Policy.model_validate(item)
                continue
            kind = item["sk"].split("#")[1]
            if kind in KINDS:
                found[kind].append(KINDS[kind].model_validate(item))
        return policy, found

    def policy(self, practice_id: str) -> Policy | None:
        """GetItem pk=PRACTICE#p#SCHEDULING sk=CONFIG#POLICY."""
        item = self.table.get(config_pk(practice_id), POLICY_SK, consistent=True)
        return Policy.model_validate(item) if item else None

    def config(self, practice_id: str, kind: str, entity_id: str):
        """GetItem pk=PRACTICE#p#SCHEDULING sk=CONFIG#<KIND>#<id>: a practitioner, room or type."""
        item = self.table.get(config_pk(practice_id), f"{CONFIG}{kind}#{entity_id}", consistent=True)
        return KINDS[kind].model_validate(item) if item else None

    def put_policy(self, practice_id: str, policy: Policy, expected_version: int, audit: AuditDraft) -> None:
        self._versioned_put(practice_id, POLICY_SK, "SCHEDULING_POLICY", policy, expected_version, audit, ())

    def put_config(self, practice_id: str, kind: str, entity: Any, expected_version: int | None, audit: AuditDraft,
                   events: Sequence[DomainEvent] = ()) -> None:
        """Put CONFIG#<KIND>#<id>, new (attribute_not_exists) or replacing `expected_version`."""
        self._versioned_put(practice_id, f"{CONFIG}{kind}#{entity.id}", f"SCHEDULING_{kind}", entity,
                            expected_version, audit, events)

    def _versioned_put(self, practice_id: str, sk: str, kind: str, model: Any, expected_version: int | None,
                       audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        item = {"pk": config_pk(practice_id), "sk": sk, "kind": kind, **_attributes(model)}
        changed = stale(kind.removeprefix("SCHEDULING_").lower().replace("_", " "))
        if not expected_version:
            put = Put(item, "attribute_not_exists(pk)",
                      on_conflict=changed)
        else:
            put = Put(item, "#version = :expected", names={"#version": "version"},
                      values={":expected": expected_version},
                      on_conflict=changed)
        self.audit.commit(audit, writes=[put], events=events)

    def exceptions(self, practice_id: str, first: date, last: date) -> list[AvailabilityException]:
        """Query pk=PRACTICE#p#SCHEDULING sk BETWEEN EXCEPTION#<first> AND EXCEPTION#<last>~ (all practitioners)."""
        items = self._all(config_pk(practice_id), sk_between=(f"EXCEPTION#{first.isoformat()}",
                                                              f"EXCEPTION#{last.isoformat()}~"))
        return [AvailabilityException.model_validate(item) for item in items]

    def put_exception(self, practice_id: str, exception: AvailabilityException, audit: AuditDraft) -> None:
        item = {"pk": config_pk(practice_id), "sk": f"EXCEPTION#{exception.date.isoformat()}#{exception.id}",
                "kind": "SCHEDULING_EXCEPTION", **_attributes(exception)}
        self.audit.commit(audit, writes=[Put(item, "attribute_not_exists(pk)")])

    def delete_exception(self, practice_id: str, day: date, exception_id: str, audit: AuditDraft) -> None:
        delete = Delete({"pk": config_pk(practice_id), "sk": f"EXCEPTION#{day.isoformat()}#{exception_id}"},
                        "attribute_exists(pk)", on_conflict=NotFound("no such exception", code="exception_not_found"))
        self.audit.commit(audit, writes=[delete])

    # --- calendars (the slot search's reads) --------------------------------------------------

    def calendar(self, practice_id: str, practitioner_id: str, start: datetime, end: datetime) -> list[Item]:
        """Query pk=PRACTICE#p#PRACTITIONER#id#BOOKINGS sk BETWEEN <start> AND <end>: one request per
        practitioner for the whole range (more only past 1 MB, some thousands of bookings)."""
        return self._all(calendar_pk(practice_id, practitioner_id), sk_between=(_iso(start), _iso(end)))

    def room_calendar(self, practice_id: str, room_id: str, start: datetime, end: datetime) -> list[Item]:
        """Query pk=PRACTICE#p#ROOM#id#BOOKINGS sk BETWEEN <start> AND <end>."""
        return self._all(room_calendar_pk(practice_id, room_id), sk_between=(_iso(start), _iso(end)))

    # --- appointments -------------------------------------------------------------------------

    def appointment(self, practice_id: str, appointment_id: str) -> Appointment | None:
        """GetItem pk=PRACTICE#p#APPOINTMENT#id sk=APPOINTMENT (consistent)."""
        item = self.table.get(appointment_pk(practice_id, appointment_id), "APPOINTMENT", consistent=True)
        return Appointment.model_validate(item) if item else None

    def patient_appointments(self, practice_id: str, patient_id: str, limit: int = 100,
                             newest_first: bool = True) -> list[Appointment]:
        """Query gsi2pk=PRACTICE#p#PATIENT_APPOINTMENTS#<patient>, newest first, one page of `limit`."""
        page = self.table.query(collection_pk(practice_id, "PATIENT_APPOINTMENTS", patient_id), index="gsi2",
                                limit=limit, forward=not newest_first)
        return [Appointment.model_validate(item) for item in page.items]

    def patient_appointments_between(self, practice_id: str, patient_id: str, start: datetime,
                                     end: datetime) -> list[Appointment]:
        """Query gsi2pk=PRACTICE#p#PATIENT_APPOINTMENTS#<patient> gsi2sk BETWEEN <start> AND <end>: the
        patient's appointments starting in a window, all pages (a patient has few)."""
        found, start_key = [], None
        while True:
            page = self.table.query(collection_pk(practice_id, "PATIENT_APPOINTMENTS", patient_id), index="gsi2",
                                    sk_between=(_iso(start), f"{_iso(end)}#~"), start_key=start_key)
            found += [Appointment.model_validate(item) for item in page.items]
            if not page.last_key:
                return found
            start_key = page.last_key

    def replay(self, practice_id: str, claim: IdempotencyClaim) -> dict[str, Any] | None:
        """GetItem: the answer stored under the key, None when none is; Invalid when reused differently."""
        return idempotency.stored_response(self.table, practice_id, claim)

    def book(self, practice_id: str, appointment: Appointment, audit: AuditDraft, events: Sequence[DomainEvent],
             claim: IdempotencyClaim | None = None, more: Sequence[Operation] = ()) -> None:
        """One transaction: [the idempotency claim], the patient on file in records, every hold item
        (attribute_not_exists), the calendar items, the appointment, the audit entry and the events. A taken
        time is Conflict (409); a patient the practice does not have is NotFound (404)."""
        writes: list[Operation] = [patient_on_file(practice_id, appointment.patient_id)]
        if claim:
            writes.append(idempotency.claim_put(practice_id, claim))
        writes += self._take_holds(practice_id, appointment, self._holds(practice_id, appointment))
        writes += self._calendar_puts(practice_id, appointment)
        writes.append(Put(self._appointment_item(practice_id, appointment, reminder=True),
                          "attribute_not_exists(pk)", on_conflict=Conflict("that id exists", code="duplicate_id")))
        self.audit.commit(audit, writes=[*writes, *more], events=events)

    def reschedule(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                   events: Sequence[DomainEvent]) -> None:
        """One transaction: the holds only the old time had are deleted, the ones only the new time has are
        put (attribute_not_exists), the calendar items move, the appointment changes if still `before`."""
        old, new = self._holds(practice_id, before), self._holds(practice_id, after)
        writes: list[Operation] = [*self._release_holds(practice_id, before, [k for k in old if k not in new]),
                                   *self._take_holds(practice_id, after, [k for k in new if k not in old])]
        moved_to = self._calendar_keys(practice_id, after)
        writes += [Delete(key) for key in self._calendar_keys(practice_id, before) if key not in moved_to]
        writes += self._calendar_puts(practice_id, after)
        writes.append(self._appointment_update(practice_id, before, after, reminder="reset"))
        self.audit.commit(audit, writes=writes, events=events)

    def update_appointment(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                           events: Sequence[DomainEvent], *, release: bool = False,
                           reminder: ReminderChange = "keep", more: Sequence[Operation] = ()) -> None:
        """Change the appointment if it is still at `before.version` (else Conflict), mirror its status on the
        calendar items, and when `release`, delete its holds and calendar items (the time is free again)."""
        writes: list[Operation] = [self._appointment_update(practice_id, before, after, reminder)]
        if release:
            writes += self._release_holds(practice_id, before, self._holds(practice_id, before))
            writes += [Delete(key) for key in self._calendar_keys(practice_id, before)]
        else:
            old, new = _attributes(before), _attributes(after)
            expression, names, values = set_and_remove({k: v for k, v in new.items() if old.get(k) != v},
                                                    [k for k in old if k not in new])
            writes += [Update(key, expression, names, values, "attribute_exists(pk)")
                       for key in self._calendar_keys(practice_id, before)]
        self.audit.commit(audit, writes=[*writes, *more], events=events)

    def due_reminders(self, practice_id: str, now: datetime, limit: int = 100) -> list[Appointment]:
        """Query gsi1pk=PRACTICE#p#REMINDER_DUE gsi1sk <= now: the sparse index holds only appointments whose
        reminder is due and unsent, so the job's cost follows the reminders due, not the table."""
        page = self.table.query(collection_pk(practice_id, "REMINDER_DUE"), index="gsi1",
                                sk_between=("0", f"{_iso(now)}#~"), limit=limit)
        return [Appointment.model_validate(item) for item in page.items]

    def mark_reminded(self, practice_id: str, appointment: Appointment, at: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None:
        """Set reminder_sent_at and leave the due index, if the reminder is still due for this time (a retried
        or overlapping job run fails the condition: Conflict); in the transaction that puts the
        notification.requested event in the outbox, so a reminder is requested at most once."""
        update = Update(
            key={"pk": appointment_pk(practice_id, appointment.id), "sk": "APPOINTMENT"},
            expression="SET #sent = :at REMOVE gsi1pk, gsi1sk",
            names={"#sent": "reminder_sent_at", "#due": "gsi1sk", "#status": "status"},
            values={":at": at, ":due": self._due_key(appointment), ":booked": "booked", ":confirmed": "confirmed"},
            condition="#due = :due AND #status IN (:booked, :confirmed)",
            on_conflict=Conflict("the reminder was sent or is no longer due", code="reminder_not_due"))
        self.audit.commit(audit, writes=[update], events=events)

    # --- waitlist -----------------------------------------------------------------------------

    def waitlist(self, practice_id: str) -> list[WaitlistEntry]:
        """Query pk=PRACTICE#p#WAITLIST (consistent, all pages): entries oldest first."""
        return [WaitlistEntry.model_validate(item) for item in self._all(waitlist_pk(practice_id), consistent=True)]

    def waitlist_entry(self, practice_id: str, entry_id: str) -> WaitlistEntry | None:
        """GetItem pk=PRACTICE#p#WAITLIST sk=ENTRY#id."""
        item = self.table.get(waitlist_pk(practice_id), f"ENTRY#{entry_id}", consistent=True)
        return WaitlistEntry.model_validate(item) if item else None

    def expired_offers(self, practice_id: str, now: datetime, limit: int = 100) -> list[WaitlistEntry]:
        """Query gsi1pk=PRACTICE#p#OFFER_EXPIRY gsi1sk <= now: sparse, only open offers past their expiry."""
        page = self.table.query(collection_pk(practice_id, "OFFER_EXPIRY"), index="gsi1",
                                sk_between=("0", f"{_iso(now)}#~"), limit=limit)
        return [WaitlistEntry.model_validate(item) for item in page.items]

    def put_waitlist_entry(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None,
                           audit: AuditDraft, events: Sequence[DomainEvent] = (),
                           more: Sequence[Operation] = ()) -> None:
        """Put ENTRY#id, new or replacing `expected_version`; an open offer puts it in the expiry index."""
        self.audit.commit(audit, writes=[*self.waitlist_put(practice_id, entry, expected_version), *more],
                          events=events)

    def waitlist_put(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None) -> list[Operation]:
        item = {"pk": waitlist_pk(practice_id), "sk": f"ENTRY#{entry.id}", "kind": "WAITLIST_ENTRY",
                **_attributes(entry)}
        if entry.status == "offered" and entry.offer:
            item |= {"gsi1pk": collection_pk(practice_id, "OFFER_EXPIRY"),
                     "gsi1sk": f"{entry.offer.expires_at}#{entry.id}"}
        changed = stale("waitlist entry")
        if expected_version is None:
            return [Put(item, "attribute_not_exists(pk)", on_conflict=changed)]
        return [Put(item, "#version = :expected", names={"#version": "version"},
                    values={":expected": expected_version}, on_conflict=changed)]

    # --- items --------------------------------------------------------------------------------

    def _holds(self, practice_id: str, appointment: Appointment) -> list[tuple[str, str, str]]:
        """(pk, sk, whose) of every hold item the appointment needs."""
        start, end, hold_end = (datetime.fromisoformat(t) for t in (appointment.start, appointment.end,
                                                                       appointment.hold_end))
        practitioner = f"{entity_pk(practice_id, 'PRACTITIONER', appointment.practitioner_id)}#HOLD"
        keys = [(practitioner, _iso(g), "practitioner") for g in granules(start, hold_end)]
        if appointment.room_id:
            room = f"{entity_pk(practice_id, 'ROOM', appointment.room_id)}#HOLD"
            keys += [(room, _iso(g), "room") for g in granules(start, hold_end)]
        patient = collection_pk(practice_id, "PATIENT_HOLD", appointment.patient_id)
        keys += [(patient, _iso(g), "patient") for g in granules(start, end)]
        return keys

    def _take_holds(self, practice_id: str, appointment: Appointment,
                    keys: list[tuple[str, str, str]]) -> list[Operation]:
        errors = {"practitioner": Conflict("the practitioner is booked at that time", code="slot_taken"),
                  "room": Conflict("the room is booked at that time", code="room_taken"),
                  "patient": Conflict("the patient has another appointment at that time", code="patient_busy")}
        ttl = int((appointment.hold_end_at + HOLD_RETENTION).timestamp())
        return [Put({"pk": pk, "sk": sk, "kind": "TIME_HOLD", "appointment_id": appointment.id, "ttl": ttl},
                    "attribute_not_exists(pk)", on_conflict=errors[whose]) for pk, sk, whose in keys]

    def _release_holds(self, practice_id: str, appointment: Appointment,
                       keys: list[tuple[str, str, str]]) -> list[Operation]:
        # only ever our own hold: a hold that is someone else's would mean it was never ours to free
        return [Delete({"pk": pk, "sk": sk}, "attribute_not_exists(pk) OR #appointment = :id",
                       names={"#appointment": "appointment_id"}, values={":id": appointment.id},
                       on_conflict=Conflict("the appointment's time is held by another", code="hold_mismatch"))
                for pk, sk, _ in keys]

    def _calendar_keys(self, practice_id: str, appointment: Appointment) -> list[Item]:
        sk = f"{appointment.start}#{appointment.id}"
        keys = [{"pk": calendar_pk(practice_id, appointment.practitioner_id), "sk": sk}]
        if appointment.room_id:
            keys.append({"pk": room_calendar_pk(practice_id, appointment.room_id), "sk": sk})
        return keys

    def _calendar_puts(self, practice_id: str, appointment: Appointment) -> list[Operation]:
        # a copy of the appointment, so a practitioner's day and its report are one Query
        entry = _attributes(appointment)
        return [Put({**key, "kind": "CALENDAR_ENTRY", **entry})
                for key in self._calendar_keys(practice_id, appointment)]

    def _due_key(self, appointment: Appointment) -> str:
        return f"{appointment.reminder_due_at}#{appointment.id}"

    def _reminder_index(self, practice_id: str, appointment: Appointment) -> Item:
        if appointment.reminder_due_at and not appointment.reminder_sent_at and appointment.status in ACTIVE:
            return {"gsi1pk": collection_pk(practice_id, "REMINDER_DUE"), "gsi1sk": self._due_key(appointment)}
        return {}

    def _appointment_item(self, practice_id: str, appointment: Appointment, reminder: bool) -> Item:
        return {"pk": appointment_pk(practice_id, appointment.id), "sk": "APPOINTMENT", "kind": "APPOINTMENT",
                **_attributes(appointment),
                "gsi2pk": collection_pk(practice_id, "PATIENT_APPOINTMENTS", appointment.patient_id),
                "gsi2sk": f"{appointment.start}#{appointment.id}",
                **(self._reminder_index(practice_id, appointment) if reminder else {})}

    def _appointment_update(self, practice_id: str, before: Appointment, after: Appointment,
                            reminder: ReminderChange) -> Update:
        """SET only what changed (never a whole-item Put: the reminder job writes this item too)."""
        old, new = _attributes(before), _attributes(after)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        removed = [k for k in old if k not in new]
        if before.start != after.start:
            changed["gsi2sk"] = f"{after.start}#{after.id}"
        if reminder == "reset":
            index = self._reminder_index(practice_id, after)
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

    def _all(self, pk: str, **query: Any) -> list[Item]:
        items: list[Item] = []
        start_key = None
        while True:
            page = self.table.query(pk, start_key=start_key, **query)
            items += page.items
            if not page.last_key:
                return items
            start_key = page.last_key
