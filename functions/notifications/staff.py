"""The practice's staff as notifications needs them: where a staff member's work notices go. Read from the
staff records the practice keeps (the staff area will own them and their writes); an address never comes
from a request, so no caller can make the practice's sender mail an address of their choosing.

Layout:
    pk = PRACTICE#<p>#STAFF#<user id>   sk = PROFILE   kind STAFF_MEMBER: user_id, name, email, active, ...
The user id is the Cognito `sub`, the same id the in-app inbox is keyed by (STAFF#<user id>)."""

from typing import Protocol

from functions.core.keys import entity_pk
from functions.core.models import Stored
from functions.core.table import Table

STAFF = "STAFF"
PROFILE_SK = "PROFILE"


class StaffMember(Stored):
    user_id: str
    name: str | None = None
    email: str | None = None
    active: bool = True
    language: str = "en"
    time_zone: str = "UTC"


class StaffDirectory(Protocol):
    def member(self, practice_id: str, user_id: str) -> StaffMember | None: ...


def staff_pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, STAFF, user_id)


class DynamoStaffDirectory:
    def __init__(self, table: Table) -> None:
        self.table = table

    def member(self, practice_id: str, user_id: str) -> StaffMember | None:
        """GetItem pk=PRACTICE#p#STAFF#<user id> sk=PROFILE."""
        item = self.table.get(staff_pk(practice_id, user_id), PROFILE_SK)
        return StaffMember.model_validate(item) if item else None

    def put(self, practice_id: str, member: StaffMember) -> None:
        """Put the staff record. Until the staff area keeps its own, this is how a practice's staff list is
        filled (an operator's script, the demo, tests)."""
        self.table.put({"pk": staff_pk(practice_id, member.user_id), "sk": PROFILE_SK, "kind": "STAFF_MEMBER",
                        **member.model_dump(exclude_none=True)})
