"""Training on the fakes: programmes, assignment to roles and people, due dates and recurrence, completion and its
evidence, who sees whose training."""

from datetime import date, timedelta

import pytest

from functions.compliance.models.training import AssignmentIn, CompletionIn, ProgrammeIn, ProgrammePatch, UploadIn
from functions.compliance.training_records import add_months
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from tests.unit.compliance.training_support import (
    COORDINATOR,
    DESK,
    MANAGER,
    NURSE,
    NURSE_2,
    PATIENT,
    PRACTICE,
    PRIVACY_OFFICER,
    TODAY,
    World,
)

DUE = TODAY + timedelta(days=30)


@pytest.fixture
def world() -> World:
    return World()


def _open(world: World, user_id: str) -> list:
    return [a for a in world.assignment_book.of_member(PRACTICE, user_id) if a.status == "open"]


# --- programmes ---------------------------------------------------------------------------------------------

def test_a_programme_needs_its_pass_mark_with_a_score_and_months_with_every_n_months():
    with pytest.raises(ValueError, match="pass_mark"):
        ProgrammeIn(title="Fire safety", evidence="score")
    with pytest.raises(ValueError, match="every_months"):
        ProgrammeIn(title="Fire safety", recurrence="months")
    with pytest.raises(ValueError, match="every_months"):
        ProgrammeIn(title="Fire safety", recurrence="annual", every_months=6)
    assert ProgrammeIn(title="Fire safety", recurrence="months", every_months=6).months() == 6


def test_only_a_coordinator_or_privacy_officer_creates_and_changes_programmes(world):
    programme = world.programme()
    assert world.programmes.create(PRIVACY_OFFICER, ProgrammeIn(title="Security")).version == 1
    with pytest.raises(Forbidden):
        world.programmes.create(NURSE, ProgrammeIn(title="Mine"))
    with pytest.raises(Forbidden):
        world.programmes.update(NURSE, programme.id, ProgrammePatch(active=False), lambda: 1)
    assert [p.title for p in world.programmes.everything(NURSE).programmes] == ["HIPAA privacy", "Security"]


def test_a_programme_update_on_a_stale_version_is_refused(world):
    programme = world.programme()
    updated = world.programmes.update(COORDINATOR, programme.id, ProgrammePatch(title="HIPAA privacy 2026"),
                                      lambda: 1)
    assert updated.version == 2
    with pytest.raises(PreconditionFailed):
        world.programmes.update(COORDINATOR, programme.id, ProgrammePatch(active=False), lambda: 1)


# --- assignment ---------------------------------------------------------------------------------------------

def test_a_role_assignment_becomes_one_assignment_per_active_member_with_the_role(world):
    programme = world.programme()
    result = world.assign(programme.id, DUE, roles=["nurse"])
    assert sorted(a.user_id for a in result.assigned) == ["nurse-1", "nurse-2"]  # not the inactive gone-1
    assert all(a.due_on == DUE and a.status == "open" and a.programme_title == "HIPAA privacy"
               for a in result.assigned)


def test_assigning_again_changes_nothing_for_members_who_have_it_open(world):
    programme = world.programme()
    world.assign(programme.id, DUE, roles=["nurse"])
    entries = len(world.audit.entries)
    again = world.assign(programme.id, DUE + timedelta(days=5), roles=["nurse", "front_desk"], user_ids=["nurse-1"])
    assert [a.user_id for a in again.assigned] == ["desk-1"]
    assert again.already_open == ["nurse-1", "nurse-2"]
    assert [a.due_on for a in _open(world, "nurse-1")] == [DUE]  # the first due date stands
    assert len(world.audit.entries) == entries + 1
    repeat = world.assign(programme.id, DUE, roles=["nurse", "front_desk"])
    assert repeat.assigned == [] and len(world.audit.entries) == entries + 1


def test_assigning_to_someone_not_on_staff_or_inactive_is_refused_whole(world):
    programme = world.programme()
    with pytest.raises(Invalid) as refused:
        world.assign(programme.id, DUE, user_ids=["nurse-1", "stranger", "gone-1"])
    assert refused.value.details == {"user_ids": ["gone-1", "stranger"]}
    assert world.assignment_book.stored == {}


def test_a_due_date_in_the_past_or_an_inactive_programme_takes_no_assignment(world):
    programme = world.programme()
    with pytest.raises(Invalid, match="past"):
        world.assign(programme.id, TODAY - timedelta(days=1), roles=["nurse"])
    world.programmes.update(COORDINATOR, programme.id, ProgrammePatch(active=False), lambda: 1)
    with pytest.raises(Invalid, match="inactive"):
        world.assign(programme.id, DUE, roles=["nurse"])
    with pytest.raises(ValueError, match="at least one"):
        AssignmentIn(due_on=DUE)


def test_only_a_coordinator_or_privacy_officer_assigns(world):
    programme = world.programme()
    with pytest.raises(Forbidden):
        world.programmes.assign(MANAGER, programme.id, AssignmentIn(roles=["nurse"], due_on=DUE))


# --- completion and evidence --------------------------------------------------------------------------------

def _assignment(world: World, user: str = "nurse-1", **rules):
    programme = world.programme(**rules)
    world.assign(programme.id, DUE, user_ids=[user])
    return _open(world, user)[0]


def test_a_programme_without_evidence_completes_on_the_word_of_the_member(world):
    assignment = _assignment(world)
    done = world.records.complete(NURSE, assignment.id, CompletionIn())
    assert done.assignment.status == "completed" and done.assignment.completed_on == TODAY
    assert done.assignment.completed_by == "nurse-1" and done.next_assignment is None
    assert world.assignment_book.due_by(PRACTICE, DUE) == []  # off the due list
    assert "compliance.assignment.complete" in world.audit.actions()


def test_a_note_programme_needs_a_note(world):
    assignment = _assignment(world, evidence="note")
    with pytest.raises(Invalid, match="needs a note"):
        world.records.complete(NURSE, assignment.id, CompletionIn())
    done = world.records.complete(NURSE, assignment.id, CompletionIn(note="Attended the March session"))
    assert done.assignment.evidence.note == "Attended the March session"


def test_a_score_below_the_pass_mark_completes_nothing(world):
    assignment = _assignment(world, evidence="score", pass_mark=80)
    with pytest.raises(Invalid) as low:
        world.records.complete(NURSE, assignment.id, CompletionIn(score=79))
    assert low.value.code == "below_pass_mark"
    with pytest.raises(Invalid, match="needs a score"):
        world.records.complete(NURSE, assignment.id, CompletionIn(note="done"))
    assert _open(world, "nurse-1")[0].version == 1
    done = world.records.complete(NURSE, assignment.id, CompletionIn(score=80))
    assert done.assignment.evidence.score == 80


def test_evidence_the_programme_does_not_ask_for_is_refused(world):
    assignment = _assignment(world, evidence="note")
    with pytest.raises(Invalid) as extra:
        world.records.complete(NURSE, assignment.id, CompletionIn(note="x", score=90))
    assert extra.value.code == "unexpected_evidence"


def test_a_certificate_must_be_uploaded_before_the_completion_is_accepted(world):
    assignment = _assignment(world, evidence="certificate")
    upload = world.records.upload(NURSE, assignment.id, UploadIn(content_type="application/pdf"))
    assert upload.headers == {"Content-Type": "application/pdf"} and upload.max_bytes == 10 * 1024 * 1024
    with pytest.raises(Invalid) as missing:
        world.records.complete(NURSE, assignment.id, CompletionIn(upload_id=upload.upload_id))
    assert missing.value.code == "certificate_missing"
    with pytest.raises(Invalid, match="needs a certificate"):
        world.records.complete(NURSE, assignment.id, CompletionIn())
    world.evidence.put(PRACTICE, assignment.id, upload.upload_id, size=0)
    with pytest.raises(Invalid, match="1 byte"):
        world.records.complete(NURSE, assignment.id, CompletionIn(upload_id=upload.upload_id))
    world.evidence.put(PRACTICE, assignment.id, upload.upload_id, size=52_000)
    done = world.records.complete(NURSE, assignment.id, CompletionIn(upload_id=upload.upload_id))
    assert done.assignment.evidence.model_dump(exclude_none=True) == {
        "kind": "certificate", "upload_id": upload.upload_id, "content_type": "application/pdf", "bytes": 52_000}


def test_an_upload_of_another_assignment_does_not_count(world):
    first = _assignment(world, evidence="certificate")
    programme = world.programme("Fire safety", evidence="certificate")
    world.assign(programme.id, DUE, user_ids=["nurse-1"])
    second = next(a for a in _open(world, "nurse-1") if a.id != first.id)
    upload = world.records.upload(NURSE, first.id, UploadIn(content_type="image/png"))
    world.evidence.put(PRACTICE, first.id, upload.upload_id, "image/png")
    with pytest.raises(Invalid, match="no certificate"):
        world.records.complete(NURSE, second.id, CompletionIn(upload_id=upload.upload_id))


def test_no_upload_for_a_programme_that_needs_no_certificate(world):
    assignment = _assignment(world, evidence="note")
    with pytest.raises(Invalid, match="no certificate"):
        world.records.upload(NURSE, assignment.id, UploadIn(content_type="application/pdf"))
    assert world.evidence.tickets == []


def test_only_the_member_or_a_coordinator_completes_and_only_once(world):
    assignment = _assignment(world)
    with pytest.raises(Forbidden):
        world.records.complete(NURSE_2, assignment.id, CompletionIn())
    with pytest.raises(Forbidden):
        world.records.complete(MANAGER, assignment.id, CompletionIn())  # a manager reads, does not complete
    world.records.complete(COORDINATOR, assignment.id, CompletionIn(completed_on=TODAY - timedelta(days=2)))
    with pytest.raises(Conflict) as again:
        world.records.complete(NURSE, assignment.id, CompletionIn())
    assert again.value.code == "already_completed"


def test_a_completion_in_the_future_is_refused(world):
    assignment = _assignment(world)
    with pytest.raises(Invalid, match="future"):
        world.records.complete(NURSE, assignment.id, CompletionIn(completed_on=TODAY + timedelta(days=1)))


def test_completing_a_recurring_programme_opens_the_next_round_from_the_completion_day(world):
    assignment = _assignment(world, recurrence="annual")
    done = world.records.complete(NURSE, assignment.id, CompletionIn(completed_on=date(2026, 2, 28)))
    following = done.next_assignment
    assert following.due_on == date(2027, 2, 28) and following.status == "open"
    assert done.assignment.next_assignment_id == following.id
    assert [a.id for a in _open(world, "nurse-1")] == [following.id]
    # the next round is the member's one open assignment of the programme: assigning again adds nothing
    assert world.assign(assignment.programme_id, DUE, user_ids=["nurse-1"]).already_open == ["nurse-1"]


def test_every_n_months_counts_months_and_keeps_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 15), 6) == date(2026, 9, 15)


def test_a_six_monthly_programme_is_due_again_six_months_on(world):
    assignment = _assignment(world, recurrence="months", every_months=6)
    done = world.records.complete(NURSE, assignment.id, CompletionIn())
    assert done.next_assignment.due_on == add_months(TODAY, 6)


def test_a_completed_one_off_programme_can_be_assigned_again(world):
    assignment = _assignment(world)
    world.records.complete(NURSE, assignment.id, CompletionIn())
    assert [a.user_id for a in world.assign(assignment.programme_id, DUE, user_ids=["nurse-1"]).assigned] == [
        "nurse-1"]


# --- who sees whose training ---------------------------------------------------------------------------------

def test_a_member_sees_their_own_assignments_and_no_one_elses(world):
    programme = world.programme()
    world.assign(programme.id, DUE, roles=["nurse"])
    mine = world.records.of_member(NURSE, None).assignments
    assert [a.user_id for a in mine] == ["nurse-1"]
    with pytest.raises(Forbidden):
        world.records.of_member(NURSE, "nurse-2")
    with pytest.raises(Forbidden):
        world.records.assignment(NURSE, _open(world, "nurse-2")[0].id)
    with pytest.raises(Forbidden):
        world.records.of_member(DESK, "nurse-1")


def test_a_manager_sees_only_their_direct_reports_training(world):
    programme = world.programme()
    world.assign(programme.id, DUE, roles=["nurse", "front_desk"])
    team = world.records.team(MANAGER)
    assert [(m.user_id, [a.user_id for a in m.assignments]) for m in team.members] == [
        ("nurse-1", ["nurse-1"]), ("nurse-2", ["nurse-2"])]  # not desk-1 (the coordinator's), not gone-1
    assert world.records.of_member(MANAGER, "nurse-2").assignments[0].user_id == "nurse-2"
    assert world.records.assignment(MANAGER, _open(world, "nurse-1")[0].id).user_id == "nurse-1"
    with pytest.raises(Forbidden):
        world.records.of_member(MANAGER, "desk-1")
    assert world.records.team(NURSE).members == []


def test_a_coordinator_and_privacy_officer_read_anyones_training(world):
    programme = world.programme()
    world.assign(programme.id, DUE, roles=["nurse"])
    assert len(world.records.of_member(PRIVACY_OFFICER, "nurse-2").assignments) == 1
    assert len(world.programmes.assignments_of(COORDINATOR, programme.id).assignments) == 2
    with pytest.raises(Forbidden):
        world.programmes.assignments_of(MANAGER, programme.id)


def test_a_patient_reaches_no_training(world):
    programme = world.programme()
    world.assign(programme.id, DUE, roles=["nurse"])
    for look in (lambda: world.records.of_member(PATIENT, None), lambda: world.records.team(PATIENT),
                 lambda: world.records.assignment(PATIENT, "01HZZZZZZZZZZZZZZZZZZZZZZZ"),
                 lambda: world.programmes.everything(PATIENT)):
        with pytest.raises(Forbidden):
            look()


def test_an_unknown_assignment_is_404(world):
    with pytest.raises(NotFound):
        world.records.assignment(COORDINATOR, "01HZZZZZZZZZZZZZZZZZZZZZZZ")
