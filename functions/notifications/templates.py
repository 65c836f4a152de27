"""Rendering a template: `{{ name }}` placeholders filled from the request's data (HTML-escaped in the HTML
part), a missing variable refused, and the SMS part measured in GSM-7 or UCS-2 segments against a cap.

Built-in templates cover what the areas send before a practice writes its own; a practice's template of
the same key and language replaces the built-in one."""

import html
import re
from collections.abc import Mapping
from functools import cache

from functions.core.errors import Invalid
from functions.notifications.models.messages import Variable
from functions.notifications.models.templates import Rendered, Template, TemplateIn

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# What the practice pays for, and what a phone shows as one message: above this, write a shorter SMS part.
MAX_SMS_SEGMENTS = 4
DEFAULT_LANGUAGE = "en"

# GSM 03.38: the basic set is one septet a character, the extension set two (escape + character).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def _segments(units: list[int], single: int, multi: int) -> int:
    """How many segments, filling each greedily; a character's units are never split between two."""
    total = sum(units)
    if total <= single:
        return 1 if total else 0
    segments, used = 1, 0
    for size in units:
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def sms_encoding(text: str) -> str:
    return "GSM-7" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else "UCS-2"


def sms_segments(text: str) -> int:
    """GSM-7: 160 septets in one segment, 153 a segment when concatenated; UCS-2: 70 and 67 code units,
    a character outside the Basic Multilingual Plane (most emoji) taking two."""
    if sms_encoding(text) == "GSM-7":
        return _segments([2 if c in GSM_EXTENSION else 1 for c in text], 160, 153)
    return _segments([2 if ord(c) > 0xFFFF else 1 for c in text], 70, 67)


def variables(text: str | None) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def _value(value: Variable) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fill(text: str, data: Mapping[str, Variable], escape: bool = False) -> str:
    def replace(match: re.Match) -> str:
        value = _value(data[match.group(1)])
        return html.escape(value) if escape else value

    return PLACEHOLDER.sub(replace, text)


def _text_as_html(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def render(template: Template, data: Mapping[str, Variable]) -> Rendered:
    """Every part filled in. A variable the template uses and the data lacks is the requester's error
    (Invalid, 422); its name is in the details, its value never is."""
    parts = (template.subject, template.text, template.html, template.sms)
    missing = sorted(set().union(*(variables(p) for p in parts)) - set(data))
    if missing:
        raise Invalid("the template needs variables the request did not send", {"missing": missing},
                      code="missing_variable")
    # a subject is one header line: a value with a line break must not start another header
    subject = " ".join(_fill(template.subject, data).split())
    text = _fill(template.text, data)
    body_html = _fill(template.html, data, escape=True) if template.html else _text_as_html(text)
    sms = _fill(template.sms, data) if template.sms else text
    segments = sms_segments(sms)
    if segments > MAX_SMS_SEGMENTS:
        raise Invalid(f"the SMS would be {segments} segments; the most is {MAX_SMS_SEGMENTS}",
                      {"segments": segments, "encoding": sms_encoding(sms)}, code="sms_too_long")
    return Rendered(subject=subject, text=text, html=body_html, sms=sms, sms_segments=segments)


def check(body: TemplateIn) -> None:
    """A template a practice saves: every `{{` opens a well-formed placeholder, and the SMS part's fixed
    text (without its variables) already fits the cap."""
    for name, part in (("subject", body.subject), ("text", body.text), ("html", body.html), ("sms", body.sms)):
        if part is not None and part.count("{{") != len(PLACEHOLDER.findall(part)):
            raise Invalid(f"the {name} has a '{{{{' that is not a placeholder like {{{{ name }}}}",
                          {"part": name}, code="invalid_template")
    fixed = PLACEHOLDER.sub("", body.sms or body.text)
    if sms_segments(fixed) > MAX_SMS_SEGMENTS:
        raise Invalid(f"the SMS part is over {MAX_SMS_SEGMENTS} segments before any variable is filled in",
                      {"segments": sms_segments(fixed)}, code="sms_too_long")


def _builtin(key: str, subject: str, text: str, sms: str | None = None, language: str = DEFAULT_LANGUAGE,
             html: str | None = None):
    return (key, language), Template(key=key, language=language, subject=subject, text=text, html=html, sms=sms,
                                     builtin=True)


@cache
def builtin_templates() -> dict[tuple[str, str], Template]:
    """The templates every practice has until it writes its own, by (key, language). Built on first use: a
    Template built at import would build its validator then, on every cold start (core/models.py)."""
    return dict([
        _builtin(
            "appointment.reminder",
            "Reminder: your appointment at {{ practice_name }}",
            "Hello,\n\nThis is a reminder of your appointment at {{ practice_name }} on {{ appointment_time }}.\n\n"
            "If you cannot come, please let us know.",
            "{{ practice_name }}: reminder of your appointment on {{ appointment_time }}. Reply STOP to opt out.",
        ),
        _builtin(
            "appointment.reminder",
            "Recordatorio: su cita en {{ practice_name }}",
            "Hola,\n\nLe recordamos su cita en {{ practice_name }} el {{ appointment_time }}.\n\n"
            "Si no puede venir, avísenos por favor.",
            "{{ practice_name }}: recordatorio de su cita el {{ appointment_time }}. "
            "Responda STOP para no recibir más.",
            language="es",
        ),
        # the same reminder with the signed links that confirm or cancel without signing in (email and in-app;
        # an SMS keeps to the short text: links in texts are what phishing looks like). In the HTML part they are
        # real links; opening one only shows the appointment, and its page's button does the rest.
        _builtin(
            "appointment.reminder.reply",
            "Reminder: your appointment at {{ practice_name }}",
            "Hello,\n\nThis is a reminder of your appointment at {{ practice_name }} on {{ appointment_time }}.\n\n"
            "Confirm: {{ confirm_link }}\nCancel: {{ cancel_link }}",
            "{{ practice_name }}: reminder of your appointment on {{ appointment_time }}. Reply STOP to opt out.",
            html="<p>Hello,</p><p>This is a reminder of your appointment at {{ practice_name }} on "
                 "{{ appointment_time }}.</p>"
                 '<p><a href="{{ confirm_link }}">Confirm</a> or <a href="{{ cancel_link }}">cancel</a> '
                 "this appointment.</p>",
        ),
        _builtin(
            "appointment.reminder.reply",
            "Recordatorio: su cita en {{ practice_name }}",
            "Hola,\n\nLe recordamos su cita en {{ practice_name }} el {{ appointment_time }}.\n\n"
            "Confirmar: {{ confirm_link }}\nCancelar: {{ cancel_link }}",
            "{{ practice_name }}: recordatorio de su cita el {{ appointment_time }}. "
            "Responda STOP para no recibir más.",
            html="<p>Hola,</p><p>Le recordamos su cita en {{ practice_name }} el {{ appointment_time }}.</p>"
                 '<p><a href="{{ confirm_link }}">Confirmar</a> o <a href="{{ cancel_link }}">cancelar</a> '
                 "esta cita.</p>",
            language="es",
        ),
        _builtin(
            "care.instructions",
            "Your care instructions",
            "Here are the care instructions from your visit:\n\n{{ instructions }}",
            # an SMS is not private enough for clinical text: it only says where to read them
            "You have new care instructions from your practice. Sign in to read them.",
        ),
        _builtin("work.notice", "{{ title }}", "{{ details }}", "{{ title }}"),
        _builtin("message.general", "{{ subject }}", "{{ body }}"),
        # a visit that cannot go ahead (leave, a closed room): the email carries a signed link per offered time;
        # the SMS only tells the patient to look, since four links would pass the segment limit and links in
        # texts are what phishing looks like
        _builtin("appointment.move.offer", "Your appointment at {{ practice_name }} needs a new time",
                 "Hello,\n\nYour appointment on {{ appointment_time }} cannot go ahead. Choose another time "
                 "before {{ deadline }}:\n{{ choices }}\n\nNone of these suits: {{ decline_link }}",
                 "{{ practice_name }}: your appointment on {{ appointment_time }} cannot go ahead. Choose a new time "
                 "from our email before {{ deadline }}, or call us."),
        _builtin("appointment.move.withdrawn", "Your appointment at {{ practice_name }} goes ahead as booked",
                 "Good news: your appointment on {{ appointment_time }} can go ahead after all. You need not choose "
                 "another time; the links in our earlier message are closed.",
                 "{{ practice_name }}: good news, your appointment on {{ appointment_time }} goes ahead as booked."),
        # --- outreach: workshops and registrations ---
        _builtin("outreach.registration.confirmed", "Your registration: {{ title }}",
                 "Hello,\n\nYour registration for {{ title }} (first session {{ starts_at }}) is: {{ status }}.\n\n"
                 "If you are on the waitlist, we will write when a place comes free.",
                 "{{ title }} on {{ starts_at }}: you are {{ status }}."),
        # a member of the public may have given only a phone: this one link goes by SMS too
        _builtin("outreach.registration.confirm_link", "Confirm your place: {{ title }}",
                 "Hello,\n\nTo hold your place at {{ title }} (first session {{ starts_at }}), follow this link "
                 "before {{ expires_at }}:\n{{ link }}\n\nIf you did not sign up, ignore this message.",
                 "Confirm your place at {{ title }}: {{ link }}",
                 html="<p>Hello,</p><p>To hold your place at {{ title }} (first session {{ starts_at }}), "
                      '<a href="{{ link }}">confirm it here</a> before {{ expires_at }}.</p>'
                      "<p>If you did not sign up, ignore this message.</p>"),
        _builtin("outreach.waitlist.promoted", "A place for you: {{ title }}",
                 "Hello,\n\nA place came free at {{ title }} (first session {{ starts_at }}): it is yours.",
                 "A place came free at {{ title }} on {{ starts_at }}: it is yours."),
        _builtin("outreach.workshop.cancelled", "{{ title }} will not go ahead as planned",
                 "Hello,\n\nWe are sorry: {{ title }} (first session {{ starts_at }}) is {{ status }}. "
                 "Your registration no longer holds a place.",
                 "{{ title }} on {{ starts_at }} is {{ status }}. Sorry for the change."),
        # --- outreach: the workshop promotion (no workshop title: it would name a health topic on the bus) ---
        _builtin("outreach.invitation", "You are invited to a workshop",
                 "Hello,\n\nYour practice invites you to a health-education workshop starting {{ starts_at }}. "
                 "Sign in to see it and register.",
                 "Your practice invites you to a workshop on {{ starts_at }}. Sign in to register. Reply STOP to opt "
                 "out."),
        _builtin("outreach.reminder.invited", "There is still room at the workshop",
                 "Hello,\n\nThere is still room at the workshop you were invited to, starting {{ starts_at }}. "
                 "Sign in to register.",
                 "Still room at the workshop on {{ starts_at }}. Sign in to register. Reply STOP to opt out."),
        _builtin("outreach.reminder.registered", "Your workshop is tomorrow",
                 "Hello,\n\nA reminder: the workshop you registered for starts {{ starts_at }}. "
                 "We look forward to seeing you.",
                 "Reminder: your workshop starts {{ starts_at }}."),
        _builtin("outreach.survey", "How was the workshop?",
                 "Hello,\n\nThank you for coming to the workshop. Tell us how it went: {{ survey_link }}",
                 "Thank you for coming to the workshop. How was it? {{ survey_link }}"),
        # --- inventory: a purchase order to its supplier, the order as CSV in the body (no attachments in SES
        # SendEmail); a cancelled one
        _builtin("inventory.purchase_order", "Purchase order {{ order_id }}",
                 "Hello,\n\nPlease supply the following order ({{ lines }} lines, total {{ total }}).\n\n"
                 "{{ order_csv }}", "Purchase order {{ order_id }}: total {{ total }}."),
        _builtin("inventory.purchase_order.cancelled", "Purchase order {{ order_id }} cancelled",
                 "Hello,\n\nPlease cancel purchase order {{ order_id }}; anything not yet shipped is no longer "
                 "needed.", "Purchase order {{ order_id }} cancelled."),
    ])


def builtin(key: str, language: str) -> Template | None:
    return builtin_templates().get((key, language))


def languages_to_try(language: str | None) -> list[str]:
    """es-MX, then es, then the default language."""
    tried: list[str] = []
    for candidate in (language, (language or "").split("-")[0], DEFAULT_LANGUAGE):
        if candidate and candidate not in tried:
            tried.append(candidate)
    return tried
