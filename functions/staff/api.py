"""HTTP routes for staff, shifts, the roster, coverage, leave and PTO: parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core import pages
from functions.core.api import IfMatch, IfNoneMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.core.dates import CalendarDate
from functions.staff import decision_pages, wiring
from functions.staff.models.leave import (
    DecisionIn,
    DecisionView,
    LeaveList,
    LeaveRequest,
    LeaveRequestIn,
    PatientsToMove,
    PtoBalance,
)
from functions.staff.models.members import (
    StaffList,
    StaffMember,
    StaffMemberIn,
    StaffMemberPatch,
    StaffPolicy,
    StaffPolicyIn,
)
from functions.staff.models.roster import (
    CoverageReport,
    CoverageRules,
    CoverageRulesIn,
    DraftIn,
    Roster,
    RosterDraft,
    Shift,
    ShiftIn,
)

router = Router()

UserIdPath = Annotated[str, Path(min_length=1, max_length=64, description="the staff member's user id (sub)")]
ShiftId = Annotated[str, Path(min_length=1, max_length=64)]
LocationPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Location = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                description="the location")]
From = Annotated[CalendarDate, Query(alias="from", description="first day, in the practice's time zone")]
To = Annotated[CalendarDate, Query(alias="to", description="last day, included")]


# --- staff members -------------------------------------------------------------------------------------

@router.post("/staff", status_code=201, summary="Add a staff member (coordinator; honours Idempotency-Key)")
def add_member(body: Annotated[StaffMemberIn, Body()]) -> Response[StaffMember]:
    member = wiring.members().add(current_caller(router), body, idempotency_key(router))
    return created(member, f"/staff/{member.user_id}")


@router.get("/staff", summary="The practice's staff (coordinator)")
def list_members() -> StaffList:
    return wiring.members().everyone(current_caller(router))


@router.get("/staff/me", summary="The caller's own staff record, found from their sign-in")
def my_record() -> Response[StaffMember]:
    return tagged(wiring.members().me(current_caller(router)))


@router.get("/staff/<user_id>", summary="A staff member (coordinator, themself, or their manager)")
def read_member(user_id: UserIdPath) -> Response[StaffMember]:
    return tagged(wiring.members().read(current_caller(router), user_id))


@router.patch("/staff/<user_id>", summary="Change a staff member (coordinator; If-Match: the ETag you read)")
def update_member(user_id: UserIdPath, body: Annotated[StaffMemberPatch, Body()],
                  if_match: IfMatch = None) -> Response[StaffMember]:
    return tagged(wiring.members().update(current_caller(router), user_id, body, precondition(if_match)))


@router.get("/staff/<user_id>/shifts", summary="A staff member's shifts (themself, or any staff)")
def member_shifts(user_id: UserIdPath, first: From, last: To) -> list[Shift]:
    return wiring.rostering().shifts_of(current_caller(router), user_id, first, last)


# --- shifts and the roster -------------------------------------------------------------------------------

@router.post("/shifts", status_code=201, summary="Put a staff member on a shift (coordinator)")
def add_shift(body: Annotated[ShiftIn, Body()]) -> Response[Shift]:
    shift = wiring.rostering().add_shift(current_caller(router), body)
    return created(shift, f"/shifts/{shift.id}")


@router.get("/shifts/<shift_id>", summary="A shift")
def read_shift(shift_id: ShiftId) -> Response[Shift]:
    return tagged(wiring.rostering().shift(current_caller(router), shift_id))


@router.delete("/shifts/<shift_id>", summary="Take a shift off the roster (coordinator; If-Match)")
def remove_shift(shift_id: ShiftId, if_match: IfMatch = None) -> Response[None]:
    wiring.rostering().remove_shift(current_caller(router), shift_id, precondition(if_match))
    return Response(status_code=204)


DraftId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/roster/drafts", status_code=201,
             summary="Ask the solver for a week's draft roster at a location (coordinator)")
def request_draft(body: Annotated[DraftIn, Body()]) -> Response[RosterDraft]:
    draft = wiring.roster_suggestions().request(current_caller(router), body)
    return created(draft, f"/roster/drafts/{draft.id}")


@router.get("/roster/drafts/<draft_id>", summary="A draft roster: solving, ready (its shifts and remaining gaps)")
def read_draft(draft_id: DraftId) -> Response[RosterDraft]:
    return tagged(wiring.roster_suggestions().draft(current_caller(router), draft_id))


@router.post("/roster/drafts/<draft_id>/publish", summary="Put a ready draft's shifts on the roster (coordinator)")
def publish_draft(draft_id: DraftId) -> Response[RosterDraft]:
    return tagged(wiring.roster_suggestions().publish(current_caller(router), draft_id))


@router.get("/roster", summary="A location's shifts, day by day (any staff)")
def roster(location: Location, first: From, last: To) -> Roster:
    return wiring.rostering().roster(current_caller(router), location, first, last)


# --- coverage ---------------------------------------------------------------------------------------------

@router.get("/coverage", summary="Every coverage gap at a location: when, which role, how many short")
def coverage_report(location: Location, first: From, last: To) -> CoverageReport:
    return wiring.coverage().report(current_caller(router), location, first, last)


@router.get("/coverage/rules/<location_id>", summary="A location's minimum coverage rules")
def coverage_rules(location_id: LocationPath) -> Response[CoverageRules]:
    rules = wiring.coverage().rules(current_caller(router), location_id)
    return tagged(rules) if rules.version else Response(status_code=200, content_type="application/json",
                                                        body=rules)


@router.put("/coverage/rules/<location_id>",
            summary="Set a location's coverage rules (If-Match, or If-None-Match: * for the first)")
def set_coverage_rules(location_id: LocationPath, body: Annotated[CoverageRulesIn, Body()],
                       if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> Response[CoverageRules]:
    return tagged(wiring.coverage().set_rules(current_caller(router), location_id, body,
                                              precondition(if_match, if_none_match, may_create=True)))




# --- leave and PTO ----------------------------------------------------------------------------------------

LeaveId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/leave-requests", status_code=201,
             summary="Ask for leave: your own, or (coordinator) anyone's; honours Idempotency-Key")
def submit_leave(body: Annotated[LeaveRequestIn, Body()]) -> Response[LeaveRequest]:
    leave = wiring.leave_requests().submit(current_caller(router), body, idempotency_key(router))
    return created(leave, f"/leave-requests/{leave.id}")


@router.get("/leave-requests", summary="Leave requests: one member's (themself, their manager) or, for the "
                                       "coordinator, all whose first day lies in the range")
def list_leave(first: From, last: To,
               user_id: Annotated[str | None, Query(min_length=1, max_length=64,
                                                    pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None) -> LeaveList:
    return wiring.leave_requests().listing(current_caller(router), user_id, first, last)


@router.get("/leave-requests/<leave_id>", summary="A leave request (its member, their manager, the coordinator)")
def read_leave(leave_id: LeaveId) -> Response[LeaveRequest]:
    return tagged(wiring.leave_requests().read(current_caller(router), leave_id))


# A leave notice's approve and reject links: no sign-in (the catalogue's public_routes; the signed token is
# the credential, and decides as the person it was sent to).
DECISION_RESPONSES = pages.link_responses("the request as the link may show it", DecisionView)


@router.get("/leave-requests/decide/<token>", summary="What a leave notice's approve or reject link would do "
                                                      "(no sign-in; no change)",
            openapi_extensions=pages.PUBLIC, responses=DECISION_RESPONSES)
def peek_decision(token: pages.LinkToken) -> Response[DecisionView | str]:
    return pages.answer(pages.accept(router), lambda: wiring.decision_links().peek(token),
                        lambda view: decision_pages.preview(view, token))


@router.post("/leave-requests/decide/<token>", summary="Approve or reject from a leave notice's signed link (no "
                                                       "sign-in; the page's form posts here)",
             openapi_extensions=pages.PUBLIC, responses=DECISION_RESPONSES)
def decide_by_link(token: pages.LinkToken) -> Response[DecisionView | str]:
    return pages.answer(pages.accept(router), lambda: wiring.decision_links().decide(token), decision_pages.done)


@router.post("/leave-requests/<leave_id>/approve", summary="Approve (the member's manager, or the coordinator)")
def approve_leave(leave_id: LeaveId, body: Annotated[DecisionIn, Body()]) -> Response[LeaveRequest]:
    return tagged(wiring.leave_requests().decide(current_caller(router), leave_id, "approve", body.reason))


@router.post("/leave-requests/<leave_id>/reject", summary="Reject (the member's manager, or the coordinator)")
def reject_leave(leave_id: LeaveId, body: Annotated[DecisionIn, Body()]) -> Response[LeaveRequest]:
    return tagged(wiring.leave_requests().decide(current_caller(router), leave_id, "reject", body.reason))


@router.post("/leave-requests/<leave_id>/withdraw",
             summary="Withdraw leave, before or after approval (the member, or the coordinator)")
def withdraw_leave(leave_id: LeaveId) -> Response[LeaveRequest]:
    return tagged(wiring.leave_requests().withdraw(current_caller(router), leave_id))


@router.get("/leave-requests/<leave_id>/moves",
            summary="The booked patients approved leave falls on who still need a new time (front desk, coordinator)")
def patients_to_move(leave_id: LeaveId) -> PatientsToMove:
    return wiring.patient_moving().worklist(current_caller(router), leave_id)


@router.get("/pto/policy", summary="How the practice counts leave and earns PTO")
def pto_policy() -> Response[StaffPolicy]:
    policy = wiring.pto().policy(current_caller(router))
    return tagged(policy) if policy.version else Response(status_code=200, content_type="application/json",
                                                          body=policy)


@router.put("/pto/policy", summary="Set the staff policy (coordinator; If-Match, or If-None-Match: * for the first)")
def set_pto_policy(body: Annotated[StaffPolicyIn, Body()], if_match: IfMatch = None,
                   if_none_match: IfNoneMatch = None) -> Response[StaffPolicy]:
    return tagged(wiring.pto().set_policy(current_caller(router), body,
                                          precondition(if_match, if_none_match, may_create=True)))


@router.get("/pto/<user_id>", summary="A member's PTO balance and ledger (themself, their manager, the coordinator)")
def pto_balance(user_id: UserIdPath) -> PtoBalance:
    return wiring.pto().balance(current_caller(router), user_id)
