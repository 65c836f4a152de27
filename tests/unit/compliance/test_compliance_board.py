"""The board on the fakes: counts by severity and owner, the 12-week trend, the filters, and who may read what."""

from datetime import timedelta

import pytest

from functions.compliance.checks.base import Raised, Severity
from functions.core.auth import Role
from functions.core.errors import Forbidden, NotFound
from tests.unit.compliance.monitoring_world import COORDINATOR, OFFICER, PRACTICE, TODAY, World, caller


class Fixed:
    name = "fixed"

    def __init__(self, *raised):
        self.raised = list(raised)

    def find(self, practice_id, today):
        return self.raised


def finding(key, owner, severity):
    return Raised(check="fixed", key=key, severity=severity, owner=owner, due_on=TODAY, title=f"{key} is late",
                  link=f"/things/{key}")


@pytest.fixture
def world() -> World:
    world = World()
    world.extra_checks.append(Fixed(finding("a", "user:nurse-1", Severity.HIGH),
                                    finding("b", "user:nurse-1", Severity.LOW),
                                    finding("c", "role:billing", Severity.CRITICAL)))
    world.run.run(PRACTICE)
    return world


def test_the_board_counts_open_findings_by_severity_and_owner(world):
    board = world.board.board(OFFICER)
    assert board.open == 3
    assert board.by_severity == {"critical": 1, "high": 1, "medium": 0, "low": 1}
    assert [(o.owner, o.open) for o in board.by_owner] == [("user:nurse-1", 2), ("role:billing", 1)]


def test_the_trend_holds_twelve_weeks_with_the_runs_weeks_filled(world):
    world.extra_checks[0].raised.pop()  # c is fixed by next week
    world.advance(7)
    world.run.run(PRACTICE)
    trend = world.board.board(COORDINATOR).trend
    assert len(trend) == 12 and trend[-1].week_of == TODAY + timedelta(days=7) - timedelta(days=TODAY.weekday())
    assert [p.open for p in trend[-2:]] == [3, 2] and trend[-1].closed == 1 and trend[0].open is None
    assert world.board.board(COORDINATOR).last_run_at.startswith((TODAY + timedelta(days=7)).isoformat())


def test_findings_list_most_severe_first_and_filter(world):
    listed = world.board.list(COORDINATOR)
    assert [f.key for f in listed.findings] == ["c", "a", "b"]
    assert [f.key for f in world.board.list(COORDINATOR, owner="user:nurse-1").findings] == ["a", "b"]
    assert [f.key for f in world.board.list(COORDINATOR, severity="critical").findings] == ["c"]
    assert world.board.list(COORDINATOR, check="licence_expiry").findings == []
    assert world.board.list(COORDINATOR, status="closed").findings == []


def test_findings_page_with_a_token_good_for_the_same_query_only(world):
    first = world.board.list(COORDINATOR, limit=2)
    second = world.board.list(COORDINATOR, limit=2, page_token=first.next_page_token)
    assert [f.key for f in first.findings + second.findings] == ["c", "a", "b"] and second.next_page_token is None
    from functions.core.errors import Invalid

    with pytest.raises(Invalid):
        world.board.list(COORDINATOR, severity="high", page_token=first.next_page_token)


def test_a_member_of_staff_sees_only_the_findings_they_own(world):
    nurse = caller(Role.STAFF, "nurse-1")
    assert [f.key for f in world.board.list(nurse).findings] == ["a", "b"]
    assert world.board.read(nurse, "fixed-a").key == "a"
    with pytest.raises(Forbidden):
        world.board.read(nurse, "fixed-c")  # the billing role's
    with pytest.raises(Forbidden):
        world.board.list(nurse, owner="role:billing")
    with pytest.raises(Forbidden):
        world.board.board(nurse)


def test_the_coordinator_and_privacy_officer_read_every_finding_a_patient_none(world):
    assert world.board.read(COORDINATOR, "fixed-c").owner == "role:billing"
    assert world.board.read(OFFICER, "fixed-a").owner == "user:nurse-1"
    with pytest.raises(NotFound):
        world.board.read(OFFICER, "fixed-zzz")
    patient = caller(Role.PATIENT, "patient-user")
    for attempt in (lambda: world.board.read(patient, "fixed-a"), lambda: world.board.list(patient),
                    lambda: world.board.board(patient)):
        with pytest.raises(Forbidden):
            attempt()


def test_only_the_coordinator_and_privacy_officer_run_the_checks_and_the_run_is_audited(world):
    summary = world.run.run_now(OFFICER)
    assert summary.practice_id == PRACTICE and world.audit.actions()[-1] == "compliance.check.run"
    with pytest.raises(Forbidden):
        world.run.run_now(caller(Role.STAFF, "nurse-1"))
