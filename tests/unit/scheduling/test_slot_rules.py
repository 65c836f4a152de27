"""The slot algorithm, pure: time zones and DST change days, buffers, exceptions, rooms, and the order that
fills gaps in started days and spreads load. Property tests check the rules hold for any bookings."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.scheduling import slot_rules as slots
from functions.scheduling.slot_rules import Calendar, Interval, Need, WeeklyWindow, granules

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MINUTES = timedelta(minutes=1)
# 09:00-17:00 every day of the week
NINE_TO_FIVE = [WeeklyWindow(day, 9 * 60, 17 * 60) for day in range(7)]
HALF_HOUR = Need(30 * MINUTES)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day_window(day: date, zone=NEW_YORK) -> Interval:
    return Interval(slots.local_instant(day, 0, zone), slots.local_instant(day + timedelta(days=1), 0, zone))


def find(busy=(), closed=(), extra=(), need=HALF_HOUR, day=date(2026, 3, 4), zone=NEW_YORK, **kwargs):
    calendar = Calendar("dr-a", NINE_TO_FIVE, closed=list(closed), extra=list(extra), busy=list(busy))
    return slots.search([calendar], need, zone, day_window(day, zone), **kwargs)


def local_times(found, zone=NEW_YORK) -> list[str]:
    return [s.start.astimezone(zone).strftime("%H:%M") for s in found]


# --- time zones and DST -----------------------------------------------------------------------------

def test_an_ordinary_day_runs_from_local_nine_to_five():
    found = find()
    assert local_times(found)[0] == "09:00" and local_times(found)[-1] == "16:30"
    assert len(found) == 31  # 09:00 .. 16:30 every 15 minutes
    assert found[0].start == utc("2026-03-04T14:00")  # EST, UTC-5


def test_spring_forward_day_still_runs_from_local_nine_to_five():
    found = find(day=date(2026, 3, 8))  # US clocks go 02:00 -> 03:00
    assert local_times(found)[0] == "09:00" and local_times(found)[-1] == "16:30"
    assert found[0].start == utc("2026-03-08T13:00")  # EDT, UTC-4
    assert len(found) == 31


def test_fall_back_day_still_runs_from_local_nine_to_five():
    found = find(day=date(2026, 11, 1))  # US clocks go 02:00 -> 01:00
    assert local_times(found)[0] == "09:00" and local_times(found)[-1] == "16:30"
    assert found[0].start == utc("2026-11-01T14:00")  # EST again


def test_a_window_across_the_change_is_an_hour_shorter_or_longer():
    night = [WeeklyWindow(6, 0, 6 * 60)]  # Sundays 00:00-06:00
    for day, hours in ((date(2026, 3, 8), 5), (date(2026, 11, 1), 7)):
        (interval,) = slots.open_intervals(Calendar("dr-a", night), day, day, NEW_YORK)
        assert interval.length == timedelta(hours=hours)


def test_london_changes_on_its_own_date():
    found = find(day=date(2026, 3, 29), zone=LONDON)
    assert local_times(found, LONDON)[0] == "09:00" and found[0].start == utc("2026-03-29T08:00")
    assert find(day=date(2026, 3, 28), zone=LONDON)[0].start == utc("2026-03-28T09:00")


def test_a_window_ending_at_midnight_reaches_the_end_of_the_day():
    late = [WeeklyWindow(2, 20 * 60, 24 * 60)]
    calendar = Calendar("dr-a", late)
    found = slots.search([calendar], Need(60 * MINUTES), NEW_YORK, day_window(date(2026, 3, 4)))
    assert local_times(found)[-1] == "23:00"


# --- bookings, buffers, exceptions, rooms ------------------------------------------------------------

def test_buffers_keep_the_practitioner_after_each_appointment():
    booked = Interval(utc("2026-03-04T15:00"), utc("2026-03-04T15:45"))  # 10:00-10:30 + 15 min buffer
    found = find(busy=[booked], need=Need(30 * MINUTES, 15 * MINUTES))
    starts = local_times(found)
    assert "09:15" in starts and "09:30" not in starts  # 09:30 + 30 + 15 would reach 10:15
    assert "10:30" not in starts and "10:45" in starts
    assert starts[-1] == "16:15"  # the buffer must fit in the day too


def test_a_block_and_a_holiday_close_time():
    lunch = Interval(slots.local_instant(date(2026, 3, 4), 12 * 60, NEW_YORK),
                     slots.local_instant(date(2026, 3, 4), 13 * 60, NEW_YORK))
    starts = local_times(find(closed=[lunch]))
    assert "11:30" in starts and "11:45" not in starts and "12:30" not in starts and "13:00" in starts
    holiday = day_window(date(2026, 3, 4))
    assert find(closed=[holiday]) == []


def test_extra_hours_open_time_outside_the_weekly_hours():
    evening = Interval(slots.local_instant(date(2026, 3, 4), 18 * 60, NEW_YORK),
                       slots.local_instant(date(2026, 3, 4), 19 * 60, NEW_YORK))
    starts = local_times(find(extra=[evening]))
    assert "18:00" in starts and "18:30" in starts and "18:45" not in starts


def test_an_in_person_slot_needs_a_free_room():
    need = Need(60 * MINUTES, rooms=("room-1", "room-2"))
    ten = Interval(utc("2026-03-04T15:00"), utc("2026-03-04T16:00"))
    one_busy = find(need=need, rooms_busy={"room-1": [ten]})
    at_ten = [s for s in one_busy if s.start == ten.start]
    assert at_ten and at_ten[0].room_id == "room-2"
    both_busy = find(need=need, rooms_busy={"room-1": [ten], "room-2": [ten]})
    assert all(not s.start <= ten.start < s.hold_end and not ten.start <= s.start < ten.end for s in both_busy)


def test_nothing_before_the_earliest_bookable_time():
    found = find(not_before=utc("2026-03-04T18:07"))
    assert local_times(found)[0] == "13:15"


def test_granules_cover_a_hold_so_any_two_overlaps_share_one():
    assert granules(utc("2026-03-04T15:00"), utc("2026-03-04T15:45")) == [
        utc("2026-03-04T15:00"), utc("2026-03-04T15:15"), utc("2026-03-04T15:30")]
    a = set(granules(utc("2026-03-04T15:00"), utc("2026-03-04T16:00")))
    b = set(granules(utc("2026-03-04T15:45"), utc("2026-03-04T16:15")))
    assert a & b


# --- order: fill started days, fill gaps, spread load ------------------------------------------------

def test_best_order_fills_the_gap_in_a_started_day_first():
    day = date(2026, 3, 4)
    at = lambda hhmm: slots.local_instant(day, int(hhmm[:2]) * 60 + int(hhmm[3:]), NEW_YORK)  # noqa: E731
    busy = [Interval(at("09:00"), at("10:00")), Interval(at("11:00"), at("12:00"))]
    calendars = [Calendar("dr-a", NINE_TO_FIVE, busy=busy), Calendar("dr-b", NINE_TO_FIVE)]
    window = Interval(slots.local_instant(day, 0, NEW_YORK), slots.local_instant(day + timedelta(days=2), 0, NEW_YORK))
    ordered = slots.order(slots.search(calendars, Need(60 * MINUTES), NEW_YORK, window))
    assert (ordered[0].practitioner_id, ordered[0].start) == ("dr-a", at("10:00"))  # closes the gap exactly
    assert ordered[0].idle_delta == -timedelta(hours=1) and ordered[0].adjacent
    # then the one that adds no idle time (touching the block), then the rest of dr-a's started day
    assert (ordered[1].practitioner_id, ordered[1].start, ordered[1].idle_delta) == ("dr-a", at("12:00"),
                                                                                     timedelta(0))
    assert ordered[2].idle_delta > timedelta(0)
    first_empty_day = next(i for i, s in enumerate(ordered) if not s.day_started)
    assert all(s.day_started for s in ordered[:first_empty_day])
    earliest = slots.order(slots.search(calendars, Need(60 * MINUTES), NEW_YORK, window), "earliest")
    assert earliest[0].start == at("09:00") and earliest[0].practitioner_id == "dr-b"  # dr-a is busy at 09:00


def test_load_spreads_to_the_less_booked_practitioner_on_empty_days():
    day = date(2026, 3, 4)
    busy_a = [Interval(slots.local_instant(day, 9 * 60, NEW_YORK), slots.local_instant(day, 12 * 60, NEW_YORK))]
    busy_b = [Interval(slots.local_instant(day, 9 * 60, NEW_YORK), slots.local_instant(day, 10 * 60, NEW_YORK))]
    calendars = [Calendar("dr-a", NINE_TO_FIVE, busy=busy_a), Calendar("dr-b", NINE_TO_FIVE, busy=busy_b)]
    window = Interval(day_window(day).start, day_window(date(2026, 3, 5)).end)
    ordered = slots.order(slots.search(calendars, Need(30 * MINUTES), NEW_YORK, window))
    # both have started the 4th and can extend their block with no idle time: the less booked goes first
    assert (ordered[0].practitioner_id, ordered[0].idle_delta) == ("dr-b", timedelta(0))
    # and on the empty 5th too
    fifth = [s for s in ordered if not s.day_started]
    assert fifth[0].practitioner_id == "dr-b" and slots.local_day(fifth[0].start, NEW_YORK) == date(2026, 3, 5)
    earliest = slots.order(slots.search(calendars, Need(30 * MINUTES), NEW_YORK, window), "earliest")
    assert (earliest[0].practitioner_id, earliest[0].start) == ("dr-b", busy_b[0].end)


# --- properties --------------------------------------------------------------------------------------

ZONES = st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC",
                         "America/Santiago"])
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def bookings(draw, day: date, zone: ZoneInfo):
    found = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 95)) * 15
        length = draw(st.integers(1, 12)) * 15
        found.append(Interval(slots.local_instant(day, start, zone), slots.local_instant(day, start, zone)
                              + timedelta(minutes=length)))
    return found


@settings(max_examples=150, deadline=None)
@given(data=st.data(), zone_name=ZONES, day=DAYS, duration=st.integers(1, 8), buffer=st.integers(0, 2),
       block=st.tuples(st.integers(0, 95), st.integers(1, 16)))
def test_no_slot_overlaps_a_booking_or_a_block_or_leaves_the_hours(data, zone_name, day, duration, buffer, block):
    zone = ZoneInfo(zone_name)
    busy = data.draw(bookings(day, zone))
    closed = [Interval(slots.local_instant(day, block[0] * 15, zone),
                       slots.local_instant(day, block[0] * 15, zone) + timedelta(minutes=block[1] * 15))]
    need = Need(timedelta(minutes=duration * 15), timedelta(minutes=buffer * 15))
    calendar = Calendar("dr-a", NINE_TO_FIVE, closed=closed, busy=busy)
    found = slots.search([calendar], need, zone, day_window(day, zone))
    hours = slots.open_intervals(calendar, day, day, zone)
    for slot in found:
        hold = Interval(slot.start, slot.hold_end)
        assert not any(hold.overlaps(b) for b in busy)
        assert not any(hold.overlaps(c) for c in closed)
        assert any(h.contains(hold) for h in hours)
        local = slot.start.astimezone(zone)
        assert local.hour >= 9 and (local.hour, local.minute) < (17, 0) and local.date() == day
        assert slots.on_grid(slot.start) and slot.end - slot.start == need.duration
    ordered = slots.order(found)
    if ordered:
        assert ordered[0].idle_delta == min(s.idle_delta for s in found if s.day_started == ordered[0].day_started)
    # and nothing free is missed: every grid start whose hold fits the hours and the bookings is listed
    starts = {s.start for s in found}
    for hour in hours:
        start = hour.start
        while start + need.hold <= hour.end:
            hold = Interval(start, start + need.hold)
            if not any(hold.overlaps(b) for b in [*busy, *closed]):
                assert start in starts
            start += slots.GRANULE


@settings(max_examples=100, deadline=None)
@given(zone_name=ZONES, day=DAYS)
def test_every_day_of_the_year_has_local_nine_to_five(zone_name, day):
    zone = ZoneInfo(zone_name)
    found = find(day=day, zone=zone)
    assert local_times(found, zone)[0] == "09:00" and local_times(found, zone)[-1] == "16:30"
