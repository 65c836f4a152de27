"""DynamoDB adapter of ShiftBook."""

from collections.abc import Sequence
from datetime import date

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.table import Delete, Item, Operation, Table
from functions.staff.dynamo import keys
from functions.staff.models.roster import Shift, StaffDay

DAY_CHANGED = Conflict("the staff member's day changed meanwhile; read the roster again", code="roster_changed")


class DynamoShiftBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def shift(self, practice_id: str, shift_id: str) -> Shift | None:
        """GetItem SHIFT#<id>/SHIFT (consistent)."""
        item = self.table.get(keys.shift_pk(practice_id, shift_id), "SHIFT", consistent=True)
        return Shift.model_validate(item) if item else None

    def at_location(self, practice_id: str, location_id: str, first: date, last: date) -> list[Shift]:
        """Query gsi1 ROSTER#<location> sk BETWEEN <first> AND <last>~, every page."""
        items = self.table.query_all(keys.roster_index(practice_id, location_id), index="gsi1",
                                     sk_between=(first.isoformat(), f"{last.isoformat()}~"))
        return [Shift.model_validate(i) for i in items]

    def of_member(self, practice_id: str, user_id: str, first: date, last: date) -> list[Shift]:
        """Query gsi2 SHIFTS_OF#<user> sk BETWEEN <first> AND <last>~, every page."""
        items = self.table.query_all(keys.shifts_of_index(practice_id, user_id), index="gsi2",
                                     sk_between=(first.isoformat(), f"{last.isoformat()}~"))
        return [Shift.model_validate(i) for i in items]

    def day(self, practice_id: str, user_id: str, on: date) -> StaffDay:
        """GetItem STAFF#<user>/DAY#<date> (consistent): the day's shifts and version (0: none yet)."""
        item = self.table.get(keys.member_pk(practice_id, user_id), keys.day_sk(on), consistent=True)
        if item is None:
            return StaffDay(user_id=user_id, date=on, shifts=[], version=0)
        return StaffDay.model_validate(item)

    def change(self, puts: Sequence[Shift], removals: Sequence[Shift], days: Sequence[StaffDay],
               audit: AuditDraft) -> None:
        """TransactWriteItems: each shift on its version, each removal on its version, each day on the version
        read (so a change the caller did not see fails it: 409), audit. At most ~90 items per call."""
        writes: list[Operation] = [keys.versioned_put(self._item(s), "shift") for s in puts]
        for shift in removals:
            writes.append(Delete({"pk": keys.shift_pk(shift.practice_id, shift.id), "sk": "SHIFT"}, "#v = :v",
                                 {"#v": "version"}, {":v": shift.version}, on_conflict=DAY_CHANGED))
        practice_id = audit.practice_id
        for day in days:
            put = keys.versioned_put({"pk": keys.member_pk(practice_id, day.user_id), "sk": keys.day_sk(day.date),
                                      "kind": "STAFF_DAY", **day.model_dump(mode="json")}, "staff member's day")
            put.on_conflict = DAY_CHANGED
            writes.append(put)
        self.audit.commit(audit, writes)

    @staticmethod
    def _item(shift: Shift) -> Item:
        order = f"{shift.date.isoformat()}#{shift.start}#{shift.id}"
        return {"pk": keys.shift_pk(shift.practice_id, shift.id), "sk": "SHIFT", "kind": "SHIFT",
                **shift.model_dump(mode="json", exclude_none=True),
                "gsi1pk": keys.roster_index(shift.practice_id, shift.location_id), "gsi1sk": order,
                "gsi2pk": keys.shifts_of_index(shift.practice_id, shift.user_id), "gsi2sk": order}
