"""In-memory fakes of the staff area's ports. Each keeps state like the DynamoDB adapter and enforces the same
conditions (versions, a member's day, the leave calendar, ledger entries written once, idempotency keys);
tests/contract/test_staff_*.py runs one suite against both."""

from collections.abc import Sequence
from datetime import date

from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.staff.models.leave import DECIDABLE, LeaveRequest, PatientToMove, PtoEntry
from functions.staff.models.members import StaffPolicy, default_policy
from functions.staff.models.roster import CoverageRules, RosterDraft, Shift, StaffDay
from functions.staff.ports import BookedVisit, LeaveCalendar, OfferedMoves
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys

CALENDAR_CHANGED = Conflict("the staff member's leave changed meanwhile; try again", code="leave_changed")
DAY_CHANGED = Conflict("the staff member's day changed meanwhile; read the roster again", code="roster_changed")


def _check_version(stored, new_version: int, what: str, exists: Conflict | None = None) -> None:
    if new_version == 1:
        if stored is not None:
            raise exists or Conflict(f"the {what} changed meanwhile; read it again", code="conflict")
    elif stored is None or stored.version != new_version - 1:
        raise stale(what)


class Idempotent:
    """Idempotency keys as the adapter keeps them: the first answer per (practice, key)."""

    def __init__(self) -> None:
        self.keys = FakeIdempotencyKeys()

    def replay(self, practice_id: str, request) -> dict | None:
        return self.keys.replay(practice_id, request)


class FakeStaffRecords(Idempotent):
    def __init__(self, audit: FakeAuditTrail) -> None:
        super().__init__()
        self.audit = audit
        self.stored = {}

    def member(self, practice_id, user_id):
        return self.stored.get((practice_id, user_id))

    def members(self, practice_id):
        return sorted((m for (p, _), m in self.stored.items() if p == practice_id), key=lambda m: m.user_id)

    def reports_of(self, practice_id, manager_id):
        return [m for m in self.members(practice_id) if m.manager_id == manager_id]

    def quiet_since(self, practice_id, before):
        """Active members by last sign-in (else creation) before `before`, oldest first, like the sparse index."""
        since = {m.user_id: m.last_signed_in_at or m.created_at for m in self.members(practice_id) if m.active}
        return sorted((self.member(practice_id, user_id) for user_id, at in since.items() if at < before.isoformat()),
                      key=lambda m: (since[m.user_id], m.user_id))

    def sign_in(self, member, at, audit):
        with self.audit.lock:
            stored = self.member(member.practice_id, member.user_id)
            if stored is None or stored.version != member.version:
                raise stale("staff member")
            self.stored[(member.practice_id, member.user_id)] = stored.model_copy(update={"last_signed_in_at": at})
            self.audit.commit(audit)

    def add(self, member, audit, claim=None):
        with self.audit.lock:
            _check_version(self.member(member.practice_id, member.user_id), member.version, "staff member",
                           Conflict("a staff member with this user id exists", code="staff_member_exists"))
            self.keys.check(member.practice_id, claim)
            self.stored[(member.practice_id, member.user_id)] = member
            self.keys.keep(member.practice_id, claim)
            self.audit.commit(audit)

    def replace(self, member, audit):
        with self.audit.lock:
            _check_version(self.member(member.practice_id, member.user_id), member.version, "staff member")
            self.stored[(member.practice_id, member.user_id)] = member
            self.audit.commit(audit)


class FakeStaffSettings:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.policies: dict[str, StaffPolicy] = {}
        self.rules: dict[tuple[str, str], CoverageRules] = {}

    def policy(self, practice_id):
        return self.policies.get(practice_id) or default_policy(practice_id)

    def save_policy(self, policy, audit):
        with self.audit.lock:
            _check_version(self.policies.get(policy.practice_id), policy.version, "staff policy")
            self.policies[policy.practice_id] = policy
            self.audit.commit(audit)

    def coverage_rules(self, practice_id, location_id):
        return self.rules.get((practice_id, location_id)) or CoverageRules(
            practice_id=practice_id, location_id=location_id, rules=[], version=0)

    def save_coverage_rules(self, rules, audit):
        with self.audit.lock:
            _check_version(self.rules.get((rules.practice_id, rules.location_id)), rules.version, "coverage rules")
            self.rules[(rules.practice_id, rules.location_id)] = rules
            self.audit.commit(audit)


class FakeShiftBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.shifts: dict[tuple[str, str], Shift] = {}
        self.days: dict[tuple[str, str, date], StaffDay] = {}

    def shift(self, practice_id, shift_id):
        return self.shifts.get((practice_id, shift_id))

    def _sorted(self, shifts):
        return sorted(shifts, key=lambda s: (s.date, s.start, s.id))

    def at_location(self, practice_id, location_id, first, last):
        return self._sorted(s for (p, _), s in self.shifts.items()
                            if p == practice_id and s.location_id == location_id and first <= s.date <= last)

    def of_member(self, practice_id, user_id, first, last):
        return self._sorted(s for (p, _), s in self.shifts.items()
                            if p == practice_id and s.user_id == user_id and first <= s.date <= last)

    def day(self, practice_id, user_id, on):
        return self.days.get((practice_id, user_id, on)) or StaffDay(user_id=user_id, date=on, shifts=[], version=0)

    def change(self, puts: Sequence[Shift], removals: Sequence[Shift], days: Sequence[StaffDay], audit):
        practice_id = audit.practice_id
        with self.audit.lock:
            for shift in puts:
                _check_version(self.shift(shift.practice_id, shift.id), shift.version, "shift")
            for shift in removals:
                stored = self.shift(shift.practice_id, shift.id)
                if stored is None or stored.version != shift.version:
                    raise DAY_CHANGED
            for day in days:
                stored = self.days.get((practice_id, day.user_id, day.date))
                if (stored.version if stored else 0) != day.version - 1:
                    raise DAY_CHANGED
            for shift in puts:
                self.shifts[(shift.practice_id, shift.id)] = shift
            for shift in removals:
                del self.shifts[(shift.practice_id, shift.id)]
            for day in days:
                self.days[(practice_id, day.user_id, day.date)] = day
            self.audit.commit(audit)



class FakeLeaveBook(Idempotent):
    def __init__(self, audit: FakeAuditTrail) -> None:
        super().__init__()
        self.audit = audit
        self.stored: dict[tuple[str, str], LeaveRequest] = {}
        self.calendars: dict[tuple[str, str], LeaveCalendar] = {}

    def request(self, practice_id, leave_id):
        return self.stored.get((practice_id, leave_id))

    def requests_of(self, practice_id, user_id):
        return sorted((r for (p, _), r in self.stored.items() if p == practice_id and r.user_id == user_id),
                      key=lambda r: (r.first_day, r.id))

    def requests(self, practice_id, first, last):
        return sorted((r for (p, _), r in self.stored.items() if p == practice_id and first <= r.first_day <= last),
                      key=lambda r: (r.first_day, r.id))

    def waiting(self, practice_id, submitted_before):
        return sorted((r for (p, _), r in self.stored.items() if p == practice_id and r.status in DECIDABLE
                       and r.decision is None and r.submitted_at < submitted_before.isoformat()),
                      key=lambda r: (r.submitted_at, r.id))

    def calendar(self, practice_id, user_id):
        return self.calendars.get((practice_id, user_id)) or LeaveCalendar(user_id=user_id, spans=(), version=0)

    def submit(self, request, calendar, audit, events=(), claim=None):
        with self.audit.lock:
            if self.calendar(request.practice_id, request.user_id).version != calendar.version:
                raise CALENDAR_CHANGED
            _check_version(self.request(request.practice_id, request.id), request.version, "leave request")
            self.keys.check(request.practice_id, claim)
            self.stored[(request.practice_id, request.id)] = request
            spans = tuple(sorted((*calendar.spans, (request.starts_at, request.ends_at, request.id))))
            self.calendars[(request.practice_id, request.user_id)] = LeaveCalendar(request.user_id, spans,
                                                                                   calendar.version + 1)
            self.keys.keep(request.practice_id, claim)
            self.audit.commit(audit, events)

    def save(self, request, audit, events=()):
        with self.audit.lock:
            _check_version(self.request(request.practice_id, request.id), request.version, "leave request")
            self.stored[(request.practice_id, request.id)] = request
            if not request.active:
                key = (request.practice_id, request.user_id)
                calendar = self.calendar(*key)
                self.calendars[key] = LeaveCalendar(request.user_id, tuple(s for s in calendar.spans
                                                                           if s[2] != request.id), calendar.version + 1)
            self.audit.commit(audit, events)


class FakePtoLedger:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], list[PtoEntry]] = {}
        self.closed: set[tuple[str, str]] = set()

    def entries(self, practice_id, user_id):
        return sorted(self.stored.get((practice_id, user_id), []), key=lambda e: (e.on, e.id))

    def append(self, practice_id, entries, audit):
        with self.audit.lock:
            for entry in entries:
                if any(e.id == entry.id for e in self.stored.get((practice_id, entry.user_id), [])):
                    return False
            for entry in entries:
                self.stored.setdefault((practice_id, entry.user_id), []).append(entry)
            self.audit.commit(audit)
            return True

    def month_closed(self, practice_id, month):
        return (practice_id, month) in self.closed

    def close_month(self, practice_id, month):
        self.closed.add((practice_id, month))


class FakeWorkflow:
    def __init__(self) -> None:
        self.started, self.resumed = [], []

    def start(self, practice_id, leave_id, timeouts):
        self.started.append((practice_id, leave_id, timeouts))

    def resume(self, task_token, outcome):
        self.resumed.append((task_token, outcome))


class FakeNotices:
    def to_staff(self, practice_id, user_id, title, details, key):
        return DomainEvent(type="notification.requested", practice_id=practice_id, entity_id=key,
                           data={"user_id": user_id, "title": title, "details": details})


class FakePractitionerCalendar:
    """Scheduling as leave sees it: booked visits per practitioner, and the blocks leave puts on them."""

    def __init__(self) -> None:
        self.visits: dict[str, list[BookedVisit]] = {}
        self.blocks: dict[str, tuple[str, object, object]] = {}  # leave id -> (practitioner, start, end)

    def booked(self, practice_id, practitioner_id, starts_at, ends_at):
        return [v for v in self.visits.get(practitioner_id, []) if starts_at <= v.start < ends_at]

    def block(self, practice_id, practitioner_id, starts_at, ends_at, leave_id):
        self.blocks[leave_id] = (practitioner_id, starts_at, ends_at)

    def unblock(self, practice_id, practitioner_id, starts_at, ends_at, leave_id):
        self.blocks.pop(leave_id, None)


class FakeRosterDrafts:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], RosterDraft] = {}

    def draft(self, practice_id, draft_id):
        return self.stored.get((practice_id, draft_id))

    def save(self, draft, audit, events=()):
        with self.audit.lock:
            _check_version(self.draft(draft.practice_id, draft.id), draft.version, "roster draft")
            self.stored[(draft.practice_id, draft.id)] = draft
            self.audit.commit(audit, events)


class FakePatientMoves:
    """Scheduling's move offers as leave sees them: one offer per (leave, appointment), answered by the test
    (`answer`), closed once past its deadline; the worklist is what was not moved. `unofferable` names the
    appointments with no other time to offer."""

    def __init__(self, now) -> None:
        self.now = now
        self.offers: dict[tuple[str, str, str], dict] = {}  # (practice, leave, appointment) -> offer
        self.unofferable: set[str] = set()

    def offer(self, practice_id, leave_id, appointment_ids, starts_at, ends_at, deadline):
        for appointment_id in appointment_ids:
            self.offers.setdefault((practice_id, leave_id, appointment_id), {
                "status": "no_slots" if appointment_id in self.unofferable else "offered", "deadline": deadline,
                "start": starts_at})
        waiting = [o for (p, leave, _), o in self.offers.items()
                   if (p, leave) == (practice_id, leave_id) and o["status"] == "offered"]
        return OfferedMoves(open=len(waiting), deadline=max((o["deadline"] for o in waiting), default=deadline))

    def answer(self, practice_id, leave_id, appointment_id, status):
        offer = self.offers[(practice_id, leave_id, appointment_id)]
        if offer["status"] == "offered":
            offer["status"] = status

    def close(self, practice_id, leave_id):
        for (p, leave, _), offer in self.offers.items():
            if (p, leave) == (practice_id, leave_id) and offer["status"] == "offered" and \
                    offer["deadline"] <= self.now():
                offer["status"] = "unanswered"
        return len(self._to_move(practice_id, leave_id))

    def worklist(self, caller, leave_id):
        return self._to_move(caller.practice_id, leave_id)

    def withdraw(self, practice_id, leave_id):
        for (p, leave, _), offer in self.offers.items():
            if (p, leave) == (practice_id, leave_id) and offer["status"] != "moved":
                offer["status"] = "withdrawn"

    def _to_move(self, practice_id, leave_id):
        return [PatientToMove(appointment_id=a, patient_id=f"patient-of-{a}", practitioner_id="pr",
                              start=offer["start"].isoformat(), status=offer["status"])
                for (p, leave, a), offer in sorted(self.offers.items(), key=lambda kv: kv[0])
                if (p, leave) == (practice_id, leave_id) and offer["status"] in ("declined", "unanswered", "no_slots")]
