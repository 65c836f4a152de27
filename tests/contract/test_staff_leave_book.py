"""LeaveBook and PtoLedger: the fake and the DynamoDB adapter behave alike (the leave calendar serializes a
member's submissions; a ledger entry is written once)."""

import threading
from datetime import UTC, date, datetime

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.staff.models.leave import LeaveRequest, PtoEntry
from tests.contract.staff_support import AT, PRACTICE, audit, both

MONDAY = date(2026, 3, 2)


@pytest.fixture(params=["fake", "dynamo"])
def book(request):
    from functions.staff.dynamo.leave import DynamoLeaveBook
    from tests.fakes.staff import FakeLeaveBook

    return both(request, FakeLeaveBook, DynamoLeaveBook)


@pytest.fixture(params=["fake", "dynamo"])
def ledger(request):
    from functions.staff.dynamo.leave import DynamoPtoLedger
    from tests.fakes.staff import FakePtoLedger

    return both(request, FakePtoLedger, DynamoPtoLedger)


def leave(leave_id: str, user: str = "fd", day: date = MONDAY, version: int = 1, **more) -> LeaveRequest:
    values = {"status": "pending", **more}
    return LeaveRequest(practice_id=PRACTICE, id=leave_id, user_id=user, kind="vacation", unit="days",
                        first_day=day, last_day=day, starts_at=datetime(2026, 3, day.day, 5, tzinfo=UTC),
                        ends_at=datetime(2026, 3, day.day + 1, 5, tzinfo=UTC), minutes=480,
                        time_zone="America/New_York", submitted_by=user, submitted_at=AT, version=version, **values)


def test_a_submission_enters_the_members_calendar_and_both_lists(book):
    book.submit(leave("L1"), book.calendar(PRACTICE, "fd"), audit())
    book.submit(leave("L2", user="other", day=date(2026, 3, 3)), book.calendar(PRACTICE, "other"), audit())
    calendar = book.calendar(PRACTICE, "fd")
    assert calendar.version == 1 and [s[2] for s in calendar.spans] == ["L1"]
    assert calendar.spans[0][0] == datetime(2026, 3, 2, 5, tzinfo=UTC)
    assert [r.id for r in book.requests_of(PRACTICE, "fd")] == ["L1"]
    assert [r.id for r in book.requests(PRACTICE, MONDAY, date(2026, 3, 3))] == ["L1", "L2"]
    assert [r.id for r in book.requests(PRACTICE, date(2026, 3, 3), date(2026, 3, 3))] == ["L2"]
    assert book.request(PRACTICE, "L1").minutes == 480 and book.request(PRACTICE, "none") is None


def test_a_submission_made_on_a_calendar_someone_else_changed_fails(book):
    seen = book.calendar(PRACTICE, "fd")
    book.submit(leave("L1"), seen, audit())
    with pytest.raises(Conflict):
        book.submit(leave("L2", day=date(2026, 3, 3)), seen, audit())
    assert book.request(PRACTICE, "L2") is None


def test_the_task_token_is_kept_but_never_shown(book):
    book.submit(leave("L1"), book.calendar(PRACTICE, "fd"), audit())
    token = "a-task-token"  # noqa: S105 - a test token, not a secret
    book.save(leave("L1", version=2, task_token=token), audit())
    stored = book.request(PRACTICE, "L1")
    assert stored.task_token == token and "task_token" not in stored.model_dump()


def test_a_closed_request_leaves_the_calendar_and_saves_follow_versions(book):
    book.submit(leave("L1"), book.calendar(PRACTICE, "fd"), audit())
    with pytest.raises(PreconditionFailed):
        book.save(leave("L1", version=3, status="rejected"), audit())
    book.save(leave("L1", version=2, status="rejected"), audit())
    calendar = book.calendar(PRACTICE, "fd")
    assert calendar.spans == () and calendar.version == 2
    assert book.request(PRACTICE, "L1").status == "rejected"


def entry(entry_id: str, minutes: int, user: str = "fd", on: date = MONDAY) -> PtoEntry:
    return PtoEntry(user_id=user, id=entry_id, on=on, kind="accrual", minutes=minutes, at=AT)


def test_the_ledger_keeps_each_entry_once_and_a_batch_whole(ledger):
    assert ledger.append(PRACTICE, [entry("accrual-2026-03", 600)], audit()) is True
    assert ledger.append(PRACTICE, [entry("carry-over-2026", -60), entry("accrual-2026-03", 600)], audit()) is False
    assert [(e.id, e.minutes) for e in ledger.entries(PRACTICE, "fd")] == [("accrual-2026-03", 600)]
    assert ledger.entries(PRACTICE, "other") == []


def test_concurrent_appends_of_one_entry_write_it_once(ledger):
    barrier, results = threading.Barrier(5), []

    def append():
        barrier.wait()
        results.append(ledger.append(PRACTICE, [entry("accrual-2026-04", 600)], audit()))

    threads = [threading.Thread(target=append) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, False, True]
    assert len(ledger.entries(PRACTICE, "fd")) == 1


def test_a_month_is_closed_once_run(ledger):
    assert ledger.month_closed(PRACTICE, "2026-03") is False
    ledger.close_month(PRACTICE, "2026-03")
    ledger.close_month(PRACTICE, "2026-03")
    assert ledger.month_closed(PRACTICE, "2026-03") is True and ledger.month_closed(PRACTICE, "2026-04") is False


def test_an_undecided_request_is_waiting_until_decided_the_index_moving_with_the_request(book):
    book.submit(leave("L1").model_copy(update={"submitted_at": "2026-02-20T10:00:00.000Z"}),
                book.calendar(PRACTICE, "fd"), audit())
    book.submit(leave("L2", user="other").model_copy(update={"submitted_at": "2026-02-27T10:00:00.000Z"}),
                book.calendar(PRACTICE, "other"), audit())
    assert [r.id for r in book.waiting(PRACTICE, date(2026, 2, 28))] == ["L1", "L2"]
    assert [r.id for r in book.waiting(PRACTICE, date(2026, 2, 27))] == ["L1"]  # before the day, not on it
    escalated = book.request(PRACTICE, "L1").model_copy(update={"status": "pending_coordinator", "version": 2})
    book.save(escalated, audit())
    assert [r.status for r in book.waiting(PRACTICE, date(2026, 2, 28))] == ["pending_coordinator", "pending"]
    book.save(escalated.model_copy(update={"status": "approved", "version": 3}), audit())
    with pytest.raises(PreconditionFailed):  # a stale decision writes nothing: the request stays waiting
        book.save(book.request(PRACTICE, "L2").model_copy(update={"status": "rejected", "version": 5}), audit())
    assert [r.id for r in book.waiting(PRACTICE, date(2026, 2, 28))] == ["L2"]
    answered = book.request(PRACTICE, "L2").model_copy(update={"decision": "approve", "decided_by": "boss",
                                                               "decided_at": "2026-02-27T12:00:00.000Z",
                                                               "version": 2})
    book.save(answered, audit())  # the answer recorded, the workflow yet to apply it: no longer waiting on anyone
    assert book.waiting(PRACTICE, date(2026, 2, 28)) == []
