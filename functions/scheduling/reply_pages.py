"""The pages a reminder's confirm and cancel links open in a browser: the appointment as the link's holder
may see it (practice, local date and time, status) and a button for each reply still possible. Opening the
page changes nothing; only its buttons post."""

from functions.core.pages import Button, Page
from functions.scheduling.links import ReplyAnswer

BUTTONS = {"confirm": "Confirm this appointment", "cancel": "Cancel this appointment"}
STATUS = {"booked": "Booked, not yet confirmed", "confirmed": "Confirmed", "arrived": "Checked in",
          "in_room": "In progress", "completed": "Completed", "cancelled": "Cancelled", "no_show": "Missed"}


def _facts(answer: ReplyAnswer) -> tuple[tuple[str, str], ...]:
    view = answer.view
    return (("Practice", view.practice), ("Date and time", f"{answer.when} ({view.time_zone})"),
            ("Status", STATUS.get(view.status, view.status)))


def _buttons(answer: ReplyAnswer) -> tuple[Button, ...]:
    """The link's own reply first; each form posts to its own signed link beside this one."""
    order = sorted(answer.choices, key=lambda action: action != answer.view.action)
    return tuple(Button(BUTTONS[action], f"./{answer.choices[action]}") for action in order)


def preview(answer: ReplyAnswer) -> Page:
    status = answer.view.status
    if status == "cancelled":
        line = "This appointment is cancelled. To book another time, please call the practice."
    elif status == "confirmed":
        line = "This appointment is confirmed. Thank you."
    elif answer.choices:
        line = "Please confirm that you will come, or cancel if you cannot."
    else:
        line = "This appointment can no longer be changed from this link."
    return Page(title=f"Your appointment at {answer.view.practice}", lines=(line,), facts=_facts(answer),
                buttons=_buttons(answer))


def done(answer: ReplyAnswer) -> Page:
    if answer.view.status == "cancelled":
        return Page(title="Your appointment is cancelled",
                    lines=("Thank you for letting us know. To book another time, please call the practice.",),
                    facts=_facts(answer))
    return Page(title="Your appointment is confirmed", lines=("Thank you. We look forward to seeing you.",),
                facts=_facts(answer), buttons=_buttons(answer))
