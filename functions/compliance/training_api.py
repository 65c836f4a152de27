"""HTTP routes for staff training: programmes and their assignments, a member's and a manager's views, the
certificate upload and completion. Parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.compliance import wiring
from functions.compliance.models.training import (
    Assignment,
    AssignmentIn,
    AssignmentList,
    AssignmentResult,
    Completion,
    CompletionIn,
    Programme,
    ProgrammeIn,
    ProgrammeList,
    ProgrammePatch,
    TeamView,
    Upload,
    UploadIn,
)
from functions.core.api import IfMatch, created, current_caller, precondition, tagged

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
MemberId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                       description="the member whose assignments to list; yourself when left out")]


@router.post("/training/programmes", status_code=201, summary="Create a training programme (coordinator, privacy "
                                                              "officer)")
def create_programme(body: Annotated[ProgrammeIn, Body()]) -> Response[Programme]:
    programme = wiring.programmes().create(current_caller(router), body)
    return created(programme, f"/training/programmes/{programme.id}")


@router.get("/training/programmes", summary="The practice's training programmes, by title")
def list_programmes() -> ProgrammeList:
    return wiring.programmes().everything(current_caller(router))


@router.get("/training/programmes/<programme_id>", summary="A training programme")
def read_programme(programme_id: EntityId) -> Response[Programme]:
    return tagged(wiring.programmes().read(current_caller(router), programme_id))


@router.patch("/training/programmes/<programme_id>",
              summary="Rename, describe, recategorise or retire a programme (coordinator; If-Match)")
def update_programme(programme_id: EntityId, body: Annotated[ProgrammePatch, Body()],
                     if_match: IfMatch = None) -> Response[Programme]:
    return tagged(wiring.programmes().update(current_caller(router), programme_id, body, precondition(if_match)))


@router.post("/training/programmes/<programme_id>/assignments",
             summary="Assign a programme to job roles or people by a due date; members who have it open already "
                     "are left as they are")
def assign(programme_id: EntityId, body: Annotated[AssignmentIn, Body()]) -> AssignmentResult:
    return wiring.programmes().assign(current_caller(router), programme_id, body)


@router.get("/training/programmes/<programme_id>/assignments", summary="Everyone's assignments of a programme")
def programme_assignments(programme_id: EntityId) -> AssignmentList:
    return wiring.programmes().assignments_of(current_caller(router), programme_id)


@router.get("/training/assignments", summary="A member's assignments (your own unless you name another: their "
                                             "manager, a coordinator or the privacy officer)")
def member_assignments(user_id: MemberId = None) -> AssignmentList:
    return wiring.training_records().of_member(current_caller(router), user_id)


@router.get("/training/team", summary="Your direct reports' training (a manager's view)")
def team() -> TeamView:
    return wiring.training_records().team(current_caller(router))


@router.get("/training/assignments/<assignment_id>", summary="One assignment")
def read_assignment(assignment_id: EntityId) -> Response[Assignment]:
    return tagged(wiring.training_records().assignment(current_caller(router), assignment_id))


@router.post("/training/assignments/<assignment_id>/uploads",
             summary="A presigned upload for the assignment's certificate: PUT the file there, then complete")
def upload_certificate(assignment_id: EntityId, body: Annotated[UploadIn, Body()]) -> Upload:
    return wiring.training_records().upload(current_caller(router), assignment_id, body)


@router.post("/training/assignments/<assignment_id>/completion",
             summary="Complete an assignment with the evidence its programme asks for (the member, or a coordinator)")
def complete(assignment_id: EntityId, body: Annotated[CompletionIn, Body()]) -> Completion:
    return wiring.training_records().complete(current_caller(router), assignment_id, body)
