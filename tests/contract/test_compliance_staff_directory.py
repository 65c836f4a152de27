"""StaffDirectory: FakeStaffDirectory and StaffAreaDirectory (over the staff area's records on moto) answer alike:
a colleague by id, the active members with some roles, a manager's active direct reports."""

import pytest

from tests.contract.staff_support import PRACTICE, audit, member

MEMBERS = [  # (user id, role, manager, active, practitioner)
    ("coord-1", "coordinator", None, True, None),
    ("nurse-1", "nurse", "manager-1", True, None),
    ("nurse-2", "nurse", "manager-1", False, None),
    ("doc-1", "practitioner", "manager-1", True, "pract-1"),
    ("desk-1", "front_desk", "coord-1", True, None),
    ("manager-1", "manager", None, True, None),
]


@pytest.fixture(params=["fake", "dynamo"])
def directory(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeStaffDirectory

        fake = FakeStaffDirectory()
        for user_id, role, manager, active, practitioner in MEMBERS:
            fake.add(PRACTICE, user_id, role, name=f"Member {user_id}", manager_id=manager,
                     practitioner_id=practitioner, active=active)
        return fake
    request.getfixturevalue("cloud")
    from functions.compliance.staff_directory import StaffAreaDirectory
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.staff.dynamo.members import DynamoStaffRecords

    records = DynamoStaffRecords(Table(), AuditStore(Table()))
    for user_id, role, manager, active, practitioner in MEMBERS:
        records.add(member(user_id, manager_id=manager, role=role, active=active, practitioner_id=practitioner),
                    audit())
    return StaffAreaDirectory(Table(), AuditStore(Table()))


def test_a_colleague_is_read_with_role_manager_practitioner_and_whether_active(directory):
    doc = directory.colleague(PRACTICE, "doc-1")
    assert (doc.user_id, doc.name, doc.role, doc.manager_id, doc.practitioner_id, doc.active) == (
        "doc-1", "Member doc-1", "practitioner", "manager-1", "pract-1", True)
    assert directory.colleague(PRACTICE, "nurse-2").active is False
    assert directory.colleague(PRACTICE, "nobody") is None
    assert directory.colleague("another-practice", "doc-1") is None


def test_with_roles_lists_only_active_members_holding_one_of_the_roles(directory):
    found = directory.with_roles(PRACTICE, ["nurse", "front_desk"])
    assert sorted(c.user_id for c in found) == ["desk-1", "nurse-1"]
    assert directory.with_roles(PRACTICE, []) == []
    assert directory.with_roles("another-practice", ["nurse"]) == []


def test_reports_of_lists_a_managers_active_direct_reports(directory):
    assert sorted(c.user_id for c in directory.reports_of(PRACTICE, "manager-1")) == ["doc-1", "nurse-1"]
    assert [c.user_id for c in directory.reports_of(PRACTICE, "coord-1")] == ["desk-1"]
    assert directory.reports_of(PRACTICE, "nurse-1") == []
