"""Roster suggestions: the coordinator asks for a week's draft at a location, the solver's own function
proposes it (asynchronously: an outbox event starts it), and the coordinator publishes the draft to the roster.
The draft says what it could not cover, in the coverage report's words."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.staff.coverage import clock_time, gaps
from functions.staff.leave_effects import workflow_caller
from functions.staff.models.common import minutes_of
from functions.staff.models.roster import DraftIn, DraftShift, RosterDraft, Shift, StaffDay
from functions.staff.ports import (
    Candidate,
    LeaveBook,
    RosterDrafts,
    RosterProblem,
    RosterSolver,
    ShiftBook,
    StaffRecords,
    StaffSettings,
)
from functions.staff.roster import overlapping

ENTITY = "ROSTER_DRAFT"
REQUESTED = "staff.roster.draft_requested"
WHOLE_DAY = ((0, 24 * 60),)
DAYS_PER_PUBLISH = 20  # member-days per transaction: each is a day item and its shifts, well under 100 items


class RosterSuggestions(AreaService):
    def __init__(self, records: StaffRecords, settings: StaffSettings, shifts: ShiftBook, leave: LeaveBook,
                 drafts: RosterDrafts, solver: Callable[[], RosterSolver] | None, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.records, self.settings, self.shifts, self.leave = records, settings, shifts, leave
        self.drafts, self.solver, self.audit, self.now = drafts, solver, audit, now

    def request(self, caller: Caller, body: DraftIn) -> RosterDraft:
        authz.authorize(caller, "staff.draft.create")
        last = body.week_of + timedelta(days=6)
        if self.shifts.at_location(caller.practice_id, body.location_id, body.week_of, last):
            raise Conflict("the week already has shifts at this location; a draft fills an empty week",
                           code="roster_not_empty")
        at = self._at()
        draft = RosterDraft(practice_id=caller.practice_id, id=new_id(), location_id=body.location_id,
                            week_of=body.week_of, shift_hours=body.shift_hours, status="solving",
                            requested_by=caller.user_id, version=1, created_at=at)
        self.drafts.save(draft, self._draft(caller, "roster_draft.request", ENTITY, draft.id, at=at),
                         [self._event(REQUESTED, caller, draft.id)])
        return draft

    def draft(self, caller: Caller, draft_id: str) -> RosterDraft:
        authz.authorize(caller, "staff.draft.read")
        draft = self.drafts.draft(caller.practice_id, draft_id)
        if draft is None:
            raise NotFound("no such roster draft")
        return draft

    def problem(self, draft: RosterDraft) -> RosterProblem:
        """What the solver needs: who may work at the location that week, for how long and when (their
        availability, less approved leave and days they already work elsewhere), and the location's rules."""
        practice = draft.practice_id
        days = tuple(draft.week_of + timedelta(days=n) for n in range(7))
        rules = self.settings.coverage_rules(practice, draft.location_id).rules
        candidates = []
        for member in self.records.members(practice):
            if not member.active or draft.location_id not in member.location_ids:
                continue
            busy = {s.date for s in self.shifts.of_member(practice, member.user_id, days[0], days[-1])}
            worked = sum(s.minutes for s in self.shifts.of_member(practice, member.user_id, days[0], days[-1]))
            away = {d for leave in self.leave.requests_of(practice, member.user_id) if leave.status == "approved"
                    for d in days if leave.first_day <= d <= leave.last_day}
            windows = {}
            for day in days:
                if day in busy or day in away:
                    continue
                mine = [w for w in member.availability if w.weekday == day.weekday()]
                if member.availability and not mine:
                    continue
                windows[day] = tuple((minutes_of(w.start), minutes_of(w.end)) for w in mine) or WHOLE_DAY
            candidates.append(Candidate(member.user_id, str(member.role),
                                        max(0, round(member.contracted_hours * 60) - worked), windows))
        return RosterProblem(location_id=draft.location_id, days=days, shift_minutes=draft.shift_hours * 60,
                             candidates=tuple(candidates), rules=tuple(rules))

    def solve(self, practice_id: str, draft_id: str) -> RosterDraft:
        """The solver function's work: propose the shifts, and name the gaps they leave."""
        draft = self.drafts.draft(practice_id, draft_id)
        if draft is None or draft.status != "solving":
            return draft  # a redelivered event: solved already
        problem = self.problem(draft)
        solution = self.solver().solve(problem)
        roles = {c.user_id: c.role for c in problem.candidates}
        shifts = [DraftShift(user_id=a.user_id, date=a.day, start=clock_time(a.start), end=clock_time(a.end),
                             role=roles[a.user_id]) for a in solution.assignments]
        rules = self.settings.coverage_rules(practice_id, draft.location_id).rules
        found = gaps(draft.location_id, rules, shifts, problem.days[0], problem.days[-1])
        solved = draft.model_copy(update={
            "status": "infeasible" if solution.status == "infeasible" else "ready", "shifts": shifts, "gaps": found,
            "solve_seconds": round(solution.seconds, 3), "version": draft.version + 1})
        self.drafts.save(solved, self._draft(workflow_caller(practice_id), "roster_draft.solve", ENTITY, draft_id))
        return solved

    def publish(self, caller: Caller, draft_id: str) -> RosterDraft:
        """Put the draft's shifts on the roster. Each member-day is checked against what it holds now (a shift
        added since the draft was made is a 409 naming it); publishing again adds what is missing only."""
        authz.authorize(caller, "staff.draft.publish")
        draft = self.draft(caller, draft_id)
        if draft.status != "ready":
            raise Conflict(f"the draft is {draft.status}; only a ready draft is published", code="draft_not_ready")
        practice, at = caller.practice_id, self._at()
        changes: list[tuple[list[Shift], StaffDay]] = []
        by_day: dict[tuple[str, date], list[DraftShift]] = {}
        for proposed in draft.shifts:
            by_day.setdefault((proposed.user_id, proposed.date), []).append(proposed)
        for (user_id, day), proposals in sorted(by_day.items()):
            current = self.shifts.day(practice, user_id, day)
            new = []
            for p in proposals:
                if any(s.draft_id == draft.id and s.start == p.start for s in current.shifts):
                    continue
                if (clash := overlapping(current, p.start, p.end)) is not None:
                    raise Conflict(f"{user_id} already works {clash.start}-{clash.end} on {day}",
                                   {"shift_id": clash.id}, code="shift_overlap")
                new.append(Shift(practice_id=practice, id=new_id(), user_id=user_id, location_id=draft.location_id,
                                 date=day, start=p.start, end=p.end, role=p.role, draft_id=draft.id, version=1,
                                 created_at=at))
            if new:
                changes.append((new, current.model_copy(update={"shifts": [*current.shifts, *new],
                                                                "version": current.version + 1})))
        for n in range(0, len(changes), DAYS_PER_PUBLISH):
            chunk = changes[n:n + DAYS_PER_PUBLISH]
            self.shifts.change([s for new, _ in chunk for s in new], [], [day for _, day in chunk],
                               self._draft(caller, "roster_draft.publish_shifts", ENTITY, draft.id, at=at))
        published = draft.model_copy(update={"status": "published", "version": draft.version + 1})
        self.drafts.save(published, self._draft(caller, "roster_draft.publish", ENTITY, draft.id, at=at))
        return published
