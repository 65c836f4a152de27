"""The shift roster: shifts per location and day, added and removed by the coordinator, read by every staff
member. No one works two shifts at once, and a shift is at one of its member's locations."""

from collections.abc import Callable
from datetime import date, datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.dates import check_range
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.staff.models.common import minutes_of
from functions.staff.models.roster import Roster, Shift, ShiftIn, StaffDay
from functions.staff.ports import ShiftBook, StaffRecords

ENTITY = "SHIFT"
MAX_ROSTER_DAYS = 31


def overlapping(day: StaffDay, start: str, end: str, ignore: str | None = None) -> Shift | None:
    for shift in day.shifts:
        crosses = minutes_of(shift.start) < minutes_of(end) and minutes_of(start) < minutes_of(shift.end)
        if crosses and shift.id != ignore:
            return shift
    return None


class Rostering(AreaService):
    def __init__(self, records: StaffRecords, shifts: ShiftBook, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.records, self.shifts, self.audit, self.now = records, shifts, audit, now

    def add_shift(self, caller: Caller, body: ShiftIn) -> Shift:
        authz.authorize(caller, "staff.shift.create")
        practice = caller.practice_id
        member = self.records.member(practice, body.user_id)
        if member is None or not member.active:
            raise Invalid("the shift's staff member is not an active member of the practice", code="unknown_member")
        if body.location_id not in member.location_ids:
            raise Invalid("the staff member does not work at that location", code="not_at_location")
        day = self.shifts.day(practice, body.user_id, body.date)
        if (clash := overlapping(day, body.start, body.end)) is not None:
            raise Conflict(f"the staff member already works {clash.start}-{clash.end} that day",
                           {"shift_id": clash.id}, code="shift_overlap")
        at = self._at()
        shift = Shift(practice_id=practice, id=new_id(), user_id=body.user_id, location_id=body.location_id,
                      date=body.date, start=body.start, end=body.end, role=body.role or member.role, version=1,
                      created_at=at)
        changed = day.model_copy(update={"shifts": [*day.shifts, shift], "version": day.version + 1})
        self.shifts.change([shift], [], [changed], self._draft(caller, "shift.create", ENTITY, shift.id, at=at))
        return shift

    def remove_shift(self, caller: Caller, shift_id: str, expected: ExpectedVersion) -> None:
        authz.authorize(caller, "staff.shift.delete")
        version = expected()
        shift = self.shifts.shift(caller.practice_id, shift_id)
        if shift is None:
            raise NotFound("no such shift")
        if shift.version != version:
            raise stale("shift")
        day = self.shifts.day(caller.practice_id, shift.user_id, shift.date)
        changed = day.model_copy(update={"shifts": [s for s in day.shifts if s.id != shift.id],
                                         "version": day.version + 1})
        self.shifts.change([], [shift], [changed], self._draft(caller, "shift.delete", ENTITY, shift_id))

    def shift(self, caller: Caller, shift_id: str) -> Shift:
        authz.authorize(caller, "staff.roster.read")
        shift = self.shifts.shift(caller.practice_id, shift_id)
        if shift is None:
            raise NotFound("no such shift")
        return shift

    def roster(self, caller: Caller, location_id: str, first: date, last: date) -> Roster:
        authz.authorize(caller, "staff.roster.read")
        check_range(first, last, MAX_ROSTER_DAYS, "a roster")
        shifts = self.shifts.at_location(caller.practice_id, location_id, first, last)
        return Roster(location_id=location_id, first=first, last=last, shifts=shifts)

    def shifts_of(self, caller: Caller, user_id: str, first: date, last: date) -> list[Shift]:
        authz.authorize(caller, "staff.roster.read", authz.staff_member(user_id))
        check_range(first, last, MAX_ROSTER_DAYS, "a roster")
        return self.shifts.of_member(caller.practice_id, user_id, first, last)
