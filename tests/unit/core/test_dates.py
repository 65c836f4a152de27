from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from functions.core.dates import EARLIEST, LATEST, CalendarDate, CalendarDateTime, check_range
from functions.core.errors import Invalid


class Asked(BaseModel):
    day: CalendarDate | None = None
    at: CalendarDateTime | None = None


@given(st.dates())
def test_a_date_is_taken_inside_the_calendar_and_refused_with_its_bounds_outside(day):
    if EARLIEST <= day <= LATEST:
        assert Asked(day=day).day == day
    else:
        with pytest.raises(ValidationError, match=f"between {EARLIEST} and {LATEST}"):
            Asked(day=day)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00", "1799-12-31T23:59:59Z"])
def test_a_time_off_the_calendar_is_refused_before_any_move_to_utc(text):
    with pytest.raises(ValidationError, match="between"):
        Asked(at=text)


def test_the_calendar_edges_leave_room_for_a_day_either_side():
    assert Asked(at=datetime(LATEST.year, 12, 31, 23, 59, tzinfo=UTC)).at + timedelta(days=1)
    assert EARLIEST - timedelta(days=1) and LATEST + timedelta(days=366)


@given(st.dates(), st.dates())
def test_a_range_is_taken_or_refused_as_invalid_never_an_error(first, last):
    try:
        check_range(first, last, 62)
    except Invalid as refused:
        assert refused.code in ("invalid_range", "range_too_long")
    else:
        assert EARLIEST <= first <= last <= LATEST and (last - first).days < 62


def test_a_range_counts_both_of_its_days():
    check_range(date(2026, 3, 1), date(2026, 3, 1), 1)
    with pytest.raises(Invalid, match="at most 1 days"):
        check_range(date(2026, 3, 1), date(2026, 3, 2), 1)
