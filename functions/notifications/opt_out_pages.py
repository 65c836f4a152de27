"""The pages an opt-out link opens in a browser: what the link would stop, and a button that posts it.
Opening the page changes nothing (mail scanners open links); the button, or a mail client's one-click
unsubscribe (RFC 8058), posts."""

from functions.core.pages import Button, Page
from functions.notifications.models.preferences import OptOutResult

WHAT = {"email": "emails", "sms": "text messages", "in_app": "in-app messages"}


def preview(result: OptOutResult, token: str) -> Page:
    what = WHAT[result.channel]
    if result.opted_out:
        return Page(title=f"You get no {what} from us", lines=(f"You have already stopped {what} like this one.",))
    return Page(title=f"Stop {what}?", lines=(f"You can stop {what} from your practice here.",
                                              "Reminders and notices will then reach you another way, if "
                                              "you have allowed one."),
                buttons=(Button(f"Stop {what}", f"./{token}"),))


def done(result: OptOutResult) -> Page:
    what = WHAT[result.channel]
    return Page(title=f"You will get no more {what}", lines=(f"We have stopped {what} like this one.",
                                                             "To change this, please call the practice."))
