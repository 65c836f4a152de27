"""How scheduling asks core.authz about things whose patient is known only once read: an appointment or a
waitlist entry of another patient is not found, not forbidden (its existence is not theirs to learn)."""

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound
from functions.core.keys import segment
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.waitlist import WaitlistEntry
from functions.scheduling.ports import AppointmentBook, Waitlist


def own(caller: Caller) -> authz.Subject:
    """The caller's own data: a patient's self, nobody's for staff (their role decides)."""
    return authz.patient(caller.patient_id)


def may_act(caller: Caller, action: str) -> Caller:
    """Forbidden unless the caller's role may do `action` at all (a patient: to their own data). A refusal
    by role names nobody's data: nothing has been read yet."""
    if authz.may(caller, action, own(caller)):
        return caller
    return authz.authorize(caller, action)


def reaches(caller: Caller, action: str, patient_id: str) -> bool:
    """Whether the caller may do `action` to this patient's data (a patient: only their own)."""
    return authz.may(caller, action, authz.patient(patient_id))


def appointment_for(appointments: AppointmentBook, caller: Caller, action: str,
                    appointment_id: str) -> Appointment:
    """The appointment, if the caller may do `action` to it. A role that may not is Forbidden; another
    patient's appointment is NotFound (audited against that patient)."""
    may_act(caller, action)
    appointment = appointments.appointment(caller.practice_id, segment(appointment_id, "appointment id"))
    if appointment is None or not reaches(caller, action, appointment.patient_id):
        raise NotFound("no such appointment", code="appointment_not_found",
                       subject_patient_id=appointment.patient_id if appointment else None)
    return appointment


def entry_for(waitlist: Waitlist, caller: Caller, action: str, entry_id: str) -> WaitlistEntry:
    """The waitlist entry, if the caller may do `action` to it (another patient's: NotFound)."""
    may_act(caller, action)
    entry = waitlist.entry(caller.practice_id, segment(entry_id, "entry id"))
    if entry is None or not reaches(caller, action, entry.patient_id):
        raise NotFound("no such waitlist entry", code="waitlist_entry_not_found",
                       subject_patient_id=entry.patient_id if entry else None)
    return entry


def patient_for(caller: Caller, action: str, patient_id: str | None) -> str:
    """Whose appointment or entry it is: a patient's own (another's: Forbidden); staff say whose."""
    authz.authorize(caller, action, authz.patient(patient_id or caller.patient_id))
    if caller.is_patient:
        return str(caller.patient_id)
    if patient_id is None:
        raise Invalid("say whose appointment it is: patient_id", code="patient_required")
    return segment(patient_id, "patient id")
