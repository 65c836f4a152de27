"""Workshops on fakes: writing one, publishing (the promotion starts after), unpublishing and cancelling (it
stops, the registered are told), what a patient sees, and who may do what."""

from datetime import timedelta

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from functions.outreach.models.registrations import RegistrationIn
from functions.outreach.models.workshops import WorkshopPatch
from tests.unit.outreach.support import PRACTICE, Outreach, coordinator, patient_user, staff_user, workshop_in


def test_a_new_workshop_is_a_draft_with_sessions_named_for_it():
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())
    assert (workshop.status, workshop.version, workshop.signup_url) == ("draft", 1, None)
    assert [s.id for s in workshop.sessions] == [f"{workshop.id}-1", f"{workshop.id}-2"]
    assert workshop.sessions[0].room == "Room 2" and workshop.sessions[1].link.startswith("https://")


@pytest.mark.parametrize("change, problem", [
    ({"topic": "nutrition"}, "topic"),
    ({"registration_deadline": "2026-04-30T00:00:00Z"}, "before the first session"),
    ({"audience": {"topics": ["diabetes"], "min_age": 70, "max_age": 20}}, "min_age"),
    ({"sessions": [{"starts_at": "2026-03-20T10:00:00Z", "ends_at": "2026-03-20T11:00:00Z", "mode": "online"}]},
     "link"),
    ({"sessions": [{"starts_at": "2026-03-20T10:00:00Z", "ends_at": "2026-03-20T11:00:00Z", "mode": "in_person",
                    "room": "A"}]}, "address"),
])
def test_an_incoherent_workshop_is_refused(change, problem):
    with pytest.raises(ValueError, match=problem):
        workshop_in(**change)


def test_publishing_starts_the_promotion_for_that_version_and_gives_a_signup_link():
    world = Outreach()
    workshop = world.published()
    assert workshop.status == "published" and workshop.version == 2
    assert workshop.signup_url.startswith("https://api.example.org/registrations/signup/")
    assert world.promotion.calls == [("start", PRACTICE, workshop.id, 2)]


def test_publishing_after_the_deadline_is_refused_and_starts_nothing():
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())
    world.clock.advance(timedelta(days=13))
    with pytest.raises(Conflict, match="deadline"):
        world.workshops.publish(coordinator(), workshop.id, lambda: 1)
    assert world.promotion.calls == []


def test_a_stale_if_match_is_412():
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())
    world.workshops.update(coordinator(), workshop.id, WorkshopPatch(title="New title"), lambda: 1)
    with pytest.raises(PreconditionFailed):
        world.workshops.update(coordinator(), workshop.id, WorkshopPatch(title="Again"), lambda: 1)


def test_an_update_is_checked_as_a_whole_and_capacity_never_drops_below_the_registered():
    world = Outreach()
    workshop = world.published(capacity=3)
    for patient in world.patients(2):
        world.registrations.register(patient_user(patient), RegistrationIn(workshop_id=workshop.id))
    with pytest.raises(Invalid, match="topic"):
        world.workshops.update(coordinator(), workshop.id, WorkshopPatch(topic="nutrition"), lambda: 2)
    with pytest.raises(Conflict, match="2 are registered"):
        world.workshops.update(coordinator(), workshop.id, WorkshopPatch(capacity=1), lambda: 2)
    assert world.workshops.update(coordinator(), workshop.id, WorkshopPatch(capacity=2), lambda: 2).capacity == 2


def test_unpublishing_stops_the_promotion_and_tells_each_registered_and_waitlisted_person_once():
    world = Outreach()
    workshop = world.published(capacity=1)
    first, second, third = world.patients(3)
    for patient in (first, second, third):
        world.registrations.register(patient_user(patient), RegistrationIn(workshop_id=workshop.id))
    cancelled = world.registrations.read(coordinator(), world.state.of_patient(PRACTICE, third)[0].id)
    world.registrations.cancel(coordinator(), cancelled.id, lambda: cancelled.version)
    unpublished = world.workshops.unpublish(coordinator(), workshop.id, lambda: 2)
    assert unpublished.status == "unpublished" and unpublished.signup_url is None
    assert world.promotion.calls[-1] == ("stop", PRACTICE, workshop.id, None)
    told = world.notices("outreach.workshop.cancelled")
    assert sorted(n["recipient"]["patient_id"] for n in told) == [first, second]
    assert len({n["idempotency_key"] for n in told}) == 2


def test_an_unpublished_workshop_may_be_published_again_and_a_cancelled_one_never():
    world = Outreach()
    workshop = world.published()
    world.workshops.unpublish(coordinator(), workshop.id, lambda: 2)
    again = world.workshops.publish(coordinator(), workshop.id, lambda: 3)
    assert again.status == "published" and world.promotion.calls[-1] == ("start", PRACTICE, workshop.id, 4)
    world.workshops.cancel(coordinator(), workshop.id, lambda: 4)
    with pytest.raises(Conflict):
        world.workshops.publish(coordinator(), workshop.id, lambda: 5)
    with pytest.raises(Conflict):
        world.workshops.update(coordinator(), workshop.id, WorkshopPatch(title="x"), lambda: 5)


def test_cancelling_a_draft_stops_nothing():
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())
    assert world.workshops.cancel(coordinator(), workshop.id, lambda: 1).status == "cancelled"
    assert world.promotion.calls == []


def test_a_patient_sees_only_published_workshops_meant_for_them():
    world = Outreach()
    shown = world.published()
    draft = world.workshops.create(coordinator(), workshop_in())
    older = world.published(audience={"topics": ["diabetes"], "min_age": 65})
    world.patients(1)  # p-1: 50 years old, consents to diabetes
    world.audience.add(PRACTICE, "p-nutrition", topics=["nutrition"])
    listed = world.workshops.list(patient_user("p-1"), None, None, 50)
    assert [w.id for w in listed.workshops] == [shown.id]
    assert world.workshops.read(patient_user("p-1"), shown.id).id == shown.id
    for hidden in (draft.id, older.id):
        with pytest.raises(NotFound):
            world.workshops.read(patient_user("p-1"), hidden)
    assert world.workshops.list(patient_user("p-nutrition"), None, None, 50).workshops == []
    assert len(world.workshops.list(coordinator(), None, None, 50).workshops) == 3
    with pytest.raises(Invalid):
        world.workshops.list(patient_user("p-1"), "draft", None, 50)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PRACTITIONER, Role.FRONT_DESK, Role.STAFF])
def test_staff_roles_manage_workshops(role):
    world = Outreach()
    workshop = world.workshops.create(staff_user("someone", role), workshop_in())
    assert world.workshops.publish(staff_user("someone", role), workshop.id, lambda: 1).status == "published"


@pytest.mark.parametrize("caller", [patient_user(), staff_user("biller", Role.BILLING)])
def test_patients_and_billing_manage_no_workshop(caller):
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())
    with pytest.raises(Forbidden):
        world.workshops.create(caller, workshop_in())
    with pytest.raises(Forbidden):
        world.workshops.publish(caller, workshop.id, lambda: 1)
    with pytest.raises(Forbidden):
        world.workshops.cancel(caller, workshop.id, lambda: 1)


def test_a_refused_caller_is_refused_before_if_match_is_judged():
    world = Outreach()
    workshop = world.workshops.create(coordinator(), workshop_in())

    def no_if_match():
        raise AssertionError("If-Match judged before the caller was")

    with pytest.raises(Forbidden):
        world.workshops.update(patient_user(), workshop.id, WorkshopPatch(title="x"), no_if_match)


def test_a_keyed_create_is_done_once():
    world = Outreach()
    first = world.workshops.create(coordinator(), workshop_in(), "key-12345678")
    again = world.workshops.create(coordinator(), workshop_in(), "key-12345678")
    assert first.id == again.id and len(world.state.stored_workshops) == 1
