"""Staff members on fakes: who may add, read and change them, and what is kept."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from functions.staff.models.members import StaffMemberPatch
from tests.unit.staff.support import Staff, coordinator, member_in, patient_user, staff_user


@pytest.fixture
def staff():
    return Staff()


def test_fte_is_contracted_hours_over_the_practices_full_time_week(staff):
    assert staff.members.add(coordinator(), member_in("a", hours=30)).fte == 0.75
    assert staff.audit.actions() == ["staff_member.create"]


def test_only_the_coordinator_adds_and_lists(staff):
    with pytest.raises(Forbidden):
        staff.members.add(staff_user("a"), member_in("a"))
    staff.members.add(coordinator(), member_in("a"))
    with pytest.raises(Forbidden):
        staff.members.everyone(staff_user("a"))
    assert [m.user_id for m in staff.members.everyone(coordinator()).members] == ["a"]


def test_a_member_reads_their_own_record_and_nobody_elses(staff):
    staff.members.add(coordinator(), member_in("a"))
    staff.members.add(coordinator(), member_in("b"))
    assert staff.members.me(staff_user("a")).user_id == "a"
    with pytest.raises(Forbidden):
        staff.members.read(staff_user("a"), "b")
    with pytest.raises(NotFound):
        staff.members.me(staff_user("stranger"))


def test_a_patient_is_never_a_staff_member(staff):
    staff.members.add(coordinator(), member_in("pat-user"))
    with pytest.raises(Forbidden):
        staff.members.me(patient_user())


def test_a_manager_reads_their_reports(staff):
    staff.members.add(coordinator(), member_in("boss"))
    staff.members.add(coordinator(), member_in("a", manager="boss"))
    assert staff.members.read(staff_user("boss", role=Role.FRONT_DESK), "a").manager_id == "boss"
    with pytest.raises(Forbidden):
        staff.members.read(staff_user("boss", role=Role.FRONT_DESK), "boss-peer")


def test_a_reporting_loop_or_an_unknown_manager_is_refused_and_nothing_changes(staff):
    staff.members.add(coordinator(), member_in("a"))
    staff.members.add(coordinator(), member_in("b", manager="a"))
    with pytest.raises(Conflict) as loop:
        staff.members.update(coordinator(), "a", StaffMemberPatch(manager_id="b"), expected=lambda: 1)
    assert loop.value.code == "manager_loop"
    with pytest.raises(Conflict) as unknown:
        staff.members.add(coordinator(), member_in("c", manager="ghost"))
    assert unknown.value.code == "unknown_manager"
    assert staff.records.member("practice-unit", "a").version == 1
    assert staff.records.member("practice-unit", "c") is None


def test_an_update_on_a_stale_version_is_412(staff):
    staff.members.add(coordinator(), member_in("a"))
    updated = staff.members.update(coordinator(), "a", StaffMemberPatch(contracted_hours=20), expected=lambda: 1)
    assert (updated.version, updated.fte) == (2, 0.5)
    with pytest.raises(PreconditionFailed):
        staff.members.update(coordinator(), "a", StaffMemberPatch(name="x"), expected=lambda: 1)


def test_the_same_idempotency_key_adds_once_and_answers_the_same(staff):
    first = staff.members.add(coordinator(), member_in("a"), key="add-a-000001")
    again = staff.members.add(coordinator(), member_in("a"), key="add-a-000001")
    assert first == again and staff.audit.actions() == ["staff_member.create"]


def test_a_patch_may_clear_the_manager_but_not_a_required_field(staff):
    staff.members.add(coordinator(), member_in("boss"))
    staff.members.add(coordinator(), member_in("a", manager="boss"))
    updated = staff.members.update(coordinator(), "a", StaffMemberPatch(manager_id=None), expected=lambda: 1)
    assert updated.manager_id is None
    with pytest.raises(Invalid) as refused:
        staff.members.update(coordinator(), "a", StaffMemberPatch(location_ids=None, name=None), expected=lambda: 2)
    assert refused.value.details == {"fields": ["location_ids", "name"]}
