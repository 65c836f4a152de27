"""StaffRecords and StaffSettings: the fake and the DynamoDB adapter behave alike."""

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, IdempotentRequest
from functions.staff.models.roster import CoverageRule, CoverageRules
from tests.contract.staff_support import PRACTICE, audit, both, member


@pytest.fixture(params=["fake", "dynamo"])
def records(request):
    from functions.staff.dynamo.members import DynamoStaffRecords
    from tests.fakes.staff import FakeStaffRecords

    return both(request, FakeStaffRecords, DynamoStaffRecords)


@pytest.fixture(params=["fake", "dynamo"])
def settings(request):
    from functions.staff.dynamo.members import DynamoStaffSettings
    from tests.fakes.staff import FakeStaffSettings

    return both(request, FakeStaffSettings, DynamoStaffSettings)


def test_an_added_member_is_read_back_and_listed(records):
    records.add(member("b"), audit())
    records.add(member("a", manager_id="b"), audit())
    assert records.member(PRACTICE, "a").manager_id == "b"
    assert records.member(PRACTICE, "nobody") is None
    assert [m.user_id for m in records.members(PRACTICE)] == ["a", "b"]
    assert [m.user_id for m in records.reports_of(PRACTICE, "b")] == ["a"]
    assert records.reports_of(PRACTICE, "a") == []


def test_adding_a_member_twice_is_a_conflict(records):
    records.add(member("a"), audit())
    with pytest.raises(Conflict) as refused:
        records.add(member("a"), audit())
    assert refused.value.code == "staff_member_exists"


def test_a_replacement_must_follow_the_version_it_was_read_at(records):
    records.add(member("a"), audit())
    records.replace(member("a", version=2, manager_id=None, active=False), audit())
    with pytest.raises(PreconditionFailed):
        records.replace(member("a", version=2), audit())
    assert records.member(PRACTICE, "a").active is False


def test_a_manager_change_moves_the_member_between_reports(records):
    records.add(member("a", manager_id="m1"), audit())
    records.replace(member("a", version=2, manager_id="m2"), audit())
    assert records.reports_of(PRACTICE, "m1") == [] and len(records.reports_of(PRACTICE, "m2")) == 1


def test_an_idempotency_key_is_claimed_with_the_member_and_replayed(records):
    request = IdempotentRequest(key="key-12345678", fingerprint="f1")
    first = member("a")
    records.add(first, audit(), request.answered(first))
    assert records.replay(PRACTICE, request)["user_id"] == "a"
    with pytest.raises(AlreadyDone):
        records.add(member("b"), audit(), IdempotencyClaim(key="key-12345678", fingerprint="f1", response={}))
    assert records.member(PRACTICE, "b") is None
    assert records.replay(PRACTICE, IdempotentRequest(key="never-used-1", fingerprint="f1")) is None


def test_the_policy_defaults_until_stored_and_then_follows_versions(settings):
    policy = settings.policy(PRACTICE)
    assert (policy.version, policy.time_zone, policy.full_time_hours) == (0, "UTC", 40)
    settings.save_policy(policy.model_copy(update={"time_zone": "America/New_York", "version": 1}), audit())
    with pytest.raises(Conflict):
        settings.save_policy(policy.model_copy(update={"version": 1}), audit())
    stored = settings.policy(PRACTICE)
    assert (stored.version, stored.time_zone) == (1, "America/New_York")
    with pytest.raises(PreconditionFailed):
        settings.save_policy(stored.model_copy(update={"version": 3}), audit())


def test_coverage_rules_are_kept_per_location(settings):
    assert settings.coverage_rules(PRACTICE, "main").rules == []
    rules = CoverageRules(practice_id=PRACTICE, location_id="main", version=1,
                          rules=[CoverageRule(role="nurse", min_staff=2)])
    settings.save_coverage_rules(rules, audit())
    assert settings.coverage_rules(PRACTICE, "main").rules[0].min_staff == 2
    assert settings.coverage_rules(PRACTICE, "north").version == 0
    with pytest.raises(PreconditionFailed):
        settings.save_coverage_rules(rules.model_copy(update={"version": 3}), audit())


def test_a_sign_in_moves_the_member_on_the_quiet_list_without_a_new_version(records):
    from datetime import date

    records.add(member("a"), audit())  # created 2026-03-01
    records.add(member("b"), audit())
    assert [m.user_id for m in records.quiet_since(PRACTICE, date(2026, 3, 2))] == ["a", "b"]
    records.sign_in(records.member(PRACTICE, "a"), "2026-06-01T08:00:00.000Z", audit())
    signed = records.member(PRACTICE, "a")
    assert signed.last_signed_in_at == "2026-06-01T08:00:00.000Z" and signed.version == 1
    assert [m.user_id for m in records.quiet_since(PRACTICE, date(2026, 3, 2))] == ["b"]
    assert [m.user_id for m in records.quiet_since(PRACTICE, date(2026, 6, 2))] == ["b", "a"]


def test_a_sign_in_over_a_member_changed_meanwhile_is_refused_and_writes_nothing(records):
    from datetime import date

    records.add(member("a"), audit())
    seen = records.member(PRACTICE, "a")
    records.replace(member("a", version=2), audit())
    with pytest.raises(PreconditionFailed):
        records.sign_in(seen, "2026-06-01T08:00:00.000Z", audit())
    assert records.member(PRACTICE, "a").last_signed_in_at is None
    assert [m.user_id for m in records.quiet_since(PRACTICE, date(2026, 3, 2))] == ["a"]


def test_an_inactive_member_is_off_the_quiet_list_and_back_on_when_reactivated(records):
    from datetime import date

    records.add(member("a"), audit())
    records.replace(member("a", version=2, active=False), audit())
    records.sign_in(records.member(PRACTICE, "a"), "2026-03-05T08:00:00.000Z", audit())
    assert records.quiet_since(PRACTICE, date(2026, 12, 1)) == []
    records.replace(records.member(PRACTICE, "a").model_copy(update={"version": 3, "active": True}), audit())
    assert [(m.user_id, m.last_signed_in_at) for m in records.quiet_since(PRACTICE, date(2026, 12, 1))] == [
        ("a", "2026-03-05T08:00:00.000Z")]
