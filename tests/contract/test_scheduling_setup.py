"""SchedulingSetup and AvailabilityExceptions: the fake and the DynamoDB adapters behave alike."""

from datetime import date

import pytest

from functions.core.errors import NotFound, PreconditionFailed
from functions.scheduling.models.setup import AppointmentType, AvailabilityException, Policy, Practitioner, Room
from tests.contract.scheduling_support import PRACTICE, audit, side_fixture  # noqa: F401 - a fixture, used by name


def practitioner(practitioner_id: str, version: int = 1, name: str = "Dr A") -> Practitioner:
    return Practitioner(id=practitioner_id, name=name, version=version, created_at="t", updated_at="t",
                        weekly=[{"weekday": 0, "start": "09:00", "end": "17:00"}])


def test_a_practice_without_set_up_has_the_default_policy_and_nothing_else(side):
    setup = side.stores.setup.current(PRACTICE)
    assert setup.policy == Policy() and setup.practitioners == {} and setup.rooms == {} and setup.types == {}
    assert side.stores.setup.policy(PRACTICE) is None


def test_the_set_up_is_read_in_one_go_and_by_id(side):
    store = side.stores.setup
    store.save_policy(PRACTICE, Policy(time_zone="America/New_York", version=1), 0, audit())
    store.save(PRACTICE, practitioner("dr-b", name="Dr B"), None, audit())
    store.save(PRACTICE, practitioner("dr-a"), None, audit())
    store.save(PRACTICE, Room(id="room-1", name="Room 1", version=1, created_at="t", updated_at="t"), None, audit())
    kind = AppointmentType(id="visit", name="Visit", duration_minutes=30, practitioner_ids=["dr-a"],
                           room_ids=["room-1"], version=1, created_at="t", updated_at="t")
    store.save(PRACTICE, kind, None, audit())
    setup = store.current(PRACTICE)
    assert setup.policy.time_zone == "America/New_York"
    assert list(setup.practitioners) == ["dr-a", "dr-b"]  # in id order
    assert list(setup.rooms) == ["room-1"] and setup.types["visit"] == kind
    assert store.practitioner(PRACTICE, "dr-a") == practitioner("dr-a")
    assert store.appointment_type(PRACTICE, "visit") == kind
    assert store.practitioner(PRACTICE, "visit") is None and store.appointment_type(PRACTICE, "dr-a") is None
    assert store.current("other-practice").practitioners == {}


def test_a_replace_needs_the_version_read(side):
    store = side.stores.setup
    store.save(PRACTICE, practitioner("dr-a"), None, audit())
    with pytest.raises(PreconditionFailed):
        store.save(PRACTICE, practitioner("dr-a"), None, audit())  # it exists already
    with pytest.raises(PreconditionFailed):
        store.save(PRACTICE, practitioner("dr-a", version=3), 2, audit())
    store.save(PRACTICE, practitioner("dr-a", version=2, name="Dr Ada"), 1, audit())
    assert store.practitioner(PRACTICE, "dr-a").name == "Dr Ada"
    with pytest.raises(PreconditionFailed):
        store.save(PRACTICE, practitioner("dr-z", version=2), 1, audit())  # nothing to replace


def test_the_policy_is_created_at_version_zero_and_replaced_by_version(side):
    store = side.stores.setup
    store.save_policy(PRACTICE, Policy(version=1), 0, audit())
    with pytest.raises(PreconditionFailed):
        store.save_policy(PRACTICE, Policy(version=1), 0, audit())
    with pytest.raises(PreconditionFailed):
        store.save_policy(PRACTICE, Policy(version=3), 2, audit())
    store.save_policy(PRACTICE, Policy(practice_name="Elm", version=2), 1, audit())
    assert store.policy(PRACTICE).practice_name == "Elm"


def exception(day: date, exception_id: str, practitioner_id: str | None = None) -> AvailabilityException:
    return AvailabilityException(id=exception_id, date=day, kind="holiday", practitioner_id=practitioner_id,
                                 created_at="t")


def test_exceptions_are_found_by_date_inclusive_and_removed_once(side):
    store = side.stores.exceptions
    for day, exception_id in ((date(2026, 3, 1), "20260301-a"), (date(2026, 3, 3), "20260303-b"),
                              (date(2026, 3, 5), "20260305-c")):
        store.add(PRACTICE, exception(day, exception_id), audit())
    found = store.between(PRACTICE, date(2026, 3, 1), date(2026, 3, 3))
    assert [e.id for e in found] == ["20260301-a", "20260303-b"]
    store.remove(PRACTICE, date(2026, 3, 3), "20260303-b", audit())
    with pytest.raises(NotFound):
        store.remove(PRACTICE, date(2026, 3, 3), "20260303-b", audit())
    assert [e.id for e in store.between(PRACTICE, date(2026, 3, 1), date(2026, 3, 31))] == ["20260301-a",
                                                                                           "20260305-c"]
    assert store.between("other-practice", date(2026, 3, 1), date(2026, 3, 31)) == []
