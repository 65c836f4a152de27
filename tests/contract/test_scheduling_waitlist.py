"""Waitlist: the fake and the DynamoDB adapter agree on entries, versions and expired offers."""

from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core import clock
from functions.core.errors import PreconditionFailed
from functions.scheduling.models.waitlist import Offer, WaitlistEntry
from tests.contract.scheduling_support import PRACTICE, audit, side_fixture  # noqa: F401 - a fixture, used by name

EXPIRES = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


def entry(entry_id: str, patient: str = "pat-1", version: int = 1, **changes) -> WaitlistEntry:
    fields = {"id": entry_id, "patient_id": patient, "type_id": "visit", "earliest": date(2026, 3, 2),
              "latest": date(2026, 3, 9), "status": "waiting", "created_at": "t", "version": version,
              "updated_at": "t"}
    return WaitlistEntry(**{**fields, **changes})


def offered(entry_id: str, expires: datetime, version: int = 2) -> WaitlistEntry:
    offer = Offer(practitioner_id="dr-a", start="2026-03-04T15:00:00.000Z", end="2026-03-04T15:30:00.000Z",
                  offered_at="t", expires_at=clock.iso(expires))
    return entry(entry_id, status="offered", offer=offer, version=version)


def test_entries_are_kept_oldest_first_and_read_by_id(side):
    waitlist = side.stores.waitlist
    for entry_id in ("w2", "w1", "w3"):
        waitlist.save(PRACTICE, entry(entry_id), None, audit())
    assert [e.id for e in waitlist.entries(PRACTICE)] == ["w1", "w2", "w3"]
    assert waitlist.entry(PRACTICE, "w2") == entry("w2")
    assert waitlist.entry(PRACTICE, "w9") is None and waitlist.entries("other-practice") == []


def test_a_change_needs_the_version_read(side):
    waitlist = side.stores.waitlist
    waitlist.save(PRACTICE, entry("w1"), None, audit())
    with pytest.raises(PreconditionFailed):
        waitlist.save(PRACTICE, entry("w1"), None, audit())
    with pytest.raises(PreconditionFailed):
        waitlist.save(PRACTICE, entry("w1", version=3, status="withdrawn"), 2, audit())
    waitlist.save(PRACTICE, entry("w1", version=2, status="withdrawn"), 1, audit())
    assert waitlist.entry(PRACTICE, "w1").status == "withdrawn"


def test_only_open_offers_past_their_expiry_are_listed(side):
    waitlist = side.stores.waitlist
    for entry_id, expires in (("w1", EXPIRES), ("w2", EXPIRES + timedelta(hours=1)), ("w3", EXPIRES)):
        waitlist.save(PRACTICE, entry(entry_id), None, audit())
        waitlist.save(PRACTICE, offered(entry_id, expires), 1, audit())
    waitlist.save(PRACTICE, entry("w3", version=3), 2, audit())  # the offer was declined: out of the index
    assert waitlist.expired_offers(PRACTICE, EXPIRES - timedelta(seconds=1)) == []
    assert [e.id for e in waitlist.expired_offers(PRACTICE, EXPIRES)] == ["w1"]
    assert [e.id for e in waitlist.expired_offers(PRACTICE, EXPIRES + timedelta(hours=2))] == ["w1", "w2"]
