"""The public's routes through the handler on moto, signed in by nobody: a workshop's sign-up link, the rate
limits (429), the same answer whether or not a contact is registered, the confirmation link that holds the place,
the contact's card for notifications, forged links, and the survey link (a GET shows, a POST answers once)."""

from datetime import timedelta
from urllib.parse import urlencode

from functions.core.contacts import contact_key
from functions.core.table import Table
from functions.outreach import wiring
from functions.outreach.signup import PER_ADDRESS, PER_CONTACT
from tests.integration.outreach_support import NOW, PRACTICE, call
from tests.integration.outreach_support import world as world  # noqa: F401 - the fixture
from tests.support import if_match

FIRST = NOW + timedelta(days=14)
WORKSHOP = {
    "title": "Cooking for a healthy heart", "topic": "heart", "description": "Shopping and cooking on a budget.",
    "audience": {"topics": ["heart"]}, "capacity": 1, "facilitator_id": "fac-1",
    "registration_deadline": (FIRST - timedelta(days=2)).isoformat(),
    "sessions": [{"starts_at": FIRST.isoformat(), "ends_at": (FIRST + timedelta(hours=2)).isoformat(),
                  "mode": "online", "link": "https://meet.example.org/heart"}]}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def published() -> dict:
    made = call("POST", "/workshops", body=WORKSHOP).body
    return call("POST", f"/workshops/{made['id']}/publish", headers=if_match(1)).body


def sign_up(workshop: dict, email: str = "sam@example.org", ip: str = "203.0.113.9", **more):
    return call("POST", _path(workshop["signup_url"]), signed_in=False, source_ip=ip,
                body={"name": "Sam Public", "email": email, "consent": True, **more})


def confirm_links() -> list[str]:
    outbox = Table().query(f"PRACTICE#{PRACTICE}#OUTBOX").items
    return [_path(e["event"]["data"]["request"]["data"]["link"]) for e in outbox
            if e["event"]["data"].get("request", {}).get("template") == "outreach.registration.confirm_link"]


def test_the_public_sign_up_confirms_a_place_through_the_link_sent_to_their_contact(world):
    workshop = published()
    page = call("GET", _path(workshop["signup_url"]), signed_in=False)
    assert page.status == 200 and page.body["title"] == WORKSHOP["title"] and page.body["places_left"] == 1
    answer = sign_up(workshop)
    assert (answer.status, answer.body["status"]) == (202, "check_your_messages")
    assert call("GET", f"/workshops/{workshop['id']}").body["registered"] == 0
    (link,) = confirm_links()
    assert call("GET", link, signed_in=False).body["status"] == "unconfirmed"
    assert call("POST", link, signed_in=False).body["status"] == "registered"
    assert call("POST", link, signed_in=False).body["status"] == "registered"
    assert call("GET", f"/workshops/{workshop['id']}").body["registered"] == 1
    roster = call("GET", f"/workshops/{workshop['id']}/registrations").body["registrations"]
    (public,) = roster
    assert (public["patient_id"], public["name"], public["contact_id"]) == (None, "Sam Public", public["id"])
    card = Table().get(**contact_key(PRACTICE, public["id"]))
    assert (card["email"], card["channels"], card["owner"]) == ("sam@example.org", ["email"],
                                                                "outreach.registration")
    assert "ttl" not in card  # confirmed: the card stays while the registration does


def test_the_answer_says_nothing_of_whether_the_contact_is_registered(world):
    workshop = published()
    first = sign_up(workshop)
    call("POST", confirm_links()[0], signed_in=False)
    again = sign_up(workshop, ip="198.51.100.7")
    stranger = sign_up(workshop, email="someone@example.org", ip="198.51.100.8")
    assert (first.status, first.body) == (again.status, again.body) == (stranger.status, stranger.body)
    # the second link goes to the owner of the contact, and only it says so
    assert call("POST", confirm_links()[1], signed_in=False).body["status"] == "already_registered"
    assert call("POST", confirm_links()[2], signed_in=False).body["status"] == "waitlisted"


def test_too_many_sign_ups_from_one_address_or_for_one_contact_are_429(world):
    workshop = published()
    for n in range(PER_ADDRESS):
        assert sign_up(workshop, email=f"p{n}@example.org").status == 202
    blocked = sign_up(workshop, email="more@example.org")
    assert (blocked.status, blocked.body["error"]["code"]) == (429, "rate_limited")
    for n in range(PER_CONTACT):
        assert sign_up(workshop, email="same@example.org", ip=f"192.0.2.{n}").status == 202
    assert sign_up(workshop, email="same@example.org", ip="192.0.2.200").status == 429
    world.clock.advance(timedelta(hours=1))
    assert sign_up(workshop, email="more@example.org").status == 202


def test_a_sign_up_needs_one_contact_and_consent_and_shows_no_input_back(world):
    workshop = published()
    both = sign_up(workshop, phone="+14155550100")
    assert both.status == 422 and "sam@example.org" not in str(both.body)
    assert sign_up(workshop, consent=False).status == 422
    assert confirm_links() == []


def test_an_unconfirmed_sign_up_expires(world):
    workshop = published()
    sign_up(workshop)
    (link,) = confirm_links()
    world.clock.advance(timedelta(hours=49))
    expired = call("POST", link, signed_in=False)
    assert (expired.status, expired.body["error"]["code"]) == (422, "expired_confirmation_link")
    assert call("GET", f"/workshops/{workshop['id']}").body["registered"] == 0


def test_forged_links_are_refused_and_a_browser_gets_a_page(world):
    workshop = published()
    token = workshop["signup_url"].rsplit("/", 1)[1]
    for path in (f"/registrations/signup/{token[:-2]}xx", "/registrations/confirm/nonsense",
                 f"/registrations/confirm/{token}", f"/surveys/{token}"):
        refused = call("GET", path, signed_in=False)
        assert refused.status == 422, path
    page = call("GET", "/surveys/nonsense", signed_in=False, headers=BROWSER)
    assert page.status == 422 and "<h1>This link did not work</h1>" in page.body
    form = call("GET", _path(workshop["signup_url"]), signed_in=False, headers=BROWSER)
    assert form.status == 200 and '<input name="name"' in form.body
    assert "default-src 'none'" in form.headers["content-security-policy"]


def test_a_browser_signs_up_with_the_pages_form(world):
    workshop = published()
    form = urlencode({"name": "Robin Form", "phone": "+14155550123", "consent": "yes"})
    answer = call("POST", _path(workshop["signup_url"]), signed_in=False, raw_body=form,
                  headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 200 and "Check your messages" in answer.body
    (link,) = confirm_links()
    shown = call("GET", link, signed_in=False, headers=BROWSER)
    assert '<form method="post"' in shown.body and "Confirm my place" in shown.body


def test_the_survey_is_answered_once_through_its_link_and_the_results_add_up(world):
    workshop = published()
    world.audience.add(PRACTICE, "pat-1", topics=["heart"])
    registration = call("POST", "/registrations", role="patient", sub="u1", patient="pat-1",
                        body={"workshop_id": workshop["id"]}).body
    world.clock.at = FIRST
    call("POST", f"/sessions/{workshop['sessions'][0]['id']}/attendance", sub="fac-1", role="staff",
         body={"present": [registration["id"]]})
    survey = _path(wiring.links().survey_url(PRACTICE, registration["id"]))
    assert call("GET", survey, signed_in=False).body == {"workshop_title": WORKSHOP["title"], "answered": False}
    page = call("GET", survey, signed_in=False, headers=BROWSER)
    assert 'name="rating"' in page.body and "maxlength=\"1000\"" in page.body
    too_long = call("POST", survey, signed_in=False, body={"rating": 5, "would_attend_again": True,
                                                          "comment": "x" * 1001})
    assert too_long.status == 422
    form = urlencode({"rating": "4", "would_attend_again": "yes", "comment": "Useful"})
    answered = call("POST", survey, signed_in=False, raw_body=form,
                    headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"})
    assert answered.status == 200 and "Thank you" in answered.body
    again = call("POST", survey, signed_in=False, body={"rating": 1, "would_attend_again": False})
    assert (again.status, again.body["error"]["code"]) == (409, "survey_answered")
    results = call("GET", f"/workshops/{workshop['id']}/survey-results").body
    assert results == {"workshop_id": workshop["id"], "answers": 1, "mean_rating": 4.0,
                       "would_attend_again_share": 1.0}
