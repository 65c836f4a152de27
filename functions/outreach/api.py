"""HTTP routes for workshops, registrations, attendance and survey results (signed in): parse, call one use
case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import IfMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.outreach import wiring
from functions.outreach.models.registrations import (
    Attendance,
    AttendanceIn,
    Registration,
    RegistrationIn,
    RegistrationList,
)
from functions.outreach.models.surveys import SurveyResults
from functions.outreach.models.workshops import Workshop, WorkshopIn, WorkshopList, WorkshopPatch, WorkshopStatus

router = Router()

WorkshopId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
RegistrationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
SessionId = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]{1,80}$",
                                description="a workshop's session: <workshop id>-<n>")]
PageToken = Annotated[str | None, Query(max_length=64, description="next_page from the previous page")]
Limit = Annotated[int, Query(ge=1, le=100)]
Status = Annotated[WorkshopStatus | None, Query(description="only workshops in this status (staff)")]
PatientId = Annotated[str | None, Query(min_length=1, max_length=64, description="whose (staff); a patient: own")]


# --- workshops -----------------------------------------------------------------------------------------------

@router.post("/workshops", status_code=201,
             summary="Write a workshop, a draft until published (staff; honours Idempotency-Key)")
def create_workshop(body: Annotated[WorkshopIn, Body()]) -> Response[Workshop]:
    workshop = wiring.workshops().create(current_caller(router), body, idempotency_key(router))
    return created(workshop, f"/workshops/{workshop.id}")


@router.get("/workshops", summary="Workshops: staff, every one (of a status); a patient, the published ones "
                                  "meant for them")
def list_workshops(status: Status = None, page_token: PageToken = None, limit: Limit = 25) -> WorkshopList:
    return wiring.workshops().list(current_caller(router), status, page_token, limit)


@router.get("/workshops/<workshop_id>", summary="A workshop (a patient: a published one meant for them)")
def read_workshop(workshop_id: WorkshopId) -> Response[Workshop]:
    return tagged(wiring.workshops().read(current_caller(router), workshop_id))


@router.patch("/workshops/<workshop_id>", summary="Change a workshop (staff; If-Match: the ETag you read)")
def update_workshop(workshop_id: WorkshopId, body: Annotated[WorkshopPatch, Body()],
                    if_match: IfMatch = None) -> Response[Workshop]:
    return tagged(wiring.workshops().update(current_caller(router), workshop_id, body, precondition(if_match)))


@router.post("/workshops/<workshop_id>/publish", summary="Open it for registration and start its promotion "
                                                         "(staff; If-Match)")
def publish_workshop(workshop_id: WorkshopId, if_match: IfMatch = None) -> Response[Workshop]:
    return tagged(wiring.workshops().publish(current_caller(router), workshop_id, precondition(if_match)))


@router.post("/workshops/<workshop_id>/unpublish", summary="Withdraw it from offer: the promotion stops and the "
                                                           "registered are told (staff; If-Match)")
def unpublish_workshop(workshop_id: WorkshopId, if_match: IfMatch = None) -> Response[Workshop]:
    return tagged(wiring.workshops().unpublish(current_caller(router), workshop_id, precondition(if_match)))


@router.post("/workshops/<workshop_id>/cancel", summary="Cancel it for good: the promotion stops and the "
                                                        "registered are told (staff; If-Match)")
def cancel_workshop(workshop_id: WorkshopId, if_match: IfMatch = None) -> Response[Workshop]:
    return tagged(wiring.workshops().cancel(current_caller(router), workshop_id, precondition(if_match)))


@router.get("/workshops/<workshop_id>/registrations", summary="A workshop's registrations (staff)")
def workshop_registrations(workshop_id: WorkshopId, page_token: PageToken = None,
                           limit: Limit = 100) -> RegistrationList:
    return wiring.registrations().roster(current_caller(router), workshop_id, page_token, limit)


@router.get("/workshops/<workshop_id>/survey-results", summary="The follow-up survey's results: answers, mean "
                                                               "rating, share who would come again (staff)")
def survey_results(workshop_id: WorkshopId) -> SurveyResults:
    return wiring.surveys().results(current_caller(router), workshop_id)


# --- registrations -------------------------------------------------------------------------------------------

@router.post("/registrations", status_code=201,
             summary="Register for a published workshop: a patient themself, staff a patient "
                     "they name; a place, or the waitlist when full (honours Idempotency-Key)")
def register(body: Annotated[RegistrationIn, Body()]) -> Response[Registration]:
    registration = wiring.registrations().register(current_caller(router), body, idempotency_key(router))
    return created(registration, f"/registrations/{registration.id}")


@router.get("/registrations", summary="A patient's registrations (a patient: their own)")
def list_registrations(patient_id: PatientId = None) -> RegistrationList:
    return wiring.registrations().of_patient(current_caller(router), patient_id)


@router.get("/registrations/<registration_id>", summary="A registration (a patient: their own)")
def read_registration(registration_id: RegistrationId) -> Response[Registration]:
    return tagged(wiring.registrations().read(current_caller(router), registration_id))


@router.post("/registrations/<registration_id>/cancel", summary="Cancel a registration: its place goes to the "
                                                                "first on the waitlist (If-Match)")
def cancel_registration(registration_id: RegistrationId, if_match: IfMatch = None) -> Response[Registration]:
    return tagged(wiring.registrations().cancel(current_caller(router), registration_id, precondition(if_match)))


# --- attendance ----------------------------------------------------------------------------------------------

@router.get("/sessions/<session_id>/attendance", summary="A session's attendance sheet (staff)")
def attendance_sheet(session_id: SessionId) -> Attendance:
    return wiring.attendance().sheet(current_caller(router), session_id)


@router.post("/sessions/<session_id>/attendance", summary="Mark who came to a session, or correct it (the "
                                                         "facilitator, or a coordinator)")
def take_attendance(session_id: SessionId, body: Annotated[AttendanceIn, Body()]) -> Attendance:
    return wiring.attendance().take(current_caller(router), session_id, body)
