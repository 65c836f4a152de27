"""HTTP routes for scheduling's daily work: /slots, /appointments and /waitlist (the set-up's routes are in
setup_api.py). Each parses, calls one use case (which authorizes) and shapes the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.core.api import IfMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.core.dates import CalendarDate
from functions.scheduling.models.appointments import (
    Appointment,
    AppointmentIn,
    AppointmentList,
    BookedAppointment,
    CancelIn,
    DayReport,
    NoShowHistory,
    RescheduleIn,
    SlotList,
    SlotOrder,
)
from functions.scheduling.models.waitlist import WaitlistEntry, WaitlistIn, WaitlistList
from functions.scheduling.params import FHIR_JSON, EntityId, From, To, fhir
from functions.scheduling.wiring import scheduling

router = Router()


# --- slots ------------------------------------------------------------------------------------------

PatientFilter = Annotated[str | None, Query(min_length=1, max_length=64,
                                           description="hide the times this patient is booked (a patient: always)")]


@router.get("/slots", summary="Bookable slots for a type: gap-filling order, or earliest first")
def search_slots(
    type_id: Annotated[str, Query(min_length=1, max_length=64)],
    first: From,
    last: To,
    practitioner_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    order: Annotated[SlotOrder, Query()] = "best",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    patient_id: PatientFilter = None,
) -> SlotList:
    caller = current_caller(router)
    return scheduling().slots.search(caller, type_id, first, last, practitioner_id, order, limit, patient_id)


# --- appointments -----------------------------------------------------------------------------------

@router.post("/appointments", status_code=201, summary="Book an appointment (honours Idempotency-Key)")
def book(body: Annotated[AppointmentIn, Body()]) -> Response[BookedAppointment]:
    caller = current_caller(router)
    appointment = scheduling().booking.book(caller, body, idempotency_key(router))
    return created(appointment, f"/appointments/{appointment.id}")


@router.get("/appointments", summary="A patient's appointments, or a practitioner's day")
def list_appointments(
    patient_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    practitioner_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    day: Annotated[CalendarDate | None, Query(alias="date")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> AppointmentList:
    caller = current_caller(router)
    return scheduling().appointments.list(caller, practitioner_id=practitioner_id, day=day, patient_id=patient_id,
                                       limit=limit)


@router.get("/appointments/report", summary="Per practitioner for a day: open, booked, idle time and waits")
def day_report(day: Annotated[CalendarDate, Query(alias="date")]) -> DayReport:
    return scheduling().reports.day_report(current_caller(router), day)


@router.get("/appointments/no-shows", summary="A patient's no-show and late-cancel history")
def no_shows(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> NoShowHistory:
    caller = current_caller(router)
    return scheduling().appointments.no_shows(caller, patient_id)


@router.get("/appointments/<appointment_id>", summary="An appointment (a patient: only their own)")
def read_appointment(appointment_id: EntityId) -> Response[Appointment]:
    caller = current_caller(router)
    return tagged(scheduling().appointments.appointment(caller, appointment_id))


@router.get("/appointments/<appointment_id>/fhir", summary="The appointment as a FHIR R4 Appointment",
            responses={200: {"description": "an Appointment",
                             "content": {FHIR_JSON: {"schema": {"type": "object"}}}}})
def appointment_fhir(appointment_id: EntityId) -> Response[str]:
    caller = current_caller(router)
    return fhir(scheduling().appointments.export_fhir(caller, appointment_id))


@router.post("/appointments/<appointment_id>/reschedule", summary="Move an appointment (If-Match: its ETag)")
def reschedule(appointment_id: EntityId, body: Annotated[RescheduleIn, Body()],
               if_match: IfMatch = None) -> Response[Appointment]:
    caller = current_caller(router)
    return tagged(scheduling().booking.reschedule(caller, appointment_id, body, precondition(if_match)))


@router.post("/appointments/<appointment_id>/cancel",
             summary="Cancel (If-Match: its ETag; a late cancel is charged by policy)")
def cancel(appointment_id: EntityId, body: Annotated[CancelIn | None, Body()] = None,
           if_match: IfMatch = None) -> Response[Appointment]:
    caller = current_caller(router)
    return tagged(scheduling().booking.cancel(caller, appointment_id, body or CancelIn(), precondition(if_match)))


def _move(appointment_id: str, to: str, if_match: str | None) -> Response[Appointment]:
    caller = current_caller(router)
    return tagged(scheduling().booking.change_status(caller, appointment_id, to, precondition(if_match)))


@router.post("/appointments/<appointment_id>/confirm", summary="The patient (or staff) confirms (If-Match: its ETag)")
def confirm(appointment_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    return _move(appointment_id, "confirmed", if_match)


@router.post("/appointments/<appointment_id>/arrive", summary="Check the patient in (arrival time; If-Match: its ETag)")
def arrive(appointment_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    return _move(appointment_id, "arrived", if_match)


@router.post("/appointments/<appointment_id>/in-room",
             summary="The patient is in the room (ends the wait; If-Match: its ETag)")
def in_room(appointment_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    return _move(appointment_id, "in_room", if_match)


@router.post("/appointments/<appointment_id>/complete", summary="The visit is over (If-Match: its ETag)")
def complete(appointment_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    return _move(appointment_id, "completed", if_match)


@router.post("/appointments/<appointment_id>/no-show", summary="The patient did not come (If-Match: its ETag)")
def no_show(appointment_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    return _move(appointment_id, "no_show", if_match)


# --- waitlist ---------------------------------------------------------------------------------------

@router.post("/waitlist", status_code=201,
             summary="Ask for an earlier time: a type, maybe a practitioner, a window of dates")
def join_waitlist(body: Annotated[WaitlistIn, Body()]) -> Response[WaitlistEntry]:
    entry = scheduling().waitlist.join(current_caller(router), body)
    return created(entry, f"/waitlist/{entry.id}")


@router.get("/waitlist", summary="Open waitlist entries (a patient: their own)")
def list_waitlist() -> WaitlistList:
    return scheduling().waitlist.entries(current_caller(router))


@router.delete("/waitlist/<entry_id>", summary="Leave the waitlist")
def withdraw(entry_id: EntityId) -> WaitlistEntry:
    return scheduling().waitlist.withdraw(current_caller(router), entry_id)


@router.post("/waitlist/<entry_id>/accept", status_code=201,
             summary='Book the offered time (If-Match: "<the entry\'s version>")')
def accept_offer(entry_id: EntityId, if_match: IfMatch = None) -> Response[Appointment]:
    caller = current_caller(router)
    appointment = scheduling().waitlist.accept(caller, entry_id, precondition(if_match))
    return created(appointment, f"/appointments/{appointment.id}")


@router.post("/waitlist/<entry_id>/decline",
             summary='Decline the offered time; it goes to the next in line (If-Match: "<the entry\'s version>")')
def decline_offer(entry_id: EntityId, if_match: IfMatch = None) -> Response[WaitlistEntry]:
    caller = current_caller(router)
    return tagged(scheduling().waitlist.decline(caller, entry_id, precondition(if_match)))
