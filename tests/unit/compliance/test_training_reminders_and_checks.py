"""Reminders (14 and 3 days before, weekly when late, each stage once) and the two checks (raise, keep, clear)."""

from datetime import date, timedelta

import pytest

from functions.compliance.checks.base import Severity
from functions.compliance.checks.training_overdue import TrainingOverdue
from functions.compliance.checks.unsigned_policies import PolicyUnsigned
from functions.compliance.models.policies import AcknowledgementIn
from functions.compliance.models.training import CompletionIn
from functions.compliance.reminders import stage
from tests.unit.compliance.training_support import NURSE, NURSE_2, PRACTICE, TODAY, World


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize(("days", "expected"), [
    (30, None), (15, None), (14, "due-14"), (4, "due-14"), (3, "due-3"), (0, "due-3"),
    (-1, "overdue-0"), (-7, "overdue-0"), (-8, "overdue-1"), (-14, "overdue-1"), (-15, "overdue-2")])
def test_the_reminder_stage_of_a_due_date(days, expected):
    assert stage(TODAY + timedelta(days=days), TODAY) == expected


def _day(world: World, day: date) -> None:
    world.clock.at = world.clock.at.replace(year=day.year, month=day.month, day=day.day)


def test_training_reminders_go_once_per_stage_then_weekly_when_late(world):
    programme = world.programme()
    due = TODAY + timedelta(days=20)
    world.assign(programme.id, due, user_ids=["nurse-1"])
    sent_by_day = {}
    for offset in range(0, 36):
        _day(world, TODAY + timedelta(days=offset))
        before = len(world.notices())
        world.remind()
        world.remind()  # a second run the same day sends nothing
        if len(world.notices()) > before:
            sent_by_day[offset] = [key.rsplit("-", 2)[-2] + "-" + key.rsplit("-", 1)[-1]
                                   for _, key in world.notices()[before:]]
    # due on day 20: 14 days before on day 6, 3 days before on day 17, late on days 21, 28 and 35
    assert sent_by_day == {6: ["due-14"], 17: ["due-3"], 21: ["overdue-0"], 28: ["overdue-1"], 35: ["overdue-2"]}
    assert {user for user, _ in world.notices()} == {"nurse-1"}


def test_an_assignment_due_in_two_days_is_reminded_once_not_for_every_stage_it_skipped(world):
    programme = world.programme()
    world.assign(programme.id, TODAY + timedelta(days=2), user_ids=["nurse-1"])
    run = world.remind()
    assert run.training == 1 and [k for _, k in world.notices()] == [
        f"compliance-training-{world.assignment_book.of_member(PRACTICE, 'nurse-1')[0].id}-due-3"]


def test_a_completed_assignment_is_not_reminded(world):
    programme = world.programme()
    world.assign(programme.id, TODAY + timedelta(days=1), user_ids=["nurse-1"])
    world.records.complete(NURSE, world.assignment_book.of_member(PRACTICE, "nurse-1")[0].id, CompletionIn())
    assert world.remind().training == 0 and world.notices() == []


def test_policy_signers_are_reminded_once_per_stage_and_not_after_signing(world):
    policy = world.policy(days=3)
    run = world.remind()
    assert run.policies == 2 and sorted(u for u, _ in world.notices()) == ["nurse-1", "nurse-2"]
    assert world.remind().policies == 0
    world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    _day(world, TODAY + timedelta(days=4))
    assert world.remind().policies == 1 and world.notices()[-1][0] == "nurse-2"


# --- the checks ------------------------------------------------------------------------------------------------

def test_training_overdue_raises_keeps_and_clears(world):
    check = TrainingOverdue(world.assignment_book)
    programme = world.programme("Infection control")
    due = TODAY + timedelta(days=3)
    world.assign(programme.id, due, roles=["nurse"])
    assert list(check.find(PRACTICE, due)) == []  # due today is not yet late
    late = list(check.find(PRACTICE, due + timedelta(days=1)))
    assert sorted(r.owner for r in late) == ["user:nurse-1", "user:nurse-2"]
    first = next(r for r in late if r.owner == "user:nurse-1")
    assignment = world.assignment_book.of_member(PRACTICE, "nurse-1")[0]
    assert first.check == "training_overdue" and first.key == f"asg-{assignment.id}" and len(first.key) <= 40
    assert first.severity == Severity.MEDIUM and first.due_on == due
    assert first.link == f"/training/assignments/{assignment.id}" and "Infection control" in first.title
    kept = list(check.find(PRACTICE, due + timedelta(days=31)))
    assert {r.key for r in kept} == {r.key for r in late} and {r.severity for r in kept} == {Severity.HIGH}
    world.records.complete(NURSE, assignment.id, CompletionIn())
    assert [r.owner for r in check.find(PRACTICE, due + timedelta(days=31))] == ["user:nurse-2"]


def test_policy_unsigned_raises_keeps_and_clears(world):
    check = PolicyUnsigned(world.acknowledgement_book)
    policy = world.policy(days=5)
    sign_by = TODAY + timedelta(days=5)
    assert list(check.find(PRACTICE, sign_by)) == []
    raised = list(check.find(PRACTICE, sign_by + timedelta(days=1)))
    assert sorted(r.owner for r in raised) == ["user:nurse-1", "user:nurse-2"]
    assert all(r.check == "policy_unsigned" and len(r.key) <= 40 and r.key.replace("-", "").isalnum()
               and r.link.startswith(f"/policies/{policy.id}/acknowledgements/") for r in raised)
    again = list(check.find(PRACTICE, sign_by + timedelta(days=2)))
    assert [r.key for r in again] == [r.key for r in raised]  # the same findings, kept
    world.policies.acknowledge(NURSE_2, policy.id, AcknowledgementIn(number=1))
    assert [r.owner for r in check.find(PRACTICE, sign_by + timedelta(days=2))] == ["user:nurse-1"]
    world.publish(policy.id, days=30)  # a new version supersedes the old request: its finding clears
    assert list(check.find(PRACTICE, sign_by + timedelta(days=2))) == []
