"""Moving booked patients off time their practitioner can no longer keep (approved leave): each is offered
the best other times (the same practitioner outside the span, or another who offers the type) by a signed
link per time, is rebooked on their choice, and whoever declines or does not answer by the deadline, or
has nothing to be offered, is on the front desk's worklist."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from functions.core import authz, clock
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, NotFound, PreconditionFailed
from functions.core.service import AreaService, AuditTrail
from functions.notifications.request import notification_requested
from functions.scheduling.backfill import local_text
from functions.scheduling.booking import Booking
from functions.scheduling.links import MoveLinks, MoveReply
from functions.scheduling.models.appointments import RescheduleIn
from functions.scheduling.models.moves import TO_MOVE, AppointmentMove, MoveChoice, MoveList, MoveView
from functions.scheduling.ports import AppointmentBook, MoveBook, SchedulingSetup
from functions.scheduling.slot_rules import Interval, Slot
from functions.scheduling.slots import SlotSearch

CHOICES = 3  # times offered per patient
LOOK_AHEAD = timedelta(days=28)  # how far past the span alternatives are looked for
MOVABLE = ("booked", "confirmed")
READ = "scheduling.move.read"
OFFER_TEMPLATE = "appointment.move.offer"
WITHDRAWN_TEMPLATE = "appointment.move.withdrawn"


def best(slots: list[Slot], original: datetime, practitioner_id: str, avoid: Interval) -> list[Slot]:
    """The offered times: never in the avoided span with the same practitioner; the closest to the original
    time first, the same practitioner before another at the same distance; one time per start, and no two
    that hold the same practitioner at once (taking one must not take the others)."""
    fitting = [s for s in slots if not (s.practitioner_id == practitioner_id
                                        and s.start < avoid.end and avoid.start < s.end)]
    ranked = sorted(fitting, key=lambda s: (abs(s.start - original), s.practitioner_id != practitioner_id))
    chosen: list[Slot] = []
    for slot in ranked:
        if all(slot.start != c.start and not (slot.practitioner_id == c.practitioner_id
                                               and slot.start < c.hold_end and c.start < slot.hold_end)
               for c in chosen):
            chosen.append(slot)
        if len(chosen) == CHOICES:
            break
    return sorted(chosen, key=lambda s: s.start)


class AppointmentMoves(AreaService):
    def __init__(self, setup: SchedulingSetup, appointments: AppointmentBook, moves: MoveBook, slots: SlotSearch,
                 booking: Booking, links: MoveLinks | None, audit: AuditTrail, *,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.setup, self.appointments, self.moves, self.slots = setup, appointments, moves, slots
        self.booking, self.links, self.audit, self.now = booking, links, audit, now

    def offer(self, practice_id: str, reason: str, appointment_id: str, avoid_start: datetime,
              avoid_end: datetime, deadline: datetime) -> AppointmentMove | None:
        """Offer once per (reason, appointment): a retried offer finds the first and sends nothing. None when
        the appointment is no longer booked (cancelled or moved meanwhile)."""
        if (existing := self.moves.move(practice_id, reason, appointment_id)) is not None:
            return existing
        appointment = self.appointments.appointment(practice_id, appointment_id)
        if appointment is None or appointment.status not in MOVABLE:
            return None
        setup = self.setup.current(practice_id)
        kind = setup.types.get(appointment.type_id)
        avoid = Interval(avoid_start.astimezone(UTC), avoid_end.astimezone(UTC))
        slots: list[Slot] = []
        if kind is not None and kind.active:
            practitioners = [setup.practitioners[p] for p in kind.practitioner_ids
                             if p in setup.practitioners and setup.practitioners[p].active]
            window = Interval(self.now(), max(avoid.end, self.now()) + LOOK_AHEAD)
            slots = self.slots.find(practice_id, setup, kind, practitioners, window, exclude=appointment.id,
                                    patient=appointment.patient_id)
        offered = best(slots, appointment.start_at, appointment.practitioner_id, avoid)
        at = self._at()
        move = AppointmentMove(
            reason=reason, appointment_id=appointment.id, patient_id=appointment.patient_id,
            practitioner_id=appointment.practitioner_id, type_id=appointment.type_id, start=appointment.start,
            status="offered" if offered else "no_slots", deadline=clock.iso(deadline),
            choices=[MoveChoice(practitioner_id=s.practitioner_id, start=clock.iso(s.start), end=clock.iso(s.end))
                     for s in offered], created_at=at, version=1, updated_at=at)
        events = [self._message(practice_id, move, setup.zone, setup.policy.practice_name)] if offered else []
        try:
            self.moves.save(practice_id, move, None, self._draft(self._system(practice_id), "move.offer",
                                                                 "APPOINTMENT", appointment.id,
                                                                 appointment.patient_id), events)
        except PreconditionFailed:  # offered meanwhile by a retry running beside this one
            return self.moves.move(practice_id, reason, appointment_id)
        return move

    def peek(self, token: str) -> MoveView:
        """What a move link shows, changing nothing (a GET never acts: mail scanners open links)."""
        reply = self._reply(token)
        return self._view(reply, self._move(reply))

    def answer(self, token: str) -> MoveView:
        """The patient's choice: rebooked once however often it is posted; a time taken meanwhile is 409 and the
        offer stays open for another choice; -1 declines (the front desk calls)."""
        reply = self._reply(token)
        move = self._move(reply)
        patient = Caller(user_id=f"link:{move.patient_id}", practice_id=reply.practice_id,
                         roles=frozenset({Role.PATIENT}), patient_id=move.patient_id, request_id="move-link")
        if reply.choice < 0:
            if move.status == "offered":
                move = self._close(move, "declined", patient, "move.decline")
            return self._view(reply, move)
        if not 0 <= reply.choice < len(move.choices):
            raise NotFound("no such offered time", code="move_choice_not_found")
        choice = move.choices[reply.choice]
        if move.status == "moved":
            if move.moved_to == choice:
                return self._view(reply, move)  # a second click: rebooked once
            raise Conflict("the appointment was already moved to another offered time", code="already_moved")
        if move.status != "offered":
            raise Conflict("this offer is closed; please call the practice", code="move_closed")
        if datetime.fromisoformat(move.deadline) <= self.now():
            raise Conflict("this offer has expired; please call the practice", code="offer_expired")
        appointment = self.appointments.appointment(reply.practice_id, move.appointment_id)
        if appointment is None or appointment.status not in MOVABLE:
            raise Conflict("the appointment can no longer be moved", code="invalid_transition")
        start = datetime.fromisoformat(choice.start)
        if not (appointment.start_at == start and appointment.practitioner_id == choice.practitioner_id):
            try:  # else rebooked before its move was recorded: record it now
                self.booking.reschedule(patient, appointment.id, RescheduleIn(
                    start=start, practitioner_id=choice.practitioner_id), lambda: appointment.version)
            except PreconditionFailed:
                raise
            except Conflict:
                raise Conflict("that time was taken meanwhile; please choose another", code="offer_taken") from None
        moved = self._close(move, "moved", patient, "move.accept", moved_to=choice)
        return self._view(reply, moved)

    def expire(self, practice_id: str, reason: str) -> int:
        """Offers past their deadline go to the worklist as unanswered; how many are still to move."""
        system = self._system(practice_id)
        for move in self.moves.of_reason(practice_id, reason):
            if move.status == "offered" and datetime.fromisoformat(move.deadline) <= self.now():
                try:
                    self._close(move, "unanswered", system, "move.expire")
                except PreconditionFailed:
                    continue  # answered meanwhile
        return len(self.to_move(practice_id, reason))

    def withdraw(self, practice_id: str, reason: str) -> int:
        """The reason went away (the leave was withdrawn): open offers close and nobody is left to move; a
        patient already moved keeps the new time. How many were withdrawn."""
        system = self._system(practice_id)
        withdrawn = 0
        setup = None
        for move in self.moves.of_reason(practice_id, reason):
            if move.status == "offered" or move.status in TO_MOVE:
                events = []
                if move.status == "offered":  # they were asked to choose: tell them the visit stands
                    setup = setup or self.setup.current(practice_id)
                    events = [self._stands(practice_id, move, setup.zone, setup.policy.practice_name)]
                try:
                    self._close(move, "withdrawn", system, "move.withdraw", events=events)
                except PreconditionFailed:
                    continue  # answered meanwhile
                withdrawn += 1
        return withdrawn

    def to_move(self, practice_id: str, reason: str) -> list[AppointmentMove]:
        return [m for m in self.moves.of_reason(practice_id, reason) if m.status in TO_MOVE]

    def worklist(self, caller: Caller, reason: str) -> MoveList:
        """The patients still to move for the front desk (declined, unanswered, nothing to offer), audited."""
        authz.authorize(caller, READ)
        moves = self.to_move(caller.practice_id, reason)
        self.audit.record(self._draft(caller, "move.worklist", "APPOINTMENT_MOVES", reason, None))
        return MoveList(moves=moves)

    def _close(self, move: AppointmentMove, status: str, caller: Caller, action: str,
               moved_to: MoveChoice | None = None, events=()) -> AppointmentMove:
        closed = move.model_copy(update={"status": status, "moved_to": moved_to, "version": move.version + 1,
                                         "updated_at": self._at()})
        self.moves.save(caller.practice_id, closed, move.version,
                        self._draft(caller, action, "APPOINTMENT", move.appointment_id, move.patient_id), events)
        return closed

    def _message(self, practice_id: str, move: AppointmentMove, zone, practice_name: str):
        expires = int(datetime.fromisoformat(move.deadline).timestamp())
        lines = []
        for index, choice in enumerate(move.choices):
            link = self._link(practice_id, move, index, expires)
            lines.append(f"{local_text(datetime.fromisoformat(choice.start), zone)}: {link}")
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "patient", "patient_id": move.patient_id},
            template=OFFER_TEMPLATE, source={"area": "scheduling", "entity": "appointment",
                                             "entity_id": move.appointment_id},
            idempotency_key=f"move-offer-{move.reason}-{move.appointment_id}"[:128],
            data={"practice_name": practice_name,
                  "appointment_time": local_text(datetime.fromisoformat(move.start), zone),
                  "deadline": local_text(datetime.fromisoformat(move.deadline), zone),
                  "choices": "\n".join(lines), "decline_link": self._link(practice_id, move, -1, expires)})

    def _stands(self, practice_id: str, move: AppointmentMove, zone, practice_name: str):
        """The offer is closed because the reason went away: the earlier message's links now answer "closed",
        so the patient hears that their visit goes ahead as booked."""
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "patient", "patient_id": move.patient_id},
            template=WITHDRAWN_TEMPLATE, source={"area": "scheduling", "entity": "appointment",
                                                 "entity_id": move.appointment_id},
            idempotency_key=f"move-withdrawn-{move.reason}-{move.appointment_id}"[:128],
            data={"practice_name": practice_name,
                  "appointment_time": local_text(datetime.fromisoformat(move.start), zone)})

    def _link(self, practice_id: str, move: AppointmentMove, choice: int, expires: int) -> str:
        if self.links is None:
            return "(sign in to choose)"
        return self.links.link(MoveReply(practice_id, move.reason, move.appointment_id, choice, expires))

    def _move(self, reply: MoveReply) -> AppointmentMove:
        move = self.moves.move(reply.practice_id, reply.reason, reply.appointment_id)
        if move is None:
            raise NotFound("no such offer", code="move_not_found")
        return move

    def _reply(self, token: str) -> MoveReply:
        if self.links is None:
            raise NotFound("no such route", code="no_route")
        return self.links.verify(token, self.now())

    def _view(self, reply: MoveReply, move: AppointmentMove) -> MoveView:
        setup = self.setup.current(reply.practice_id)
        zone = setup.zone
        choices = [local_text(datetime.fromisoformat(c.start), zone) for c in move.choices]
        return MoveView(practice=setup.policy.practice_name, time_zone=setup.policy.time_zone, status=move.status,
                        choices=choices, link_choice=choices[reply.choice] if 0 <= reply.choice < len(choices)
                        else None,
                        chosen=local_text(datetime.fromisoformat(move.moved_to.start), zone) if move.moved_to
                        else None)

    @staticmethod
    def _system(practice_id: str) -> Caller:
        return Caller(user_id="system:scheduling-moves", practice_id=practice_id, roles=frozenset(),
                      request_id="appointment-moves")
