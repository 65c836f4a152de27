"""ShiftBook: the fake and the DynamoDB adapter behave alike (a member's day serializes changes to it)."""

from datetime import date

import pytest

from functions.core.errors import Conflict
from functions.staff.models.roster import StaffDay
from tests.contract.staff_support import PRACTICE, audit, both, shift

MONDAY, TUESDAY = date(2026, 3, 2), date(2026, 3, 3)


@pytest.fixture(params=["fake", "dynamo"])
def book(request):
    from functions.staff.dynamo.roster import DynamoShiftBook
    from tests.fakes.staff import FakeShiftBook

    return both(request, FakeShiftBook, DynamoShiftBook)


def add(book, *shifts):
    by_day = {}
    for s in shifts:
        by_day.setdefault((s.user_id, s.date), []).append(s)
    days = []
    for (user, on), new in by_day.items():
        day = book.day(PRACTICE, user, on)
        days.append(StaffDay(user_id=user, date=on, shifts=[*day.shifts, *new], version=day.version + 1))
    book.change(list(shifts), [], days, audit())


def test_shifts_are_found_by_location_by_member_and_by_id(book):
    add(book, shift("s2", start="12:00", end="16:00"), shift("s1", start="08:00", end="12:00"),
        shift("s3", user_id="fd-2", on=TUESDAY, location_id="north"))
    assert [s.id for s in book.at_location(PRACTICE, "main", MONDAY, TUESDAY)] == ["s1", "s2"]
    assert [s.id for s in book.at_location(PRACTICE, "north", MONDAY, MONDAY)] == []
    assert [s.id for s in book.of_member(PRACTICE, "fd-2", MONDAY, TUESDAY)] == ["s3"]
    assert book.shift(PRACTICE, "s3").location_id == "north" and book.shift(PRACTICE, "nope") is None
    day = book.day(PRACTICE, "fd-1", MONDAY)
    assert (day.version, sorted(s.id for s in day.shifts)) == (1, ["s1", "s2"])
    assert book.day(PRACTICE, "fd-1", TUESDAY).version == 0


def test_a_change_made_on_a_day_someone_else_changed_fails_whole(book):
    add(book, shift("s1"))
    stale_day = StaffDay(user_id="fd-1", date=MONDAY, shifts=[], version=1)  # read before s1: version 0
    with pytest.raises(Conflict):
        book.change([shift("s9", start="17:00", end="18:00")], [], [stale_day], audit())
    assert book.shift(PRACTICE, "s9") is None


def test_a_removal_takes_the_shift_off_both_lists(book):
    add(book, shift("s1"))
    day = book.day(PRACTICE, "fd-1", MONDAY)
    book.change([], [book.shift(PRACTICE, "s1")], [day.model_copy(update={"shifts": [], "version": 2})], audit())
    assert book.shift(PRACTICE, "s1") is None and book.at_location(PRACTICE, "main", MONDAY, MONDAY) == []
    assert book.day(PRACTICE, "fd-1", MONDAY).shifts == []


def test_a_shift_update_follows_its_version(book):
    add(book, shift("s1"))
    released = shift("s1", version=2).model_copy(update={"status": "on_leave", "leave_id": "L1"})
    day = book.day(PRACTICE, "fd-1", MONDAY)
    book.change([released], [], [day.model_copy(update={"shifts": [released], "version": 2})], audit())
    assert book.shift(PRACTICE, "s1").status == "on_leave"
    with pytest.raises(Conflict):
        book.change([released], [], [], audit())  # version 2 again: stale
