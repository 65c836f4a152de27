"""HTTP routes for scheduling: /practitioners, /rooms, /appointment-types, /availability, /slots,
/appointments and /waitlist. Each parses, calls one use case (which authorizes) and shapes the answer."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import (
    IfMatch,
    IfNoneMatch,
    created,
    current_caller,
    idempotency_key,
    precondition,
    tagged,
)
from functions.core.dates import CalendarDate
from functions.scheduling.models.appointments import (
    Appointment,
    AppointmentIn,
    AppointmentList,
    CancelIn,
    DayReport,
    NoShowHistory,
    RescheduleIn,
    SlotList,
    SlotOrder,
)
from functions.scheduling.models.setup import (
    AppointmentType,
    AppointmentTypeIn,
    AppointmentTypeList,
    Availability,
    AvailabilityException,
    ExceptionIn,
    ExceptionList,
    Policy,
    PolicyIn,
    Practitioner,
    PractitionerIn,
    PractitionerList,
    PractitionerPatch,
    Room,
    RoomIn,
    RoomList,
    WeeklyIn,
)
from functions.scheduling.models.waitlist import WaitlistEntry, WaitlistIn, WaitlistList
from functions.scheduling.wiring import scheduling

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64)]
From = Annotated[CalendarDate, Query(alias="from", description="first local date")]
To = Annotated[CalendarDate, Query(alias="to", description="last local date (inclusive)")]
FHIR_JSON = "application/fhir+json"


def _fhir(resource: dict) -> Response[str]:
    return Response(status_code=200, content_type=FHIR_JSON, body=json.dumps(resource, separators=(",", ":")))


# --- practitioners and rooms ------------------------------------------------------------------------

@router.post("/practitioners", status_code=201, summary="Add a practitioner (coordinator)")
def create_practitioner(body: Annotated[PractitionerIn, Body()]) -> Response[Practitioner]:
    practitioner = scheduling().setup.create_practitioner(current_caller(router), body)
    return created(practitioner, f"/practitioners/{practitioner.id}")


@router.get("/practitioners", summary="The practice's practitioners")
def list_practitioners() -> PractitionerList:
    return scheduling().setup.list_practitioners(current_caller(router))


@router.get("/practitioners/<practitioner_id>", summary="A practitioner")
def read_practitioner(practitioner_id: EntityId) -> Response[Practitioner]:
    return tagged(scheduling().setup.practitioner(current_caller(router), practitioner_id))


@router.patch("/practitioners/<practitioner_id>",
              summary="Rename, link or deactivate a practitioner (If-Match: the ETag you read)")
def update_practitioner(practitioner_id: EntityId, body: Annotated[PractitionerPatch, Body()],
                        if_match: IfMatch = None) -> Response[Practitioner]:
    caller = current_caller(router)
    return tagged(scheduling().setup.update_practitioner(caller, practitioner_id, body, precondition(if_match)))


@router.get("/practitioners/<practitioner_id>/fhir", summary="FHIR Bundle: the Schedule with busy and free Slots",
            responses={200: {"description": "a Bundle of type collection",
                             "content": {FHIR_JSON: {"schema": {"type": "object"}}}}})
def schedule_fhir(practitioner_id: EntityId, type_id: Annotated[str, Query(min_length=1, max_length=64)],
                  first: From, last: To) -> Response[str]:
    caller = current_caller(router)
    return _fhir(scheduling().slots.schedule_fhir(caller, practitioner_id, type_id, first, last))


@router.post("/rooms", status_code=201, summary="Add a room (coordinator)")
def create_room(body: Annotated[RoomIn, Body()]) -> Response[Room]:
    room = scheduling().setup.create_room(current_caller(router), body)
    return created(room, f"/rooms/{room.id}")


@router.get("/rooms", summary="The practice's rooms")
def list_rooms() -> RoomList:
    return scheduling().setup.list_rooms(current_caller(router))


# --- appointment types ------------------------------------------------------------------------------

@router.post("/appointment-types", status_code=201, summary="Add an appointment type (coordinator)")
def create_type(body: Annotated[AppointmentTypeIn, Body()]) -> Response[AppointmentType]:
    kind = scheduling().setup.create_type(current_caller(router), body)
    return created(kind, f"/appointment-types/{kind.id}")


@router.get("/appointment-types", summary="The practice's appointment types")
def list_types() -> AppointmentTypeList:
    return scheduling().setup.list_types(current_caller(router))


@router.get("/appointment-types/<type_id>", summary="An appointment type")
def read_type(type_id: EntityId) -> Response[AppointmentType]:
    return tagged(scheduling().setup.appointment_type(current_caller(router), type_id))


@router.put("/appointment-types/<type_id>", summary="Replace an appointment type (If-Match: the ETag you read)")
def update_type(type_id: EntityId, body: Annotated[AppointmentTypeIn, Body()],
                if_match: IfMatch = None) -> Response[AppointmentType]:
    caller = current_caller(router)
    return tagged(scheduling().setup.update_type(caller, type_id, body, precondition(if_match)))


# --- availability (static routes are matched before /availability/<practitioner_id>) ----------------

@router.get("/availability/policy", summary="The practice's scheduling policy and time zone")
def read_policy() -> Response[Policy]:
    return tagged(scheduling().setup.policy(current_caller(router)))


@router.put("/availability/policy",
            summary='Set the scheduling policy (coordinator; If-Match: the ETag you read, "0" for the defaults)')
def put_policy(body: Annotated[PolicyIn, Body()], if_match: IfMatch = None,
               if_none_match: IfNoneMatch = None) -> Response[Policy]:
    expected = precondition(if_match, if_none_match, may_create=True)
    return tagged(scheduling().setup.put_policy(current_caller(router), body, expected))


@router.get("/availability/exceptions", summary="Holidays, blocks and extra hours between two dates")
def list_exceptions(first: From, last: To) -> ExceptionList:
    return scheduling().setup.list_exceptions(current_caller(router), first, last)


@router.post("/availability/exceptions", status_code=201, summary="Add a holiday, block or extra hours")
def add_exception(body: Annotated[ExceptionIn, Body()]) -> Response[AvailabilityException]:
    exception = scheduling().setup.add_exception(current_caller(router), body)
    return created(exception, f"/availability/exceptions/{exception.id}")


@router.delete("/availability/exceptions/<exception_id>", summary="Remove an exception")
def delete_exception(exception_id: EntityId) -> Response[None]:
    scheduling().setup.delete_exception(current_caller(router), exception_id)
    return Response(status_code=204)


@router.get("/availability/<practitioner_id>", summary="A practitioner's weekly hours and exceptions")
def read_availability(practitioner_id: EntityId, first: From, last: To) -> Response[Availability]:
    return tagged(scheduling().setup.availability(current_caller(router), practitioner_id, first, last))


@router.put("/availability/<practitioner_id>",
            summary="Set a practitioner's weekly hours (coordinator; If-Match: the practitioner's ETag)")
def put_weekly(practitioner_id: EntityId, body: Annotated[WeeklyIn, Body()],
               if_match: IfMatch = None) -> Response[Practitioner]:
    caller = current_caller(router)
    return tagged(scheduling().setup.set_weekly(caller, practitioner_id, body, precondition(if_match)))


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
def book(body: Annotated[AppointmentIn, Body()]) -> Response[Appointment]:
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
    return _fhir(scheduling().appointments.export_fhir(caller, appointment_id))


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
