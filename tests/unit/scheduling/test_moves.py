"""Moving booked patients off a practitioner's leave, on the fakes: the times offered never fall in the leave,
an offer is made once, a choice rebooks once, a time taken meanwhile is 409 and another may be chosen, and
whoever declines or lets the deadline pass is on the front desk's worklist."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from functions.core.errors import Conflict, Forbidden, Invalid
from functions.notifications.templates import builtin, render
from functions.scheduling.links import MoveLinks, MoveReply, ReplyLinks
from functions.scheduling.wiring import wire
from tests.fakes.scheduling import State, fake_stores
from tests.unit.scheduling.support import (
    COORDINATOR,
    DESK,
    MONDAY_NINE,
    PRACTICE,
    WEDNESDAY_TEN,
    Clinic,
    open_clinic,
    patient,
)

REASON = "leave-L1"
SECRET = b"m" * 32
LEAVE_START = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)  # Wednesday 00:00 in New York
LEAVE_END = LEAVE_START + timedelta(days=1)
DEADLINE = MONDAY_NINE + timedelta(hours=24)


@pytest.fixture(name="clinic")
def moving_clinic() -> Clinic:
    base = open_clinic()
    ids = count(1000)
    state: State = base.state
    base.scheduling = wire(fake_stores(state), ReplyLinks(lambda: b"k" * 32), now=base.clock.now,
                           make_id=lambda: f"id{next(ids):04d}", move_links=MoveLinks(lambda: SECRET))
    return base


def token(appointment_id: str, choice: int) -> str:
    return MoveLinks(lambda: SECRET).token(MoveReply(PRACTICE, REASON, appointment_id, choice,
                                                     int(DEADLINE.timestamp())))


def offer(clinic: Clinic, appointment):
    return clinic.scheduling.moves.offer(PRACTICE, REASON, appointment.id, LEAVE_START, LEAVE_END, DEADLINE)


def test_offered_times_never_fall_in_the_leave_and_an_offer_is_made_once(clinic):
    booked = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    move = offer(clinic, booked)
    assert move.status == "offered" and len(move.choices) == 3
    for choice in move.choices:
        start = datetime.fromisoformat(choice.start)
        assert choice.practitioner_id == clinic.dr_b or not LEAVE_START <= start < LEAVE_END
    assert offer(clinic, booked) == move
    assert clinic.events().count("notification.requested") == 1
    assert clinic.actions().count("move.offer") == 1


def test_the_offer_renders_on_every_channel_with_its_links_in_the_email_only(clinic):
    booked = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    offer(clinic, booked)
    (notice,) = [e for e in clinic.state.events if e.type == "notification.requested"]
    request = notice.data["request"]
    assert request["template"] == "appointment.move.offer"
    long_links = {**request["data"], "choices": "\n".join(f"Mon 9:00: https://api.example/{'t' * 180}{n}"
                                                          for n in range(3)),
                  "decline_link": f"https://api.example/{'d' * 180}"}
    rendered = render(builtin("appointment.move.offer", "en"), long_links)  # four signed links: no SMS limit met
    assert long_links["decline_link"] in rendered.text and "https://" not in rendered.sms
    assert request["data"]["appointment_time"] in rendered.sms


def test_accepting_twice_rebooks_once(clinic):
    booked = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    move = offer(clinic, booked)
    first = clinic.scheduling.moves.answer(token(booked.id, 0))
    again = clinic.scheduling.moves.answer(token(booked.id, 0))
    assert first == again and first.status == "moved"
    moved = clinic.state.appointments[(PRACTICE, booked.id)]
    assert (moved.start, moved.practitioner_id) == (move.choices[0].start, move.choices[0].practitioner_id)
    assert clinic.actions().count("appointment.reschedule") == 1
    with pytest.raises(Conflict) as other:
        clinic.scheduling.moves.answer(token(booked.id, 1))
    assert other.value.code == "already_moved"


def test_a_time_taken_meanwhile_is_409_and_the_patient_may_choose_another(clinic):
    booked = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    move = offer(clinic, booked)
    taken = move.choices[0]
    clinic.book(patient_id="pat-2", start=datetime.fromisoformat(taken.start), practitioner=taken.practitioner_id)
    with pytest.raises(Conflict) as lost:
        clinic.scheduling.moves.answer(token(booked.id, 0))
    assert lost.value.code == "offer_taken"
    assert clinic.scheduling.moves.answer(token(booked.id, 1)).status == "moved"
    assert clinic.state.appointments[(PRACTICE, booked.id)].start == move.choices[1].start


def test_declined_and_unanswered_offers_are_on_the_front_desks_worklist(clinic):
    declines = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    silent = clinic.book(patient_id="pat-3", start=WEDNESDAY_TEN + timedelta(hours=1), practitioner=clinic.dr_a)
    offer(clinic, declines)
    offer(clinic, silent)
    assert clinic.scheduling.moves.answer(token(declines.id, -1)).status == "declined"
    assert clinic.scheduling.moves.expire(PRACTICE, REASON) == 1  # the deadline has not passed for the other
    clinic.clock.advance(timedelta(hours=25))
    assert clinic.scheduling.moves.expire(PRACTICE, REASON) == 2
    worklist = clinic.scheduling.moves.worklist(DESK, REASON).moves
    assert {(m.appointment_id, m.status) for m in worklist} == {(declines.id, "declined"), (silent.id, "unanswered")}
    with pytest.raises(Invalid):  # too late to choose: the link has expired, the desk calls
        clinic.scheduling.moves.answer(token(silent.id, 0))
    assert clinic.scheduling.moves.worklist(COORDINATOR, REASON).moves == worklist
    with pytest.raises(Forbidden):
        clinic.scheduling.moves.worklist(patient("pat-1"), REASON)


def test_a_cancelled_appointment_is_not_offered(clinic):
    cancelled = clinic.cancel(clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a), reason="practice")
    assert offer(clinic, cancelled) is None
    assert clinic.scheduling.moves.to_move(PRACTICE, REASON) == []


def test_withdrawn_moves_close_their_links_and_leave_nobody_to_move_but_keep_a_move_made(clinic):
    moved = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    waiting = clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(hours=1), practitioner=clinic.dr_a)
    declined = clinic.book(patient_id="pat-3", start=WEDNESDAY_TEN + timedelta(hours=2), practitioner=clinic.dr_a)
    for appointment in (moved, waiting, declined):
        offer(clinic, appointment)
    clinic.scheduling.moves.answer(token(moved.id, 0))
    clinic.scheduling.moves.answer(token(declined.id, -1))

    assert clinic.scheduling.moves.withdraw(PRACTICE, REASON) == 2
    assert clinic.scheduling.moves.to_move(PRACTICE, REASON) == []
    with pytest.raises(Conflict) as closed:
        clinic.scheduling.moves.answer(token(waiting.id, 0))
    assert closed.value.code == "move_closed"
    assert clinic.scheduling.moves.peek(token(moved.id, 0)).status == "moved"


def test_a_patient_still_asked_to_choose_hears_their_visit_stands_when_the_reason_goes_away(clinic):
    waiting = clinic.book(start=WEDNESDAY_TEN, practitioner=clinic.dr_a)
    declined = clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(hours=1), practitioner=clinic.dr_a)
    for appointment in (waiting, declined):
        offer(clinic, appointment)
    clinic.scheduling.moves.answer(token(declined.id, -1))  # declined: the desk calls them, no second message
    before = len(clinic.state.events)

    clinic.scheduling.moves.withdraw(PRACTICE, REASON)
    clinic.scheduling.moves.withdraw(PRACTICE, REASON)  # a retried step tells nobody twice

    (notice,) = clinic.state.events[before:]
    request = notice.data["request"]
    assert (request["recipient"]["kind"], request["recipient"]["patient_id"]) == ("patient", waiting.patient_id)
    assert request["template"] == "appointment.move.withdrawn"
    assert "goes ahead as booked" in render(builtin("appointment.move.withdrawn", "en"), request["data"]).subject
