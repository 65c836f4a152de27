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
