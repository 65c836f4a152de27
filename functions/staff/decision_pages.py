"""The pages a leave notice's approve and reject links open in a browser: the request, and one button that
gives the link's answer. Opening the page changes nothing; only its button posts."""

from functions.core.pages import Button, Page
from functions.staff.models.leave import DecisionView

BUTTONS = {"approve": "Approve this leave", "reject": "Reject this leave"}


def _facts(view: DecisionView) -> tuple[tuple[str, str], ...]:
    days = str(view.first_day) if view.first_day == view.last_day else f"{view.first_day} to {view.last_day}"
    return (("Staff member", view.member), ("Leave", f"{view.kind}, {days} ({view.hours:g} h)"),
            ("Status", view.decision or view.status))


def preview(view: DecisionView, token: str) -> Page:
    if not view.open:
        return Page(title="This leave request is already decided", lines=(f"It is {view.decision or view.status}.",),
                    facts=_facts(view))
    return Page(title=f"{BUTTONS[view.action]}?", lines=("Nothing changes until you press the button.",),
                facts=_facts(view), buttons=(Button(BUTTONS[view.action], f"./{token}"),))


def done(view: DecisionView) -> Page:
    said = "approved" if view.decision == "approve" else "rejected"
    return Page(title=f"Leave {said}", lines=("Thank you. The staff member is told.",), facts=_facts(view))
