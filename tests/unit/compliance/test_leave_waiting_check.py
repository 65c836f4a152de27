"""The leave_waiting check on the fake leave requests: undecided past the policy's decision days."""

from datetime import date

from functions.compliance.checks.base import Severity
from functions.compliance.checks.leave_waiting import LeaveWaiting
from tests.fakes.compliance import FakeWaitingLeave

P = "practice-a"
TODAY = date(2026, 11, 30)


def leave_with(manager: str | None = "mgr-1") -> FakeWaitingLeave:
    leave = FakeWaitingLeave()
    leave.member(P, "nurse-1", manager)
    return leave


def test_a_request_waiting_past_the_decision_days_is_raised_for_the_manager():
    leave = leave_with()
    leave.submit(P, "L1", "nurse-1", "2026-11-24T10:00:00.000Z")  # 6 days; the policy's default is 5
    [raised] = LeaveWaiting(leave).find(P, TODAY)
    assert (raised.check, raised.key, raised.owner, raised.severity) == ("leave_waiting", "leave-L1", "user:mgr-1",
                                                                         Severity.MEDIUM)
    assert raised.due_on == date(2026, 11, 29) and raised.link == "/leave-requests/L1"


def test_a_request_within_the_decision_days_is_not_raised():
    leave = leave_with()
    leave.submit(P, "L1", "nurse-1", "2026-11-25T10:00:00.000Z")  # exactly 5 days
    assert list(LeaveWaiting(leave).find(P, TODAY)) == []


def test_the_practice_s_own_decision_days_are_used():
    leave = leave_with()
    leave.set_decision_days(P, 2)
    leave.submit(P, "L1", "nurse-1", "2026-11-27T10:00:00.000Z")
    assert [r.key for r in LeaveWaiting(leave).find(P, TODAY)] == ["leave-L1"]


def test_without_a_manager_or_once_escalated_the_coordinators_own_it():
    leave = leave_with(manager=None)
    leave.member(P, "nurse-2", "mgr-1")
    leave.submit(P, "L1", "nurse-1", "2026-11-20T10:00:00.000Z")
    leave.submit(P, "L2", "nurse-2", "2026-11-20T10:00:00.000Z")
    leave.move(P, "L2", "pending_coordinator")
    assert {r.key: r.owner for r in LeaveWaiting(leave).find(P, TODAY)} == {"leave-L1": "role:coordinator",
                                                                         "leave-L2": "role:coordinator"}


def test_twice_the_decision_days_is_high():
    leave = leave_with()
    leave.submit(P, "L1", "nurse-1", "2026-11-19T10:00:00.000Z")
    [raised] = LeaveWaiting(leave).find(P, TODAY)
    assert raised.severity == Severity.HIGH


def test_kept_while_undecided_and_cleared_once_decided():
    leave = leave_with()
    leave.submit(P, "L1", "nurse-1", "2026-11-20T10:00:00.000Z")
    check = LeaveWaiting(leave)
    assert [r.key for r in check.find(P, date(2026, 12, 1))] == [r.key for r in check.find(P, TODAY)]
    for decision in ("approved",):
        leave.move(P, "L1", decision)
    assert list(check.find(P, date(2026, 12, 1))) == []
