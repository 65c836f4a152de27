"""What the staff contract suites share: each port built as the fake and as the DynamoDB adapter on moto, and
a few domain objects to store."""

from datetime import date

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.staff.models.members import StaffMember
from functions.staff.models.roster import Shift

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def audit(action: str = "test.change", entity: str = "THING", entity_id: str = "x"):
    return draft(CALLER, action, entity, entity_id, AT)


def member(user_id: str, version: int = 1, manager_id: str | None = None, **more) -> StaffMember:
    values = {"role": "front_desk", "contracted_hours": 40, "fte": 1.0, "location_ids": ["main"], **more}
    return StaffMember(practice_id=PRACTICE, user_id=user_id, name=f"Member {user_id}", manager_id=manager_id,
                       version=version, created_at=AT, updated_at=AT, **values)


def shift(shift_id: str, user_id: str = "fd-1", on: date = date(2026, 3, 2), start: str = "08:00",
          end: str = "16:00", version: int = 1, location_id: str = "main") -> Shift:
    return Shift(practice_id=PRACTICE, id=shift_id, user_id=user_id, location_id=location_id, date=on, start=start,
                 end=end, role="front_desk", version=version, created_at=AT)


def both(request, fake_factory, dynamo_factory):
    """The port under test: the fake, or the adapter on a fresh moto table."""
    if request.param == "fake":
        from tests.fakes.audit import FakeAuditTrail

        return fake_factory(FakeAuditTrail())
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    request.getfixturevalue("cloud")
    return dynamo_factory(Table(), AuditStore(Table()))

