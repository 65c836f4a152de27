"""Registration by patients on fakes: capacity, the waitlist and its promotion, deadlines, the audience, one
registration each, and who may register, cancel and read whom."""

from datetime import timedelta

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from functions.outreach.models.registrations import RegistrationIn
from functions.outreach.models.workshops import WorkshopPatch
from tests.support import race
from tests.unit.outreach.support import (
    PRACTICE,
    Outreach,
    coordinator,
    patient_user,
    staff_user,
    workshop_in,
)


def _register(world, patient, workshop_id):
    world.clock.advance(timedelta(seconds=1))  # the waitlist is in the order people joined it
    return world.registrations.register(patient_user(patient), RegistrationIn(workshop_id=workshop_id))


def test_places_go_to_the_first_and_the_rest_wait_in_order():
    world = Outreach()
    workshop = world.published(capacity=2)
    statuses = [_register(world, p, workshop.id).status for p in world.patients(4)]
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]
    counted = world.workshops.read(coordinator(), workshop.id)
    assert (counted.registered, counted.waitlisted, counted.places_left) == (2, 2, 0)
    told = world.notices("outreach.registration.confirmed")
    assert [n["data"]["status"] for n in told] == statuses


def test_thirty_at_once_for_twenty_places_give_twenty_registered_and_ten_waitlisted():
    world = Outreach()
    workshop = world.published(capacity=20)
    patients = world.patients(30)
    results, errors = race(lambda: world.registrations,
                           lambda service, i: service.register(patient_user(patients[i]),
                                                               RegistrationIn(workshop_id=workshop.id)), 30)
    assert errors == []
    assert sorted(r.status for r in results).count("registered") == 20
    assert [r.status for r in results].count("waitlisted") == 10


def test_a_cancelled_place_goes_to_the_first_waitlisted_who_is_told():
    world = Outreach()
    workshop = world.published(capacity=1)
    first, second, third = (_register(world, p, workshop.id) for p in world.patients(3))
    world.registrations.cancel(patient_user(first.patient_id), first.id, lambda: 1)
    assert world.state.registration(PRACTICE, second.id).status == "registered"
    assert world.state.registration(PRACTICE, third.id).status == "waitlisted"
    promoted = world.notices("outreach.waitlist.promoted")
    assert [n["recipient"]["patient_id"] for n in promoted] == [second.patient_id]
    counted = world.workshops.read(coordinator(), workshop.id)
    assert (counted.registered, counted.waitlisted) == (1, 1)


def test_promoting_again_after_a_crash_promotes_no_one_twice():
    world = Outreach()
    workshop = world.published(capacity=1)
    first, second = (_register(world, p, workshop.id) for p in world.patients(2))
    world.registrations.cancel(coordinator(), first.id, lambda: 1)
    assert world.registrations.promote_waitlist(coordinator(), world.state.workshop(PRACTICE, workshop.id)) == 0
    assert len(world.notices("outreach.waitlist.promoted")) == 1


def test_a_cancelled_waitlist_spot_frees_no_place_and_promotes_no_one():
    world = Outreach()
    workshop = world.published(capacity=1)
    _, waiting, last = (_register(world, p, workshop.id) for p in world.patients(3))
    world.registrations.cancel(coordinator(), waiting.id, lambda: 1)
    assert world.state.registration(PRACTICE, last.id).status == "waitlisted"
    assert world.notices("outreach.waitlist.promoted") == []


def test_a_cancelled_registration_may_register_again_but_two_at_once_is_refused():
    world = Outreach()
    workshop = world.published()
    (patient,) = world.patients(1)
    first = _register(world, patient, workshop.id)
    with pytest.raises(Conflict, match="already"):
        _register(world, patient, workshop.id)
    world.registrations.cancel(patient_user(patient), first.id, lambda: 1)
    with pytest.raises(Conflict, match="cancelled already"):
        world.registrations.cancel(patient_user(patient), first.id, lambda: 2)
    assert _register(world, patient, workshop.id).status == "registered"


def test_registration_closes_at_the_deadline():
    world = Outreach()
    workshop = world.published()
    (patient,) = world.patients(1)
    world.clock.at = workshop.registration_deadline + timedelta(seconds=1)
    with pytest.raises(Conflict, match="closed"):
        _register(world, patient, workshop.id)


def test_a_closed_workshop_takes_no_registration():
    world = Outreach()
    workshop = world.published()
    (patient,) = world.patients(1)
    assert world.state.facts().close_registration(PRACTICE, workshop.id)
    with pytest.raises(Conflict, match="closed"):
        _register(world, patient, workshop.id)


def test_a_patient_outside_the_audience_cannot_find_the_workshop_and_staff_cannot_register_them():
    world = Outreach()
    workshop = world.published(audience={"topics": ["diabetes"], "languages": ["es"]})
    (patient,) = world.patients(1)  # English
    with pytest.raises(NotFound):
        _register(world, patient, workshop.id)
    with pytest.raises(Conflict, match="audience"):
        world.registrations.register(coordinator(), RegistrationIn(workshop_id=workshop.id, patient_id=patient))


def test_a_draft_workshop_cannot_be_registered_for():
    world = Outreach()
    draft = world.workshops.create(coordinator(), workshop_in())
    (patient,) = world.patients(1)
    with pytest.raises(NotFound):
        _register(world, patient, draft.id)
    with pytest.raises(Conflict, match="closed"):
        world.registrations.register(coordinator(), RegistrationIn(workshop_id=draft.id, patient_id=patient))


def test_a_patient_registers_only_themself_and_sees_only_their_own():
    world = Outreach()
    workshop = world.published()
    mine, theirs = world.patients(2)
    with pytest.raises(Forbidden):
        world.registrations.register(patient_user(mine), RegistrationIn(workshop_id=workshop.id, patient_id=theirs))
    other = _register(world, theirs, workshop.id)
    with pytest.raises(NotFound):
        world.registrations.read(patient_user(mine), other.id)
    with pytest.raises(NotFound):
        world.registrations.cancel(patient_user(mine), other.id, lambda: 1)
    with pytest.raises(Forbidden):
        world.registrations.of_patient(patient_user(mine), theirs)
    own = _register(world, mine, workshop.id)
    assert [r.id for r in world.registrations.of_patient(patient_user(mine), None).registrations] == [own.id]
    with pytest.raises(Forbidden):
        world.registrations.roster(patient_user(mine), workshop.id, None, 50)


def test_staff_register_a_patient_they_name_and_read_the_roster_audited():
    world = Outreach()
    workshop = world.published()
    (patient,) = world.patients(1)
    with pytest.raises(Invalid):
        world.registrations.register(coordinator(), RegistrationIn(workshop_id=workshop.id))
    made = world.registrations.register(staff_user("desk", Role.FRONT_DESK),
                                        RegistrationIn(workshop_id=workshop.id, patient_id=patient))
    roster = world.registrations.roster(coordinator(), workshop.id, None, 50)
    assert [r.id for r in roster.registrations] == [made.id]
    assert world.audit.actions()[-1] == "registration.roster"
    with pytest.raises(Forbidden):
        world.registrations.roster(staff_user("biller", Role.BILLING), workshop.id, None, 50)


def test_a_keyed_registration_is_made_once():
    world = Outreach()
    workshop = world.published()
    (patient,) = world.patients(1)
    body = RegistrationIn(workshop_id=workshop.id)
    first = world.registrations.register(patient_user(patient), body, "reg-key-0001")
    again = world.registrations.register(patient_user(patient), body, "reg-key-0001")
    assert first.id == again.id
    assert world.workshops.read(coordinator(), workshop.id).registered == 1


def test_raising_the_capacity_gives_the_new_places_to_those_waiting_in_order():
    world = Outreach()
    workshop = world.published(capacity=1)
    _, second, third, fourth = (_register(world, p, workshop.id) for p in world.patients(4))
    raised = world.workshops.update(coordinator(), workshop.id, WorkshopPatch(capacity=3), lambda: 2)
    assert (raised.registered, raised.waitlisted) == (3, 1)
    statuses = [world.state.registration(PRACTICE, r.id).status for r in (second, third, fourth)]
    assert statuses == ["registered", "registered", "waitlisted"]
    assert [n["recipient"]["patient_id"] for n in world.notices("outreach.waitlist.promoted")] == [
        second.patient_id, third.patient_id]
