"""The opt-out link in a message, on moto through the Lambda handler: opened in a browser it is a small page
that changes nothing until its button posts; a mail client's one-click unsubscribe gets JSON; a broken link
is a page with a 4xx status in a browser, JSON elsewhere."""

from typing import Any

from functions.notifications.links import OptOut
from tests.integration.notifications_support import (
    PRACTICE,
    moved_clock_fixture,  # noqa: F401 - a fixture, used by name
    notify_fixture,  # noqa: F401 - a fixture, used by name
    patient,
)
from tests.integration.notifications_support import call as notifications_api

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def call(method: str, path: str, **kwargs: Any) -> dict:
    """As a browser or mail client opening a link: no sign-in unless a role is given."""
    return notifications_api(method, path, **{"role": None, "sub": "pt", **kwargs})


def opt_out_token(notify, ada) -> str:
    return notify.opt_outs.links.token(OptOut(PRACTICE, f"PATIENT#{ada.id}", "email"))


def opted_out(ada) -> list[str]:
    return call("GET", "/notifications/preferences", role="patient", patient_id=ada.id)["body"]["opted_out"]


def test_an_opt_out_link_opened_in_a_browser_is_a_page_that_changes_nothing(notify):
    ada = patient(channels=["email"])
    token = opt_out_token(notify, ada)
    page = call("GET", f"/notifications/opt-out/{token}", headers={"Accept": BROWSER})
    assert page["status"] == 200 and page["headers"]["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page["headers"]["Content-Security-Policy"]
    assert f'<form method="post" action="./{token}"><button type="submit">Stop emails</button></form>' in page["body"]
    assert '<html lang="en">' in page["body"] and "<title>Stop emails?</title>" in page["body"]
    assert ada.id not in page["body"] and "ada@example.org" not in page["body"]
    assert opted_out(ada) == []  # opening the page changed nothing

    done = call("POST", f"/notifications/opt-out/{token}", raw_body="",
                headers={"Accept": BROWSER, **FORM})
    assert done["status"] == 200 and "You will get no more emails" in done["body"]
    assert opted_out(ada) == ["email"]
    again = call("GET", f"/notifications/opt-out/{token}", headers={"Accept": BROWSER})
    assert "<form" not in again["body"] and "already stopped" in again["body"]


def test_a_mail_clients_one_click_unsubscribe_posts_the_form_and_gets_json(notify):
    ada = patient(channels=["email"])
    token = opt_out_token(notify, ada)
    answer = call("POST", f"/notifications/opt-out/{token}", raw_body="List-Unsubscribe=One-Click",
                  headers=FORM)
    assert answer["status"] == 200 and answer["body"] == {"channel": "email", "opted_out": True}
    assert opted_out(ada) == ["email"]


def test_a_broken_opt_out_link_is_a_page_with_a_4xx_in_a_browser(notify):
    ada = patient(channels=["email"])
    token = opt_out_token(notify, ada)
    for broken in (token[:-3] + "xyz", "short"):
        page = call("POST", f"/notifications/opt-out/{broken}", raw_body="",
                    headers={"Accept": BROWSER, **FORM})
        assert page["status"] == 422 and page["headers"]["Content-Type"].startswith("text/html")
        assert "This link did not work" in page["body"]
        assert call("GET", f"/notifications/opt-out/{broken}")["body"]["error"]["code"] == \
            "invalid_opt_out_link"
    assert opted_out(ada) == []
