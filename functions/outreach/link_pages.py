"""The pages outreach's links open in a browser: the public sign-up form, the confirmation of a place, and the
follow-up survey. Opening a page changes nothing; its form posts. The same escaping, style and headers as
core.pages (no script, nothing loaded from elsewhere, a strict Content-Security-Policy)."""

import html
from collections.abc import Sequence

from aws_lambda_powertools.event_handler import Response

from functions.core import pages
from functions.core.pages import Button, Page
from functions.outreach.models.registrations import ConfirmationView
from functions.outreach.models.surveys import SurveyView
from functions.outreach.models.workshops import PublicWorkshop, WorkshopSession

CONFIRMED = {"registered": "Your place is confirmed", "waitlisted": "You are on the waitlist",
             "already_registered": "You are registered already", "cancelled": "This registration is cancelled",
             "unconfirmed": "Confirm your place"}


def _where(session: WorkshopSession) -> str:
    place = f"{session.room}, {session.address}" if session.mode == "in_person" else "online (the link comes by mail)"
    return f"{session.starts_at:%Y-%m-%d %H:%M} UTC, {place}"


def _form(page: Page, fields: Sequence[str], submit: str, target: str) -> Response[str]:
    """`page` with a form of `fields` (already-escaped HTML) before the end of its main."""
    e = html.escape
    form = (f'<form method="post" action="{e(target)}">{"".join(fields)}'
            f'<p><button type="submit">{e(submit)}</button></p></form>')
    text = pages.render(page).replace("\n</main>", f"\n{form}\n</main>", 1)
    return Response(status_code=200, content_type=pages.HTML, body=text, headers=dict(pages.HEADERS))


def _field(label: str, control: str) -> str:
    return f"<p><label>{html.escape(label)}<br>{control}</label></p>"


def signup(workshop: PublicWorkshop, token: str) -> Page | Response[str]:
    facts = tuple((f"Session {n}", _where(s)) for n, s in enumerate(workshop.sessions, start=1))
    page = Page(title=workshop.title, lines=(workshop.description,),
                facts=(*facts, ("Places left", str(workshop.places_left))))
    if not workshop.open:
        return Page(title=workshop.title, lines=("Registration for this workshop is closed.",), facts=facts)
    fields = [_field("Your name", '<input name="name" required maxlength="100" autocomplete="name">'),
              _field("Email (or a phone number below)", '<input name="email" type="email" maxlength="254">'),
              _field("Phone, e.g. +14155550123", '<input name="phone" type="tel" maxlength="16">'),
              _field("I agree to be contacted there about this workshop",
                     '<input name="consent" type="checkbox" value="yes" required>')]
    return _form(page, fields, "Register", f"./{token}")


def signed_up(message: str) -> Page:
    return Page(title="Check your messages", lines=(message,))


def confirmation(view: ConfirmationView, token: str) -> Page:
    if view.status != "unconfirmed":
        return confirmed(view)
    return Page(title=CONFIRMED["unconfirmed"], lines=("Nothing changes until you press the button.",),
                facts=(("Workshop", view.workshop_title),), buttons=(Button("Confirm my place", f"./{token}"),))


def confirmed(view: ConfirmationView) -> Page:
    return Page(title=CONFIRMED[view.status], facts=(("Workshop", view.workshop_title),),
                lines=("We will write to you if a place comes free.",) if view.status == "waitlisted" else ())


def survey(view: SurveyView, token: str) -> Page | Response[str]:
    if view.answered:
        return answered(view)
    ratings = "".join(f'<label><input type="radio" name="rating" value="{n}" required> {n}</label> '
                      for n in range(1, 6))
    fields = [_field("How was it? (1 poor, 5 excellent)", ratings),
              _field("Would you come to another workshop?",
                     '<label><input type="radio" name="would_attend_again" value="yes" required> Yes</label> '
                     '<label><input type="radio" name="would_attend_again" value="no"> No</label>'),
              _field("Anything else? (optional)", '<textarea name="comment" maxlength="1000" rows="5"></textarea>')]
    return _form(Page(title=f"About {view.workshop_title}", lines=("A few questions, once.",)), fields, "Send",
                 f"./{token}")


def answered(view: SurveyView) -> Page:
    return Page(title="Thank you", lines=(f"Your answers about {view.workshop_title} are in.",))
