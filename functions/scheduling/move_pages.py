"""The pages a move offer's links open in a browser: the time the link books (or the decline), and one button
that does it. Opening the page changes nothing; only its button posts."""

from functions.core.pages import Button, Page
from functions.scheduling.models.moves import MoveView

CLOSED = {"moved": "Your appointment has been moved.", "declined": "We will call you to find another time.",
          "unanswered": "This offer has closed; we will call you to find another time.",
          "no_slots": "We will call you to find another time.",
          "withdrawn": "Your appointment no longer needs to move; it stays as booked unless we told you otherwise."}


def _facts(view: MoveView) -> tuple[tuple[str, str], ...]:
    facts = [("Practice", view.practice)]
    if view.chosen:
        facts.append(("New time", f"{view.chosen} ({view.time_zone})"))
    elif view.link_choice:
        facts.append(("Offered time", f"{view.link_choice} ({view.time_zone})"))
    return tuple(facts)


def preview(view: MoveView, token: str) -> Page:
    """`token`: the link's own, which its button posts back to."""
    if view.status != "offered":
        return Page(title=f"Your appointment at {view.practice}", lines=(CLOSED[view.status],), facts=_facts(view))
    if view.link_choice is None:
        return Page(title="None of the offered times suits you?",
                    lines=("Tell us, and the practice will call you to find another time.",), facts=_facts(view),
                    buttons=(Button("None of these times suits me", f"./{token}"),))
    return Page(title=f"A new time for your appointment at {view.practice}",
                lines=("Your practitioner cannot see you at the booked time. Book this time instead?",),
                facts=_facts(view), buttons=(Button("Book this time", f"./{token}"),))


def done(view: MoveView) -> Page:
    return Page(title=f"Your appointment at {view.practice}", lines=(CLOSED.get(view.status, ""),),
                facts=_facts(view))
