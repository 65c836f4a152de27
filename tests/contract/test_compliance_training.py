"""ProgrammeBook and AssignmentBook: the fakes and the DynamoDB adapters behave alike (versions, one open
assignment per member and programme, the sparse due-date list, completion once, the next round)."""

from datetime import date

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from tests.contract.compliance_training_support import PRACTICE, assignment, audit, ports, programme

DUE = date(2026, 4, 1)


@pytest.fixture(params=["fake", "dynamo"])
def books(request):
    return ports(request, ("FakeProgrammeBook", "FakeAssignmentBook"),
                 ("functions.compliance.dynamo.training.DynamoProgrammeBook",
                  "functions.compliance.dynamo.training.DynamoAssignmentBook"))


def test_programmes_are_read_back_listed_by_title_and_versioned(books):
    programmes, _ = books
    programmes.save(programme("P2", "infection control"), audit())
    programmes.save(programme("P1", "Fire safety", evidence="score", pass_mark=80), audit())
    assert programmes.programme(PRACTICE, "P1").pass_mark == 80
    assert programmes.programme(PRACTICE, "nope") is None
    assert [p.id for p in programmes.programmes(PRACTICE)] == ["P1", "P2"]
    assert programmes.programmes("another-practice") == []
    with pytest.raises(Conflict):
        programmes.save(programme("P1", "Again"), audit())
    programmes.save(programme("P1", "Fire safety 2026", version=2), audit())
    with pytest.raises(PreconditionFailed):
        programmes.save(programme("P1", "Lost update", version=2), audit())
    assert programmes.programme(PRACTICE, "P1").title == "Fire safety 2026"


def test_assign_writes_one_open_assignment_per_member_and_programme(books):
    _, assignments = books
    written = assignments.assign([assignment("A1", "nurse-1"), assignment("A2", "nurse-2")], audit())
    assert [a.id for a in written] == ["A1", "A2"]
    again = assignments.assign([assignment("A3", "nurse-1"), assignment("A4", "desk-1"),
                                assignment("A5", "nurse-2", programme_id="PROG2")], audit())
    assert [a.id for a in again] == ["A4", "A5"]
    assert assignments.assignment(PRACTICE, "A3") is None
    assert [a.id for a in assignments.of_member(PRACTICE, "nurse-2")] == ["A2", "A5"]
    assert [a.user_id for a in assignments.of_programme(PRACTICE, "PROG1")] == ["desk-1", "nurse-1", "nurse-2"]
    assert assignments.assign([], audit()) == []


def test_open_assignments_are_listed_by_due_date_and_overdue_before_today(books):
    _, assignments = books
    assignments.assign([assignment("A1", "n1", due_on=date(2026, 3, 10)), assignment("A2", "n2", due_on=DUE),
                        assignment("A3", "n3", due_on=date(2026, 3, 5))], audit())
    assert [a.id for a in assignments.due_by(PRACTICE, date(2026, 3, 10))] == ["A3", "A1"]
    assert [a.id for a in assignments.overdue(PRACTICE, date(2026, 3, 10))] == ["A3"]
    assert assignments.overdue(PRACTICE, date(2026, 3, 5)) == []
    assert assignments.due_by("another-practice", DUE) == []


def test_a_completion_takes_the_assignment_off_the_due_list_once(books):
    _, assignments = books
    assignments.assign([assignment("A1", due_on=date(2026, 3, 5))], audit())
    open_one = assignments.assignment(PRACTICE, "A1")
    done = open_one.model_copy(update={"status": "completed", "completed_on": date(2026, 3, 6), "version": 2})
    assignments.complete(done, None, audit())
    assert assignments.assignment(PRACTICE, "A1").status == "completed"
    assert assignments.due_by(PRACTICE, DUE) == [] and assignments.overdue(PRACTICE, DUE) == []
    with pytest.raises(Conflict):
        assignments.complete(done.model_copy(update={"version": 3}), None, audit())
    with pytest.raises(Conflict):
        assignments.complete(done, None, audit())
    # the member may be assigned the programme again
    assert [a.id for a in assignments.assign([assignment("A2")], audit())] == ["A2"]


def test_a_completion_with_a_next_round_hands_the_open_slot_to_it(books):
    _, assignments = books
    assignments.assign([assignment("A1", recurrence="annual")], audit())
    done = assignments.assignment(PRACTICE, "A1").model_copy(update={"status": "completed", "version": 2,
                                                                     "next_assignment_id": "A2"})
    assignments.complete(done, assignment("A2", due_on=date(2027, 3, 6), recurrence="annual"), audit())
    assert [(a.id, a.status) for a in assignments.of_member(PRACTICE, "nurse-1")] == [
        ("A1", "completed"), ("A2", "open")]
    assert [a.id for a in assignments.due_by(PRACTICE, date(2027, 12, 31))] == ["A2"]
    assert assignments.assign([assignment("A3")], audit()) == []  # A2 is the open one


def test_a_stale_completion_or_reminder_is_refused(books):
    _, assignments = books
    assignments.assign([assignment("A1")], audit())
    stored = assignments.assignment(PRACTICE, "A1")
    reminded = stored.model_copy(update={"reminded": ["due-14"], "version": 2})
    assignments.remind(reminded, audit(), [])
    assert assignments.assignment(PRACTICE, "A1").reminded == ["due-14"]
    with pytest.raises(Conflict):
        assignments.remind(reminded, audit(), [])
    with pytest.raises(Conflict):  # completed from the version before the reminder
        assignments.complete(stored.model_copy(update={"status": "completed", "version": 2}), None, audit())
    assert assignments.assignment(PRACTICE, "A1").status == "open"
