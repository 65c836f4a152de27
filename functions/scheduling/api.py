"""HTTP routes for scheduling: /practitioners, /rooms, /appointment-types, /availability, /slots,
/appointments and /waitlist. Each is a guard, a service call and a status code."""

import json
from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import created, current_caller, idempotency_key
from functions.core.audit_store import AuditStore
from functions.core.auth import Role, require
from functions.core.dates import CalendarDate
from functions.core.secrets import page_token_key
from functions.core.settings import settings
from functions.core.table import Table
from functions.scheduling.links import ReplyLinks
from functions.scheduling.models import (
    Appointment,
    AppointmentIn,
    AppointmentList,
    AppointmentType,
    AppointmentTypeIn,
    AppointmentTypeList,
    AppointmentTypePatch,
    Availability,
    AvailabilityException,
    CancelIn,
    DayReport,
    ExceptionIn,
    ExceptionList,
    NoShowHistory,
    Policy,
    PolicyIn,
    Practitioner,
    PractitionerIn,
    PractitionerList,
    PractitionerPatch,
    RescheduleIn,
    Room,
    RoomIn,
    RoomList,
    SlotList,
    SlotOrder,
    StatusIn,
    WaitlistEntry,
    WaitlistIn,
    WaitlistList,
    WeeklyIn,
)
from functions.scheduling.repo import SchedulingRepo
from functions.scheduling.service import (
    CLINICIANS,
    CONFIGURERS,
    MANAGERS,
    SEARCHERS,
    STAFF_READERS,
    SchedulingService,
)

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64)]
From = Annotated[CalendarDate, Query(alias="from", description="first local date")]
To = Annotated[CalendarDate, Query(alias="to", description="last local date (inclusive)")]
SELF_SERVICE = MANAGERS | {Role.PATIENT}  # a patient acts on their own only (the service checks whose)
FHIR_JSON = "application/fhir+json"


def public_url() -> str:
    """Where reply links in reminders point: the API's public base URL."""
    return settings().public_api_url


@cache
def service() -> SchedulingService:
    """One per container: the audit store caches each practice's chain head between requests."""
    table = Table()
    audit = AuditStore(table)
    return SchedulingService(SchedulingRepo(table, audit), audit, links=ReplyLinks(page_token_key, public_url()))


def _fhir(resource: dict) -> Response[str]:
    return Response(status_code=200, content_type=FHIR_JSON, body=json.dumps(resource, separators=(",", ":")))


# --- practitioners and rooms ------------------------------------------------------------------------

@router.post("/practitioners", summary="Add a practitioner (coordinator)")
def create_practitioner(body: Annotated[PractitionerIn, Body()]) -> Response[Practitioner]:
    return created(service().create_practitioner(require(current_caller(router), CONFIGURERS), body))


@router.get("/practitioners", summary="The practice's practitioners")
def list_practitioners() -> PractitionerList:
    return service().list_practitioners(require(current_caller(router), SEARCHERS))


@router.get("/practitioners/<practitioner_id>", summary="A practitioner")
def read_practitioner(practitioner_id: EntityId) -> Practitioner:
    return service().practitioner(require(current_caller(router), SEARCHERS), practitioner_id)


@router.patch("/practitioners/<practitioner_id>", summary="Rename, link or deactivate a practitioner")
def update_practitioner(practitioner_id: EntityId, body: Annotated[PractitionerPatch, Body()]) -> Practitioner:
    return service().update_practitioner(require(current_caller(router), CONFIGURERS), practitioner_id, body)


@router.get("/practitioners/<practitioner_id>/fhir", summary="FHIR Bundle: the Schedule with busy and free Slots",
            responses={200: {"description": "a Bundle of type collection",
                             "content": {FHIR_JSON: {"schema": {"type": "object"}}}}})
def schedule_fhir(practitioner_id: EntityId, type_id: Annotated[str, Query(min_length=1, max_length=64)],
                  first: From, last: To) -> Response[str]:
    caller = require(current_caller(router), STAFF_READERS)
    return _fhir(service().schedule_fhir(caller, practitioner_id, type_id, first, last))


@router.post("/rooms", summary="Add a room (coordinator)")
def create_room(body: Annotated[RoomIn, Body()]) -> Response[Room]:
    return created(service().create_room(require(current_caller(router), CONFIGURERS), body))


@router.get("/rooms", summary="The practice's rooms")
def list_rooms() -> RoomList:
    return service().list_rooms(require(current_caller(router), STAFF_READERS))


# --- appointment types ------------------------------------------------------------------------------

@router.post("/appointment-types", summary="Add an appointment type (coordinator)")
def create_type(body: Annotated[AppointmentTypeIn, Body()]) -> Response[AppointmentType]:
    return created(service().create_type(require(current_caller(router), CONFIGURERS), body))


@router.get("/appointment-types", summary="The practice's appointment types")
def list_types() -> AppointmentTypeList:
    return service().list_types(require(current_caller(router), SEARCHERS))


@router.get("/appointment-types/<type_id>", summary="An appointment type")
def read_type(type_id: EntityId) -> AppointmentType:
    return service().appointment_type(require(current_caller(router), SEARCHERS), type_id)


@router.put("/appointment-types/<type_id>", summary="Replace an appointment type (send the version you read)")
def update_type(type_id: EntityId, body: Annotated[AppointmentTypePatch, Body()]) -> AppointmentType:
    return service().update_type(require(current_caller(router), CONFIGURERS), type_id, body)


# --- availability (static routes are matched before /availability/<practitioner_id>) ----------------

@router.get("/availability/policy", summary="The practice's scheduling policy and time zone")
def read_policy() -> Policy:
    return service().policy(require(current_caller(router), SEARCHERS))


@router.put("/availability/policy", summary="Set the scheduling policy (coordinator; send the version you read)")
def put_policy(body: Annotated[PolicyIn, Body()]) -> Policy:
    return service().put_policy(require(current_caller(router), CONFIGURERS), body)


@router.get("/availability/exceptions", summary="Holidays, blocks and extra hours between two dates")
def list_exceptions(first: From, last: To) -> ExceptionList:
    return service().list_exceptions(require(current_caller(router), STAFF_READERS), first, last)


@router.post("/availability/exceptions", summary="Add a holiday, block or extra hours")
def add_exception(body: Annotated[ExceptionIn, Body()]) -> Response[AvailabilityException]:
    return created(service().add_exception(require(current_caller(router), MANAGERS), body))


@router.delete("/availability/exceptions/<exception_id>", summary="Remove an exception")
def delete_exception(exception_id: EntityId) -> Response[None]:
    service().delete_exception(require(current_caller(router), MANAGERS), exception_id)
    return Response(status_code=204)


@router.get("/availability/<practitioner_id>", summary="A practitioner's weekly hours and exceptions")
def read_availability(practitioner_id: EntityId, first: From, last: To) -> Availability:
    return service().availability(require(current_caller(router), SEARCHERS), practitioner_id, first, last)


@router.put("/availability/<practitioner_id>", summary="Set a practitioner's weekly hours (coordinator)")
def put_weekly(practitioner_id: EntityId, body: Annotated[WeeklyIn, Body()]) -> Practitioner:
    return service().set_weekly(require(current_caller(router), CONFIGURERS), practitioner_id, body)


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
    caller = require(current_caller(router), SEARCHERS)
    return service().search_slots(caller, type_id, first, last, practitioner_id, order, limit, patient_id)


# --- appointments -----------------------------------------------------------------------------------

@router.post("/appointments", summary="Book an appointment (honours Idempotency-Key)")
def book(body: Annotated[AppointmentIn, Body()]) -> Response[Appointment]:
    caller = require(current_caller(router), SELF_SERVICE)
    return created(service().book(caller, body, idempotency_key(router)))


@router.get("/appointments", summary="A patient's appointments, or a practitioner's day")
def list_appointments(
    patient_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    practitioner_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    day: Annotated[CalendarDate | None, Query(alias="date")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> AppointmentList:
    caller = require(current_caller(router), STAFF_READERS | {Role.PATIENT})
    return service().list_appointments(caller, practitioner_id=practitioner_id, day=day, patient_id=patient_id,
                                       limit=limit)


@router.get("/appointments/report", summary="Per practitioner for a day: open, booked, idle time and waits")
def day_report(day: Annotated[CalendarDate, Query(alias="date")]) -> DayReport:
    return service().day_report(require(current_caller(router), STAFF_READERS), day)


@router.get("/appointments/no-shows", summary="A patient's no-show and late-cancel history")
def no_shows(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> NoShowHistory:
    caller = require(current_caller(router), STAFF_READERS | {Role.PATIENT})
    return service().no_shows(caller, patient_id)


@router.get("/appointments/reply/<token>", summary="What a reminder's reply link would do (no sign-in; no change)")
def peek_reply(token: Annotated[str, Path(min_length=1, max_length=512)]) -> dict:
    return service().peek_reply(token)


@router.post("/appointments/reply/<token>", summary="Confirm or cancel from a reminder's signed link (no sign-in)")
def reply(token: Annotated[str, Path(min_length=1, max_length=512)]) -> Appointment:
    return service().reply(token)


@router.get("/appointments/<appointment_id>", summary="An appointment (a patient: only their own)")
def read_appointment(appointment_id: EntityId) -> Appointment:
    caller = require(current_caller(router), STAFF_READERS | {Role.PATIENT})
    return service().appointment(caller, appointment_id)


@router.get("/appointments/<appointment_id>/fhir", summary="The appointment as a FHIR R4 Appointment",
            responses={200: {"description": "an Appointment",
                             "content": {FHIR_JSON: {"schema": {"type": "object"}}}}})
def appointment_fhir(appointment_id: EntityId) -> Response[str]:
    caller = require(current_caller(router), STAFF_READERS | {Role.PATIENT})
    return _fhir(service().export_fhir(caller, appointment_id))


@router.post("/appointments/<appointment_id>/reschedule", summary="Move an appointment (send the version)")
def reschedule(appointment_id: EntityId, body: Annotated[RescheduleIn, Body()]) -> Appointment:
    return service().reschedule(require(current_caller(router), SELF_SERVICE), appointment_id, body)


@router.post("/appointments/<appointment_id>/cancel", summary="Cancel (a late cancel is charged by policy)")
def cancel(appointment_id: EntityId, body: Annotated[CancelIn, Body()]) -> Appointment:
    return service().cancel(require(current_caller(router), SELF_SERVICE), appointment_id, body)


@router.post("/appointments/<appointment_id>/confirm", summary="The patient (or staff) confirms")
def confirm(appointment_id: EntityId, body: Annotated[StatusIn, Body()]) -> Appointment:
    caller = require(current_caller(router), SELF_SERVICE)
    return service().change_status(caller, appointment_id, "confirmed", body.version)


@router.post("/appointments/<appointment_id>/arrive", summary="Check the patient in (arrival time)")
def arrive(appointment_id: EntityId, body: Annotated[StatusIn, Body()]) -> Appointment:
    caller = require(current_caller(router), CLINICIANS)
    return service().change_status(caller, appointment_id, "arrived", body.version)


@router.post("/appointments/<appointment_id>/in-room", summary="The patient is in the room (ends the wait)")
def in_room(appointment_id: EntityId, body: Annotated[StatusIn, Body()]) -> Appointment:
    caller = require(current_caller(router), CLINICIANS)
    return service().change_status(caller, appointment_id, "in_room", body.version)


@router.post("/appointments/<appointment_id>/complete", summary="The visit is over")
def complete(appointment_id: EntityId, body: Annotated[StatusIn, Body()]) -> Appointment:
    caller = require(current_caller(router), CLINICIANS)
    return service().change_status(caller, appointment_id, "completed", body.version)


@router.post("/appointments/<appointment_id>/no-show", summary="The patient did not come")
def no_show(appointment_id: EntityId, body: Annotated[StatusIn, Body()]) -> Appointment:
    caller = require(current_caller(router), CLINICIANS)
    return service().change_status(caller, appointment_id, "no_show", body.version)


# --- waitlist ---------------------------------------------------------------------------------------

@router.post("/waitlist", summary="Ask for an earlier time: a type, maybe a practitioner, a window of dates")
def join_waitlist(body: Annotated[WaitlistIn, Body()]) -> Response[WaitlistEntry]:
    return created(service().join_waitlist(require(current_caller(router), SELF_SERVICE), body))


@router.get("/waitlist", summary="Open waitlist entries (a patient: their own)")
def list_waitlist() -> WaitlistList:
    return service().list_waitlist(require(current_caller(router), SELF_SERVICE))


@router.delete("/waitlist/<entry_id>", summary="Leave the waitlist")
def withdraw(entry_id: EntityId) -> WaitlistEntry:
    return service().withdraw(require(current_caller(router), SELF_SERVICE), entry_id)


@router.post("/waitlist/<entry_id>/accept", summary="Book the offered time")
def accept_offer(entry_id: EntityId, body: Annotated[StatusIn, Body()]) -> Response[Appointment]:
    return created(service().accept_offer(require(current_caller(router), SELF_SERVICE), entry_id, body.version))


@router.post("/waitlist/<entry_id>/decline", summary="Decline the offered time; it goes to the next in line")
def decline_offer(entry_id: EntityId, body: Annotated[StatusIn, Body()]) -> WaitlistEntry:
    return service().decline_offer(require(current_caller(router), SELF_SERVICE), entry_id, body.version)
