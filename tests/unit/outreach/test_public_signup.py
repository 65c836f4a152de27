"""Registration by the public on fakes: the signed sign-up link, one contact and consent, the rate limits, the
same answer whoever asks, the confirmation link that holds the place once, and expiry."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from functions.core.errors import Conflict, Invalid, NotFound, TooManyRequests
from functions.outreach.models.registrations import SignupIn
from functions.outreach.signup import PER_ADDRESS, PER_CONTACT
from tests.unit.outreach.support import PRACTICE, Outreach, coordinator

ADDRESS = "203.0.113.7"


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _sign_up(world, workshop, email="sam@example.org", address=ADDRESS, name="Sam Public"):
    return world.signup.sign_up(_token(workshop.signup_url), SignupIn(name=name, email=email, consent=True), address)


def _confirm_links(world) -> list[str]:
    return [_token(n["data"]["link"]) for n in world.notices("outreach.registration.confirm_link")]


@pytest.mark.parametrize("body", [
    {"name": "Sam", "consent": True},
    {"name": "Sam", "email": "sam@example.org", "phone": "+14155550100", "consent": True},
    {"name": "Sam", "email": "sam@example.org", "consent": False},
    {"name": "Sam", "email": "sam@example.org"},
])
def test_a_signup_gives_one_contact_and_ticks_consent(body):
    with pytest.raises(ValidationError):
        SignupIn.model_validate(body)


def test_a_signup_holds_no_place_until_its_link_is_followed():
    world = Outreach()
    workshop = world.published(capacity=1)
    answer = _sign_up(world, workshop)
    assert answer.status == "check_your_messages"
    assert world.workshops.read(coordinator(), workshop.id).registered == 0
    (link,) = world.notices("outreach.registration.confirm_link")
    assert link["recipient"]["kind"] == "contact"
    assert world.state.cards[(PRACTICE, link["recipient"]["contact_id"])]["channels"] == ["email"]
    token = _token(link["data"]["link"])
    assert world.signup.confirmation(token).status == "unconfirmed"
    assert world.signup.confirm(token).status == "registered"
    assert world.signup.confirm(token).status == "registered"  # following it again changes nothing
    assert world.workshops.read(coordinator(), workshop.id).registered == 1
    registration = world.state.registration(PRACTICE, link["recipient"]["contact_id"])
    assert (registration.patient_id, registration.name, registration.contact_id) == (None, "Sam Public",
                                                                                   registration.id)
    assert registration.registrant().contact_id == registration.id


def test_the_answer_is_the_same_whether_or_not_the_contact_is_registered_already():
    world = Outreach()
    workshop = world.published()
    first = _sign_up(world, workshop)
    world.signup.confirm(_confirm_links(world)[0])
    again = _sign_up(world, workshop, address="198.51.100.1")
    other = _sign_up(world, workshop, email="new@example.org", address="198.51.100.2")
    assert first == again == other
    # only the owner of the contact learns it is registered already, by following the link sent to it
    assert world.signup.confirm(_confirm_links(world)[1]).status == "already_registered"
    assert world.workshops.read(coordinator(), workshop.id).registered == 1


def test_a_full_workshop_waitlists_a_confirmed_signup():
    world = Outreach()
    workshop = world.published(capacity=1)
    _sign_up(world, workshop, email="a@example.org")
    _sign_up(world, workshop, email="b@example.org")
    first, second = _confirm_links(world)
    assert world.signup.confirm(first).status == "registered"
    assert world.signup.confirm(second).status == "waitlisted"


def test_too_many_signups_from_one_address_are_429():
    world = Outreach()
    workshop = world.published()
    for n in range(PER_ADDRESS):
        _sign_up(world, workshop, email=f"person{n}@example.org")
    with pytest.raises(TooManyRequests):
        _sign_up(world, workshop, email="one-more@example.org")
    world.clock.advance(timedelta(hours=1))
    assert _sign_up(world, workshop, email="one-more@example.org").status == "check_your_messages"


def test_too_many_signups_for_one_contact_are_429_from_any_address():
    world = Outreach()
    workshop = world.published()
    for n in range(PER_CONTACT):
        _sign_up(world, workshop, address=f"198.51.100.{n}")
    with pytest.raises(TooManyRequests):
        _sign_up(world, workshop, email="SAM@example.org", address="198.51.100.99")
    assert len(_confirm_links(world)) == PER_CONTACT


def test_an_unconfirmed_signup_expires():
    world = Outreach()
    workshop = world.published()
    _sign_up(world, workshop)
    (token,) = _confirm_links(world)
    world.clock.advance(timedelta(hours=47))
    assert world.signup.confirmation(token).status == "unconfirmed"
    world.clock.advance(timedelta(hours=2))
    with pytest.raises(Invalid, match="expired"):
        world.signup.confirm(token)
    assert world.workshops.read(coordinator(), workshop.id).registered == 0


def test_a_forged_or_edited_link_is_refused():
    world = Outreach()
    workshop = world.published()
    token = _token(workshop.signup_url)
    for bad in ("nonsense", token[:-2] + "xx", token.replace(".", "x.")):
        with pytest.raises(Invalid):
            world.signup.workshop(bad)
    _sign_up(world, workshop)
    (confirm,) = _confirm_links(world)
    with pytest.raises(Invalid):  # a confirmation token is not a sign-up token
        world.signup.workshop(confirm)


def test_a_withdrawn_or_closed_workshop_takes_no_signup():
    world = Outreach()
    workshop = world.published()
    _sign_up(world, workshop)
    world.state.facts().close_registration(PRACTICE, workshop.id)
    with pytest.raises(Conflict, match="closed"):
        _sign_up(world, workshop, email="late@example.org")
    assert world.signup.workshop(_token(workshop.signup_url)).open is False
    with pytest.raises(Conflict, match="closed"):
        world.signup.confirm(_confirm_links(world)[0])
    world.workshops.unpublish(coordinator(), workshop.id, lambda: 3)
    with pytest.raises(NotFound):
        world.signup.workshop(_token(workshop.signup_url))


def test_the_public_page_shows_the_workshop_and_places_left_not_who_registered():
    world = Outreach()
    workshop = world.published(capacity=5)
    _sign_up(world, workshop)
    world.signup.confirm(_confirm_links(world)[0])
    shown = world.signup.workshop(_token(workshop.signup_url))
    assert (shown.title, shown.places_left, shown.open) == (workshop.title, 4, True)
    assert "Sam" not in shown.model_dump_json()
