"""Sign-ins on the fake staff records: kept on the profile without a new version, audited; a member edited at
the same moment is read again; a non-member changes nothing."""

from datetime import UTC, datetime

from functions.core.clock import FixedClock
from functions.staff.sign_ins import SignIns
from tests.contract.staff_support import PRACTICE, audit, member
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.staff import FakeStaffRecords

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_sign_in_is_kept_audited_and_moves_no_version():
    trail = FakeAuditTrail()
    records = FakeStaffRecords(trail)
    records.add(member("nurse-1"), audit())
    assert SignIns(records, trail, FixedClock(NOW).now).signed_in(PRACTICE, "nurse-1") is True
    stored = records.member(PRACTICE, "nurse-1")
    assert stored.last_signed_in_at.startswith("2026-11-30T08:00") and stored.version == 1
    assert trail.actions()[-1] == "staff.member.sign_in"


def test_someone_who_is_no_member_changes_nothing():
    trail = FakeAuditTrail()
    records = FakeStaffRecords(trail)
    assert SignIns(records, trail, FixedClock(NOW).now).signed_in(PRACTICE, "patient-user") is False
    assert trail.actions() == []


def test_a_member_edited_at_the_same_moment_is_read_again():
    trail = FakeAuditTrail()
    records = FakeStaffRecords(trail)
    records.add(member("nurse-1"), audit())
    original = records.member

    def edited_once(practice_id, user_id, calls=[]):  # noqa: B006 (counts the reads)
        calls.append(1)
        if len(calls) == 1:
            seen = original(practice_id, user_id)
            records.replace(seen.model_copy(update={"version": 2, "name": "Renamed"}), audit())
            return seen
        return original(practice_id, user_id)

    records.member = edited_once
    assert SignIns(records, trail, FixedClock(NOW).now).signed_in(PRACTICE, "nurse-1") is True
    stored = original(PRACTICE, "nurse-1")
    assert stored.name == "Renamed" and stored.last_signed_in_at is not None
