"""The local cloud's reading of EventBridge schedule expressions (cron and rate, UTC)."""

from datetime import UTC, datetime, timedelta

import pytest

from infra.catalog import CATALOG
from localcloud.schedules import Cron, Rate, ScheduleError, parse


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def cron(body: str) -> Cron:
    expression = parse(f"cron({body})")
    assert isinstance(expression, Cron)
    return expression


def test_daily_cron_fires_later_the_same_day_then_the_next_day():
    nightly = cron("15 3 * * ? *")
    assert nightly.next_after(at("2026-11-26T03:14:59")) == at("2026-11-26T03:15")
    assert nightly.next_after(at("2026-11-26T03:15")) == at("2026-11-27T03:15")
    assert nightly.next_after(at("2026-12-31T23:59")) == at("2027-01-01T03:15")


def test_day_of_week_counts_from_sunday_as_one_and_takes_names():
    assert cron("45 3 ? * SUN *").next_after(at("2026-11-26T12:00")) == at("2026-11-29T03:45")  # a Thursday
    assert cron("0 0 ? * 1 *").next_after(at("2026-11-26T12:00")) == at("2026-11-29T00:00")
    assert cron("0 0 ? * 7 *").next_after(at("2026-11-26T12:00")) == at("2026-11-28T00:00")  # Saturday


def test_steps_ranges_and_lists():
    quarter = cron("0/15 * * * ? *")
    assert quarter.minutes == {0, 15, 30, 45}
    assert quarter.next_after(at("2026-11-26T10:16")) == at("2026-11-26T10:30")
    office = cron("5 9-17/4 ? * MON-FRI *")
    assert office.hours == {9, 13, 17}
    assert office.next_after(at("2026-11-27T17:05")) == at("2026-11-30T09:05")  # Friday evening -> Monday
    assert cron("0 8 1,15 JAN,JUL ? *").next_after(at("2026-01-02T00:00")) == at("2026-01-15T08:00")
    assert cron("0 8 1,15 JAN,JUL ? *").next_after(at("2026-01-15T08:00")) == at("2026-07-01T08:00")


def test_last_day_of_month_and_nth_weekday():
    assert cron("0 12 L * ? *").next_after(at("2026-02-10T00:00")) == at("2026-02-28T12:00")
    assert cron("0 12 L * ? *").next_after(at("2028-02-10T00:00")) == at("2028-02-29T12:00")
    assert cron("0 10 ? * MON#1 *").next_after(at("2026-11-26T00:00")) == at("2026-12-07T10:00")
    assert cron("0 10 ? * 2#1 *").next_after(at("2026-11-26T00:00")) == at("2026-12-07T10:00")


def test_a_year_field_ends_the_schedule():
    once = cron("0 0 1 1 ? 2027")
    assert once.next_after(at("2026-06-01T00:00")) == at("2027-01-01T00:00")
    assert once.next_after(at("2027-01-01T00:00")) is None
    assert cron("0 0 29 2 ? 2029-2031").next_after(at("2026-01-01T00:00")) is None  # no leap day in range
    assert cron("0 0 31 2 ? *").next_after(at("2026-01-01T00:00")) is None  # never


def test_rate_counts_from_when_the_schedule_was_made():
    created = at("2026-11-26T10:00:30")
    every_five = parse("rate(5 minutes)", created=created)
    assert isinstance(every_five, Rate)
    assert every_five.next_after(created) == created + timedelta(minutes=5)
    assert every_five.next_after(created + timedelta(minutes=7)) == created + timedelta(minutes=10)
    assert every_five.next_after(created + timedelta(minutes=10)) == created + timedelta(minutes=15)
    assert parse("rate(1 day)", created=created).next_after(created) == created + timedelta(days=1)
    assert parse("rate(2 hours)", created=created).next_after(created) == created + timedelta(hours=2)


@pytest.mark.parametrize("expression", [
    "cron(15 3 * * *)",  # five fields
    "cron(15 3 * * * *)",  # neither day field is ?
    "cron(15 3 ? * ? *)",  # both are
    "cron(60 3 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 3 0 * ? *)",
    "cron(0 3 ? * 8 *)",
    "cron(0 3 20-10 * ? *)",
    "cron(0/0 3 * * ? *)",
    "cron(0 3 * FOO ? *)",
    "cron(0 3 1,,2 * ? *)",
    "rate(1 minutes)",
    "rate(5 minute)",
    "rate(0 hours)",
    "rate(5 weeks)",
    "every day at noon",
])
def test_expressions_eventbridge_would_refuse_are_refused(expression):
    with pytest.raises(ScheduleError):
        parse(expression)


def test_every_catalogue_schedule_parses_and_fires_within_a_week():
    now = at("2026-11-26T00:00")
    for schedule in CATALOG.schedules:
        due = parse(schedule.expression, created=now).next_after(now)
        assert due is not None and now < due <= now + timedelta(days=7), schedule.name
