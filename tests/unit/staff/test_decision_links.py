"""Deciding leave from the notice's signed links: the manager's notice carries approve and reject links; opening
one changes nothing, its button decides once as the manager; a tampered or expired link decides nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from functions.core.errors import Conflict, Invalid
from tests.unit.staff.support import PRACTICE, Staff, coordinator, member_in
from tests.unit.staff.test_leave import days, submitted

MONDAY = datetime(2026, 3, 2).date()


@pytest.fixture
def staff():
    world = Staff()
    world.set_policy(time_zone="America/New_York", leave_unit_hours=1, auto_approve_max_hours=8)
    world.members.add(coordinator(), member_in("boss", role="manager"))
    world.members.add(coordinator(), member_in("fd", manager="boss"))
    return world


def asked(staff):
    leave, step = submitted(staff, days(MONDAY, MONDAY + timedelta(days=1)))
    assert step == {"next": "ask"}
    staff.approval.ask(PRACTICE, leave.id, "manager", "token-1")
    notice = next(e for e in staff.audit.events if e.data.get("title") == "Leave request waiting for you")
    assert notice.data["user_id"] == "boss"
    links = dict(re.findall(r"(Approve|Reject): https://api\.example/leave-requests/decide/(\S+)",
                            notice.data["details"]))
    return leave, links


def test_the_managers_notice_carries_links_that_show_the_request_and_decide_once(staff):
    leave, links = asked(staff)
    view = staff.decision_links.peek(links["Approve"])
    assert view.open and view.action == "approve" and view.member == "Member fd"
    assert staff.leave_book.request(PRACTICE, leave.id).decision is None  # opening the link changes nothing

    decided = staff.decision_links.decide(links["Approve"])
    assert decided.decision == "approve" and not decided.open
    assert staff.workflow.resumed == [("token-1", {"decision": "approve", "by": "boss"})]
    with pytest.raises(Conflict):
        staff.decision_links.decide(links["Reject"])
    assert staff.decision_links.peek(links["Reject"]).decision == "approve"


def test_a_tampered_or_expired_link_decides_nothing(staff):
    leave, links = asked(staff)
    payload, signature = links["Reject"].split(".")
    with pytest.raises(Invalid):
        staff.decision_links.decide(f"{payload}.{signature[::-1]}")
    staff.now = datetime(2026, 3, 20, tzinfo=UTC)  # after the leave ended
    with pytest.raises(Invalid):
        staff.decision_links.decide(links["Reject"])
    assert staff.leave_book.request(PRACTICE, leave.id).decision is None
