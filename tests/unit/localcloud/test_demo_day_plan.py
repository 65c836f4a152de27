"""The demo day's dates hold whatever day of the week `practice demo` starts on: the clinic is a weekday with a
whole day before it for reminders, and the leave day is a weekday the move offers' 48 hours close well before."""

from datetime import UTC, datetime, timedelta

import pytest

from localcloud.demo_day.plan import ZONE, Plan

STARTS = [datetime(2026, 11, 30, hour, 7, tzinfo=UTC) + timedelta(days=day) for day in range(7) for hour in (0, 14, 23)]


@pytest.mark.parametrize("started", STARTS, ids=lambda s: s.strftime("%a-%H"))
def test_the_clinic_and_the_leave_fall_on_weekdays_in_the_order_the_day_needs(started):
    plan = Plan.from_now(started)
    assert plan.clinic_day.weekday() < 5 and plan.leave_day.weekday() < 5
    assert plan.on_clinic_day(12, days=-1) > started + timedelta(hours=2)  # the move offers are answered first
    assert plan.clinic_day - started.astimezone(ZONE).date() >= timedelta(days=2)
    assert plan.at(plan.leave_day, 0) - (started + timedelta(hours=48)) >= timedelta(days=1)  # offers close before
    assert plan.leave_day - plan.clinic_day >= timedelta(days=7)
