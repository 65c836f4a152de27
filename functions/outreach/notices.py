"""The messages outreach asks notifications for, each a `notification.requested` event written through the
outbox with the change it tells of. Data: titles, times and places, never health details."""

from datetime import datetime

from functions.core.events import DomainEvent
from functions.notifications.request import notification_requested
from functions.outreach.models.registrations import PendingSignup, Registration
from functions.outreach.models.workshops import Workshop


def _recipient(registration: Registration) -> dict[str, str]:
    if registration.patient_id:
        return {"kind": "patient", "patient_id": registration.patient_id}
    return {"kind": "contact", "contact_id": registration.contact_id or registration.id}


def _when(workshop: Workshop) -> str:
    return workshop.first_starts_at.isoformat()


def _notice(registration: Registration, workshop: Workshop, template: str, key: str, **data: str) -> DomainEvent:
    return notification_requested(
        practice_id=registration.practice_id, recipient=_recipient(registration), template=template,
        source={"area": "outreach", "entity": "registration", "entity_id": registration.id},
        idempotency_key=f"outreach-{key}-{registration.id}"[:128],
        data={"title": workshop.title, "starts_at": _when(workshop), **data})


def registration_confirmed(registration: Registration, workshop: Workshop) -> DomainEvent:
    """A place, or a place on the waitlist: the message says which."""
    return _notice(registration, workshop, "outreach.registration.confirmed", f"{registration.status}-v"
                   f"{registration.version}", status=registration.status)


def waitlist_promoted(registration: Registration, workshop: Workshop) -> DomainEvent:
    return _notice(registration, workshop, "outreach.waitlist.promoted", f"promoted-v{registration.version}")


def workshop_cancelled(registration: Registration, workshop: Workshop) -> DomainEvent:
    """Unpublished or cancelled: either way the registrant's sessions will not happen as booked."""
    return _notice(registration, workshop, "outreach.workshop.cancelled", f"{workshop.status}-v{workshop.version}",
                   status=workshop.status)


def confirm_link(signup: PendingSignup, workshop: Workshop, url: str, expires: datetime) -> DomainEvent:
    return notification_requested(
        practice_id=signup.practice_id, recipient={"kind": "contact", "contact_id": signup.id},
        template="outreach.registration.confirm_link",
        source={"area": "outreach", "entity": "registration", "entity_id": signup.id},
        idempotency_key=f"outreach-confirm-{signup.id}",
        data={"title": workshop.title, "starts_at": _when(workshop), "link": url, "expires_at": expires.isoformat()})
