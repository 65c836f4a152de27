"""The staff area's one composition root: adapters built from core settings, use cases handed to every entry
point, each once per container (`functions.core.container.reset()` forgets them)."""

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.settings import settings as environment
from functions.core.table import Table
from functions.staff.approval import LeaveApproval
from functions.staff.coverage import Coverage
from functions.staff.decision_links import DecisionLinks, LeaveDecisionByLink
from functions.staff.dynamo.drafts import DynamoRosterDrafts
from functions.staff.dynamo.leave import DynamoLeaveBook, DynamoPtoLedger
from functions.staff.dynamo.members import DynamoStaffRecords, DynamoStaffSettings
from functions.staff.dynamo.roster import DynamoShiftBook
from functions.staff.leave import LeaveRequests
from functions.staff.leave_effects import LeaveEffects
from functions.staff.members import StaffMembers
from functions.staff.moving import PatientMoving
from functions.staff.notices import OutboxNotices
from functions.staff.pto import PtoAccounts
from functions.staff.roster import Rostering
from functions.staff.scheduling_calendar import SchedulingCalendar
from functions.staff.scheduling_moves import SchedulingMoves
from functions.staff.sign_ins import SignIns
from functions.staff.suggestion import RosterSuggestions
from functions.staff.workflow import StepFunctionsLeaveWorkflow


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def records() -> DynamoStaffRecords:
    return DynamoStaffRecords(Table(), audit())


@per_container
def settings() -> DynamoStaffSettings:
    return DynamoStaffSettings(Table(), audit())


@per_container
def shift_book() -> DynamoShiftBook:
    return DynamoShiftBook(Table(), audit())


@per_container
def members() -> StaffMembers:
    return StaffMembers(records(), settings(), audit(), clock.now)


@per_container
def sign_ins() -> SignIns:
    """The PostAuthentication trigger's one use case."""
    return SignIns(records(), audit(), clock.now)


@per_container
def rostering() -> Rostering:
    return Rostering(records(), shift_book(), audit(), clock.now)


@per_container
def coverage() -> Coverage:
    return Coverage(settings(), shift_book(), audit(), clock.now)


@per_container
def leave_book() -> DynamoLeaveBook:
    return DynamoLeaveBook(Table(), audit())


@per_container
def ledger() -> DynamoPtoLedger:
    return DynamoPtoLedger(Table(), audit())


@per_container
def practitioner_calendar() -> SchedulingCalendar:
    return SchedulingCalendar(Table(), audit())


@per_container
def leave_effects() -> LeaveEffects:
    return LeaveEffects(records(), leave_book(), ledger(), shift_book(), practitioner_calendar(), audit(), clock.now,
                        moves=SchedulingMoves())


@per_container
def leave_requests() -> LeaveRequests:
    return LeaveRequests(records(), settings(), leave_book(), StepFunctionsLeaveWorkflow(), leave_effects(), audit(),
                         clock.now)


@per_container
def pto() -> PtoAccounts:
    return PtoAccounts(records(), settings(), ledger(), audit(), clock.now)


@per_container
def links() -> DecisionLinks:
    """The leave notice's approve and reject links, signed with the page-token secret."""
    return DecisionLinks(page_token_key, environment().public_api_url)


@per_container
def leave_approval() -> LeaveApproval:
    return LeaveApproval(records(), settings(), leave_book(), ledger(), leave_effects(), practitioner_calendar(),
                         OutboxNotices(), StepFunctionsLeaveWorkflow(), audit(), clock.now, links=links())


@per_container
def decision_links() -> LeaveDecisionByLink:
    return LeaveDecisionByLink(records(), leave_book(), leave_requests(), links(), clock.now)


@per_container
def patient_moving() -> PatientMoving:
    return PatientMoving(records(), leave_book(), practitioner_calendar(), SchedulingMoves(), OutboxNotices(), audit(),
                         clock.now)


@per_container
def roster_solver():
    # imported here, not at the top: only the solver's own function ever calls this, so no API cold start
    # loads OR-Tools
    from functions.staff.solver import CpSatRosterSolver

    return CpSatRosterSolver()


@per_container
def roster_suggestions() -> RosterSuggestions:
    return RosterSuggestions(records(), settings(), shift_book(), leave_book(), DynamoRosterDrafts(Table(), audit()),
                             roster_solver, audit(), clock.now)
