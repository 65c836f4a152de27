"""Deciding leave from the notice's signed links, without signing in: the approve and reject links name the
practice, the request, the person asked and the answer; a GET shows the request (mail scanners open links),
only the page's button decides, as that person, through the same rules as the API."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.core import tenancy
from functions.core.auth import Caller, Role
from functions.core.errors import Invalid, NotFound
from functions.core.signed import SignedTokens
from functions.staff.leave import LeaveRequests
from functions.staff.models.common import JobRole
from functions.staff.models.leave import DECIDABLE, DecisionView, LeaveRequest
from functions.staff.ports import LeaveBook, StaffRecords

DECISIONS = ("approve", "reject")
VALID_FOR = timedelta(days=14)


@dataclass(frozen=True)
class DecisionLink:
    practice_id: str
    leave_id: str
    user_id: str  # who was asked: the link decides as them
    decision: str
    expires: int  # unix seconds


class DecisionLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str = "") -> None:
        self._tokens = SignedTokens(secret, "practiceflow.staff.leave-decision")
        self.base_url = base_url.rstrip("/")

    def link(self, practice_id: str, leave: LeaveRequest, user_id: str, decision: str, now: datetime) -> str:
        """Valid for two weeks, and never after the leave has ended."""
        expires = int(min(now + VALID_FOR, leave.ends_at).timestamp())
        token = self._tokens.sign([practice_id, leave.id, user_id, decision, expires])
        return f"{self.base_url}/leave-requests/decide/{token}"

    def verify(self, token: str, now: datetime) -> DecisionLink:
        values = self._tokens.open(token)
        if (values is None or len(values) != 5 or values[3] not in DECISIONS
                or not isinstance(values[4], int)):
            raise Invalid("this link is not valid", code="invalid_decision_link")
        if now.timestamp() > values[4]:
            raise Invalid("this link has expired; sign in to decide", code="decision_link_expired")
        tenancy.bind(str(values[0]))  # the signed link is the credential: it names the practice acted for
        return DecisionLink(*(str(v) for v in values[:4]), values[4])


class LeaveDecisionByLink:
    def __init__(self, records: StaffRecords, book: LeaveBook, requests: LeaveRequests, links: DecisionLinks | None,
                 now: Callable[[], datetime]) -> None:
        self.records, self.book, self.requests, self.links, self.now = records, book, requests, links, now

    def peek(self, token: str) -> DecisionView:
        link = self._link(token)
        return self._view(link, self._leave(link))

    def decide(self, token: str) -> DecisionView:
        """As the person asked, through LeaveRequests.decide: their manager's or coordinator's right is checked
        again, and an answer already given is a 409."""
        link = self._link(token)
        asked = self.records.member(link.practice_id, link.user_id)
        if asked is None or not asked.active:
            raise NotFound("no such staff member", code="unknown_member")
        role = Role.COORDINATOR if asked.role == JobRole.COORDINATOR else Role.STAFF
        caller = Caller(user_id=asked.user_id, practice_id=link.practice_id, roles=frozenset({role}),
                        request_id="decision-link")
        return self._view(link, self.requests.decide(caller, link.leave_id, link.decision, None))

    def _link(self, token: str) -> DecisionLink:
        if self.links is None:
            raise NotFound("no such route", code="no_route")
        return self.links.verify(token, self.now())

    def _leave(self, link: DecisionLink) -> LeaveRequest:
        leave = self.book.request(link.practice_id, link.leave_id)
        if leave is None:
            raise NotFound("no such leave request")
        return leave

    def _view(self, link: DecisionLink, leave: LeaveRequest) -> DecisionView:
        member = self.records.member(link.practice_id, leave.user_id)
        return DecisionView(action=link.decision, member=member.name if member else leave.user_id, kind=leave.kind,
                            first_day=leave.first_day, last_day=leave.last_day, hours=leave.hours,
                            status=leave.status, decision=leave.decision, open=leave.status in DECIDABLE
                            and leave.decision is None)
