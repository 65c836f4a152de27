"""HTTP routes for the practice's scheduling set-up: /practitioners, /rooms, /appointment-types and
/availability. Each parses, calls one use case (which authorizes) and shapes the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.core.api import IfMatch, IfNoneMatch, created, current_caller, precondition, tagged
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
from functions.scheduling.params import FHIR_JSON, EntityId, From, To, fhir
from functions.scheduling.wiring import scheduling

router = Router()


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
    return fhir(scheduling().slots.schedule_fhir(caller, practitioner_id, type_id, first, last))


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
