"""Booking, moving and cancelling appointments, and the status flow of a visit (confirmed, arrived, in the
room, completed, no-show): a booking only where the practitioner is open and free, late cancels charged by
policy, each move stamping its time; a freed time is offered to the waitlist."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.core import clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, Forbidden, Invalid, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotentRequest, fingerprint, run_once
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.scheduling import access, slot_rules
from functions.scheduling.backfill import Backfill
from functions.scheduling.models.appointments import (
    TRANSITIONS,
    Appointment,
    AppointmentIn,
    BookedAppointment,
    BookingWarning,
    CancelIn,
    RescheduleIn,
)
from functions.scheduling.models.setup import Policy
from functions.scheduling.ports import AppointmentBook, Filled, PractitionerLicences, SchedulingSetup
from functions.scheduling.slots import SlotSearch

# a booking this close to its start gets no reminder; one inside the lead time gets it at the next run
NO_REMINDER_WITHIN = timedelta(hours=1)
BOOK = "scheduling.appointment.book"
CHANGE = "scheduling.appointment.change"  # move, cancel, confirm: staff at the desk, or the patient
CHECK_IN = "scheduling.appointment.check_in"  # arrived, in the room, completed, no-show


def reminder_due(policy: Policy, start: datetime, now: datetime) -> str | None:
    if start - now <= NO_REMINDER_WITHIN:
        return None
    return clock.iso(max(start - timedelta(hours=policy.reminder_lead_hours), now))


class Booking(AreaService):
    def __init__(self, setup: SchedulingSetup, appointments: AppointmentBook, slots: SlotSearch, backfill: Backfill,
                 audit: AuditTrail, licences: PractitionerLicences, *, now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id) -> None:
        self.setup = setup
        self.licences = licences
        self.appointments = appointments
        self.slots = slots
        self.backfill = backfill
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def book(self, caller: Caller, body: AppointmentIn, idempotency_key: str | None = None) -> BookedAppointment:
        """Book once per Idempotency-Key: a retry gets the appointment the first request booked. A practitioner
        whose licence has lapsed, or will have by the visit, is booked all the same, with a warning to the staff
        member booking (the compliance board carries the finding)."""
        appointment = self._book(caller, body, idempotency_key)
        warnings = [] if caller.is_patient else self.licence_warnings(caller.practice_id, appointment)
        return BookedAppointment(**appointment.model_dump(), warnings=warnings)

    def licence_warnings(self, practice_id: str, appointment: Appointment) -> list[BookingWarning]:
        today, visit_day = self.now().date(), appointment.start_at.date()
        warnings = []
        for licence in self.licences.licences(practice_id, appointment.practitioner_id):
            details = {"practitioner_id": appointment.practitioner_id, "licence": licence.number,
                       "issuing_body": licence.issuing_body, "expires_on": licence.expires_on.isoformat()}
            if licence.expires_on < today:
                warnings.append(BookingWarning(code="practitioner_licence_expired", details=details,
                                               message=f"the practitioner's licence {licence.number} expired on "
                                                       f"{licence.expires_on.isoformat()}"))
            elif licence.expires_on < visit_day:
                warnings.append(BookingWarning(code="practitioner_licence_expires_before_visit", details=details,
                                               message=f"the practitioner's licence {licence.number} expires on "
                                                       f"{licence.expires_on.isoformat()}, before the visit"))
        return warnings

    def _book(self, caller: Caller, body: AppointmentIn, idempotency_key: str | None) -> Appointment:
        patient_id = access.patient_for(caller, BOOK, body.patient_id)
        asked = {**body.model_dump(mode="json"), "patient_id": patient_id}

        def work(request: IdempotentRequest | None) -> Appointment:
            return self.book_for(caller, body.type_id, body.practitioner_id, body.start, patient_id, request)

        try:
            return run_once(self.appointments, caller.practice_id, idempotency_key, BOOK, asked, work,
                            lambda stored: self._replayed(caller, stored))
        except (Conflict, Invalid):
            # a retry of a booking that succeeded now collides with itself (or its time has passed since):
            # answer as the first time
            if idempotency_key is not None:
                request = IdempotentRequest(key=idempotency_key, fingerprint=fingerprint(BOOK, asked))
                if (stored := self.appointments.replay(caller.practice_id, request)) is not None:
                    return self._replayed(caller, stored)
            raise

    def book_for(self, caller: Caller, type_id: str, practitioner_id: str, start: datetime, patient_id: str,
                 request: IdempotentRequest | None = None,
                 fills: Callable[[Appointment], Filled] | None = None) -> Appointment:
        """Book `patient_id` (already authorized) at `start`; `fills` names the waitlist entry it books."""
        practice = caller.practice_id
        setup = self.setup.current(practice)
        kind = setup.active_type(segment(type_id, "type id"))
        practitioner = setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))
        slot = self.slots.slot_at(practice, setup, kind, practitioner, start.astimezone(UTC))
        now = self.now()
        appointment = Appointment(
            id=self.make_id(), patient_id=patient_id, practitioner_id=practitioner.id, type_id=kind.id,
            room_id=slot.room_id, mode=kind.mode, visit=kind.visit, start=clock.iso(slot.start),
            end=clock.iso(slot.end), hold_end=clock.iso(slot.hold_end), status="booked", booked_at=clock.iso(now),
            booked_by=caller.user_id, reminder_due_at=reminder_due(setup.policy, slot.start, now), version=1,
            updated_at=clock.iso(now))
        self.appointments.book(practice, appointment,
                               self._draft(caller, "appointment.book", "APPOINTMENT", appointment.id, patient_id),
                               [self._appointment_event("scheduling.appointment.booked", caller, appointment)],
                               claim=request.answered(appointment) if request else None,
                               filled=fills(appointment) if fills else None)
        return appointment

    def _replayed(self, caller: Caller, stored: dict[str, Any]) -> Appointment:
        appointment = Appointment.model_validate(stored)
        self.audit.record(self._draft(caller, "appointment.book.replayed", "APPOINTMENT", appointment.id,
                                      appointment.patient_id))
        return appointment

    def reschedule(self, caller: Caller, appointment_id: str, body: RescheduleIn,
                   expected: ExpectedVersion) -> Appointment:
        # Whose appointment it is decides who may move it, so If-Match is judged once it is theirs.
        before = access.appointment_for(self.appointments, caller, CHANGE, appointment_id)
        expected_version = expected()
        if before.status not in ("booked", "confirmed"):
            raise Conflict(f"a {before.status} appointment cannot be moved", code="invalid_transition")
        if before.version != expected_version:
            raise stale("appointment")
        practice = caller.practice_id
        setup = self.setup.current(practice)
        kind = setup.active_type(before.type_id)
        practitioner = setup.practitioner_for(kind, body.practitioner_id or before.practitioner_id)
        start = body.start.astimezone(UTC)
        if practitioner.id == before.practitioner_id and start == before.start_at:
            raise Invalid("that is the appointment's time already", code="nothing_to_change")
        slot = self.slots.slot_at(practice, setup, kind, practitioner, start, exclude=before.id)
        now = self.now()
        after = before.model_copy(update={
            "practitioner_id": practitioner.id, "room_id": slot.room_id, "start": clock.iso(slot.start),
            "end": clock.iso(slot.end), "hold_end": clock.iso(slot.hold_end), "status": "booked",
            "confirmed_at": None, "reminder_due_at": reminder_due(setup.policy, slot.start, now),
            "reminder_sent_at": None, "rescheduled_at": clock.iso(now), "version": before.version + 1,
            "updated_at": clock.iso(now)})
        self.appointments.move(practice, before, after,
                               self._draft(caller, "appointment.reschedule", "APPOINTMENT", before.id,
                                           before.patient_id),
                               [self._appointment_event("scheduling.appointment.rescheduled", caller, after,
                                                        previous_start=before.start,
                                                        previous_practitioner_id=before.practitioner_id)])
        self.backfill.offer_freed_time(caller.practice_id, before.practitioner_id, before.start)
        return after

    def cancel(self, caller: Caller, appointment_id: str, body: CancelIn, expected: ExpectedVersion) -> Appointment:
        before = access.appointment_for(self.appointments, caller, CHANGE, appointment_id)
        if body.waive_fee and caller.is_patient:
            raise Forbidden("only the practice may waive a late-cancel fee")
        expected_version = expected()
        if "cancelled" not in TRANSITIONS[before.status]:
            raise Conflict(f"a {before.status} appointment cannot be cancelled", code="invalid_transition")
        if before.version != expected_version:
            raise stale("appointment")
        policy = self.setup.current(caller.practice_id).policy
        now = self.now()
        late = body.reason != "practice" and before.start_at - now < timedelta(hours=policy.late_cancel_hours)
        fee = policy.late_cancel_fee_cents if late and not body.waive_fee else 0
        after = before.model_copy(update={"status": "cancelled", "cancelled_at": clock.iso(now),
                                          "cancel_reason": body.reason, "late_cancel": late,
                                          "late_cancel_fee_cents": fee, "version": before.version + 1,
                                          "updated_at": clock.iso(now)})
        self.appointments.cancel(
            caller.practice_id, before, after,
            self._draft(caller, "appointment.cancel", "APPOINTMENT", before.id, before.patient_id),
            [self._appointment_event("scheduling.appointment.cancelled", caller, after, late_cancel=late,
                                     late_cancel_fee_cents=fee, reason=body.reason)])
        if before.start_at > now:
            self.backfill.offer_freed_time(caller.practice_id, before.practitioner_id, before.start)
        return after

    def change_status(self, caller: Caller, appointment_id: str, to: str, expected: ExpectedVersion) -> Appointment:
        """confirmed (the patient too), arrived, in_room, completed, no_show: each stamps its time."""
        before = access.appointment_for(self.appointments, caller, CHANGE if to == "confirmed" else CHECK_IN,
                                        appointment_id)
        version = expected()
        if to not in TRANSITIONS[before.status]:
            raise Conflict(f"a {before.status} appointment cannot become {to}", code="invalid_transition")
        if before.version != version:
            raise stale("appointment")
        now = self.now()
        zone = self.setup.current(caller.practice_id).zone
        if to == "no_show" and now < before.start_at:
            raise Conflict("no-show is recorded after the start time", code="too_early")
        if to == "arrived" and slot_rules.local_day(now, zone) != slot_rules.local_day(before.start_at, zone):
            raise Conflict("arrival is recorded on the appointment's day", code="not_today")
        after = before.model_copy(update={"status": to, f"{to}_at": clock.iso(now), "version": before.version + 1,
                                          "updated_at": clock.iso(now)})
        self.appointments.update_status(
            caller.practice_id, before, after,
            self._draft(caller, f"appointment.{to}", "APPOINTMENT", before.id, before.patient_id),
            [self._appointment_event(f"scheduling.appointment.{to}", caller, after)],
            keep_reminder=to == "confirmed")
        return after

    def _appointment_event(self, event_type: str, caller: Caller, appointment: Appointment,
                           **data: Any) -> DomainEvent:
        return self._event(event_type, caller, appointment.id, patient_id=appointment.patient_id,
                           practitioner_id=appointment.practitioner_id, type_id=appointment.type_id,
                           start=appointment.start, status=appointment.status, **data)
