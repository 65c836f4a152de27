"""Reading appointments: one appointment (or its FHIR export), a patient's appointments or their no-show
history, a practitioner's day. Every read of a patient's data leaves an audit entry."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Forbidden, Invalid
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail
from functions.scheduling import access, fhir, slot_rules
from functions.scheduling.models.appointments import Appointment, AppointmentList, NoShowHistory
from functions.scheduling.ports import AppointmentBook, Calendars, SchedulingSetup

READ = "scheduling.appointment.read"
NO_SHOW_HISTORY = 500


class AppointmentReads(AreaService):
    def __init__(self, setup: SchedulingSetup, appointments: AppointmentBook, calendars: Calendars,
                 audit: AuditTrail, *, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.appointments = appointments
        self.calendars = calendars
        self.audit = audit
        self.now = now

    def appointment(self, caller: Caller, appointment_id: str) -> Appointment:
        appointment = access.appointment_for(self.appointments, caller, READ, appointment_id)
        self._audit_read(caller, "appointment.read", "APPOINTMENT", appointment.id, appointment.patient_id)
        return appointment

    def export_fhir(self, caller: Caller, appointment_id: str) -> dict[str, Any]:
        appointment = access.appointment_for(self.appointments, caller, READ, appointment_id)
        self._audit_read(caller, "appointment.export", "APPOINTMENT", appointment.id, appointment.patient_id)
        return fhir.appointment(appointment, self.setup.appointment_type(caller.practice_id, appointment.type_id))

    def list(self, caller: Caller, *, practitioner_id: str | None = None, day: date | None = None,
             patient_id: str | None = None, limit: int = 100) -> AppointmentList:
        """A patient: their own. Staff: one patient's, or one practitioner's day."""
        access.may_act(caller, READ)
        if caller.is_patient:
            if patient_id not in (None, caller.patient_id) or practitioner_id:
                raise Forbidden("you may only see your own appointments", subject_patient_id=patient_id)
            patient_id = caller.patient_id
        if patient_id is not None:
            found = self.appointments.of_patient(caller.practice_id, segment(patient_id, "patient id"), limit)
            self._audit_read(caller, "appointment.list", "PATIENT", patient_id, patient_id)
            return AppointmentList(appointments=found)
        if practitioner_id is None or day is None:
            raise Invalid("give patient_id, or practitioner_id and date", code="missing_filter")
        zone = self.setup.current(caller.practice_id).zone
        start = slot_rules.local_instant(day, 0, zone)
        end = slot_rules.local_instant(day + timedelta(days=1), 0, zone)
        found = self.calendars.practitioner_bookings(caller.practice_id, segment(practitioner_id, "practitioner id"),
                                                     start, end - timedelta(milliseconds=1))
        self._audit_read(caller, "appointment.list", "PRACTITIONER", practitioner_id, None)
        return AppointmentList(appointments=found[:limit])

    def no_shows(self, caller: Caller, patient_id: str) -> NoShowHistory:
        authz.authorize(caller, READ, authz.patient(patient_id))
        history = self.appointments.of_patient(caller.practice_id, segment(patient_id, "patient id"),
                                               NO_SHOW_HISTORY)
        self._audit_read(caller, "appointment.no_shows", "PATIENT", patient_id, patient_id)
        missed = [a for a in history if a.status == "no_show"]
        return NoShowHistory(patient_id=patient_id, appointments=len(history), no_shows=len(missed),
                             late_cancels=sum(1 for a in history if a.late_cancel), no_show_appointments=missed)
