"""The PractitionerCalendar adapter over scheduling's tables on moto: the patients booked in a leave, and the
practitioner's availability blocked (the slot search offers nothing in it) and unblocked, each once."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.staff.scheduling_calendar import SchedulingCalendar, leave_days
from tests.integration.scheduling_support import PRACTICE
from tests.integration.scheduling_support import api_fixture as api_fixture  # noqa: F401 - the fixture
from tests.integration.scheduling_support import clinic_fixture as clinic_fixture  # noqa: F401
from tests.integration.scheduling_support import fixed_clock_fixture as fixed_clock_fixture  # noqa: F401

WEDNESDAY_TEN = "2026-03-04T15:00:00Z"  # 10:00 in New York
LEAVE = (datetime(2026, 3, 4, 5, tzinfo=UTC), datetime(2026, 3, 5, 5, tzinfo=UTC))  # all Wednesday, local


def slots(api, clinic, day="2026-03-04"):
    return api.ok("GET", "/slots", query={"type_id": clinic.visit, "from": day, "to": day,
                                          "practitioner_id": clinic.dr_a})["slots"]


def test_booked_patients_in_the_leave_are_found_and_the_day_is_blocked_then_freed(api, clinic):
    booked = api.ok("POST", "/appointments", 201, body={"type_id": clinic.visit, "practitioner_id": clinic.dr_a,
                                                        "start": WEDNESDAY_TEN, "patient_id": "pat-1"})
    calendar = SchedulingCalendar(Table(), AuditStore(Table()))

    visits = calendar.booked(PRACTICE, clinic.dr_a, *LEAVE)
    assert [(v.appointment_id, v.patient_id, v.start) for v in visits] == [
        (booked["id"], "pat-1", datetime(2026, 3, 4, 15, tzinfo=UTC))]
    assert calendar.booked(PRACTICE, clinic.dr_b, *LEAVE) == []
    assert slots(api, clinic)

    calendar.block(PRACTICE, clinic.dr_a, *LEAVE, "leave-1")
    calendar.block(PRACTICE, clinic.dr_a, *LEAVE, "leave-1")  # a retried step: one block
    exceptions = api.ok("GET", "/availability/exceptions", query={"from": "2026-03-04", "to": "2026-03-04"})
    assert [(e["practitioner_id"], e["kind"]) for e in exceptions["exceptions"]] == [(clinic.dr_a, "block")]
    assert slots(api, clinic) == []

    calendar.unblock(PRACTICE, clinic.dr_a, *LEAVE, "leave-1")
    calendar.unblock(PRACTICE, clinic.dr_a, *LEAVE, "leave-1")
    assert api.ok("GET", "/availability/exceptions", query={"from": "2026-03-04", "to": "2026-03-04"})[
        "exceptions"] == []
    assert slots(api, clinic)


def test_leave_of_some_hours_blocks_only_those_hours():
    days = list(leave_days(ZoneInfo("America/New_York"), datetime(2026, 3, 4, 14, tzinfo=UTC),
                           datetime(2026, 3, 5, 18, tzinfo=UTC)))
    assert days == [(datetime(2026, 3, 4).date(), "09:00", "24:00"), (datetime(2026, 3, 5).date(), "00:00", "13:00")]
