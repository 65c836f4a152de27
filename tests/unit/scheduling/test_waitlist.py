"""The waitlist on the fakes: a freed time goes to the first waiting entry it suits, first come first served;
accept books it in the same commit, decline and expiry pass it on."""

from datetime import date, timedelta

import pytest

from functions.core.errors import Conflict, Invalid, NotFound
from functions.scheduling.models.waitlist import WaitlistIn
from tests.unit.scheduling.support import (
    DESK,
    PRACTICE,
    WEDNESDAY_TEN,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    patient,
)

WEEK = {"earliest": date(2026, 3, 2), "latest": date(2026, 3, 9)}


def join(clinic, patient_id, **fields):
    body = WaitlistIn(type_id=clinic.visit, **{**WEEK, **fields})
    return clinic.scheduling.waitlist.join(patient(patient_id), body)


def entries(clinic) -> dict[str, object]:
    return {e.patient_id: e for e in clinic.scheduling.waitlist.entries(DESK).entries}


def test_a_cancel_offers_the_time_to_the_first_waiting_entry_it_suits(clinic):
    booked = clinic.book()
    join(clinic, "pat-2", practitioner_id=clinic.dr_b)  # another practitioner only: not suited
    join(clinic, "pat-3")
    join(clinic, "pat-4")
    clinic.cancel(booked)
    waiting = entries(clinic)
    assert waiting["pat-2"].status == "waiting" and waiting["pat-4"].status == "waiting"
    offer = waiting["pat-3"].offer
    assert waiting["pat-3"].status == "offered" and offer.start == booked.start
    assert offer.expires_at == "2026-03-02T16:00:00.000Z"  # two hours by default
    (message,) = [e for e in clinic.state.events if e.type == "notification.requested"]
    assert message.data["request"]["recipient"]["patient_id"] == "pat-3"


def test_accepting_books_the_offer_and_marks_the_entry_booked(clinic):
    booked = clinic.book(start=WEDNESDAY_TEN + timedelta(hours=1))
    entry = join(clinic, "pat-3")
    clinic.cancel(booked)
    offered = clinic.state.waitlist[(PRACTICE, entry.id)]
    appointment = clinic.scheduling.waitlist.accept(patient("pat-3"), entry.id, lambda: offered.version)
    assert appointment.patient_id == "pat-3" and appointment.start == offered.offer.start
    booked_entry = clinic.state.waitlist[(PRACTICE, entry.id)]
    assert booked_entry.status == "booked" and booked_entry.appointment_id == appointment.id
    assert clinic.scheduling.waitlist.entries(patient("pat-3")).entries == []


def test_declining_passes_the_offer_to_the_next_in_line(clinic):
    booked = clinic.book()
    first, _ = join(clinic, "pat-2"), join(clinic, "pat-3")
    clinic.cancel(booked)
    offered = clinic.state.waitlist[(PRACTICE, first.id)]
    clinic.scheduling.waitlist.decline(patient("pat-2"), first.id, lambda: offered.version)
    waiting = entries(clinic)
    assert waiting["pat-2"].status == "waiting" and waiting["pat-3"].status == "offered"
    assert waiting["pat-2"].offered_slots  # not offered the same time again


def test_an_expired_offer_passes_to_the_next_in_line(clinic):
    booked = clinic.book()
    join(clinic, "pat-2")
    join(clinic, "pat-3")
    clinic.cancel(booked)
    assert clinic.scheduling.waitlist.expire_offers(PRACTICE) == 0
    clinic.clock.advance(timedelta(hours=2, minutes=1))
    assert clinic.scheduling.waitlist.expire_offers(PRACTICE) == 1
    waiting = entries(clinic)
    assert waiting["pat-2"].status == "waiting" and waiting["pat-3"].status == "offered"
    with pytest.raises(Conflict) as lapsed:
        clinic.scheduling.waitlist.accept(patient("pat-2"), waiting["pat-2"].id, lambda: waiting["pat-2"].version)
    assert lapsed.value.code == "no_offer"


def test_an_offer_taken_meanwhile_is_409_and_the_patient_stays_waiting(clinic):
    booked = clinic.book()
    entry = join(clinic, "pat-3")
    clinic.cancel(booked)
    clinic.book(patient_id="pat-2")  # someone books the freed time first
    offered = clinic.state.waitlist[(PRACTICE, entry.id)]
    with pytest.raises(Conflict) as taken:
        clinic.scheduling.waitlist.accept(patient("pat-3"), entry.id, lambda: offered.version)
    assert taken.value.code == "offer_taken"
    assert clinic.state.waitlist[(PRACTICE, entry.id)].status == "waiting"


def test_withdrawing_an_offered_entry_passes_the_offer_on(clinic):
    booked = clinic.book()
    first, _ = join(clinic, "pat-2"), join(clinic, "pat-3")
    clinic.cancel(booked)
    assert clinic.scheduling.waitlist.withdraw(patient("pat-2"), first.id).status == "withdrawn"
    assert entries(clinic)["pat-3"].status == "offered"
    with pytest.raises(Conflict):
        clinic.scheduling.waitlist.withdraw(patient("pat-2"), first.id)


def test_a_window_in_the_past_is_refused(clinic):
    with pytest.raises(Invalid) as past:
        join(clinic, "pat-2", earliest=date(2026, 2, 1), latest=date(2026, 2, 5))
    assert past.value.code == "window_in_past"


def test_a_patient_sees_and_touches_only_their_own_entries(clinic):
    mine, theirs = join(clinic, "pat-2"), join(clinic, "pat-3")
    assert [e.id for e in clinic.scheduling.waitlist.entries(patient("pat-2")).entries] == [mine.id]
    with pytest.raises(NotFound):
        clinic.scheduling.waitlist.withdraw(patient("pat-2"), theirs.id)
