"""Refused requests are audited like reads. A 403 or 404 on a route that names a patient's data leaves one audit
entry, so "who tried to see my record" is answered too; and every other 403 of a signed-in caller leaves one, so
the privacy officer sees who tried what their role does not allow (a 404 elsewhere is only a wrong id). The
resolver's error handler asks `refusal` for the entry; the response stays the same whether or not the entity
exists, and whether or not the entry could be written.

The entry names the most specific thing the request named (a consent of a patient, an appointment) and, as its
subject, the patient: the one the error knows (the service found the entity and it was another patient's), else
the one the request named. A 403 that named no patient's data names the route's last `<thing>_id` path
parameter (`user.read.refused`, USER, the id), else the route's mount (`route.change.refused`, ROUTE, `staff`);
the entry's `route` says which route it was either way."""

import re
from collections.abc import Mapping
from typing import Any

from functions.core.audit import AuditDraft, draft
from functions.core.auth import Caller
from functions.core.errors import DomainError
from functions.core.keys import is_segment

REFUSED = frozenset({403, 404})
FORBIDDEN = 403

# The route parameters (path, then query, then top-level body fields) that name a patient's data, and the entity
# each names. A new route that names a patient's data uses one of these names, or adds its own here.
PATIENT_DATA: dict[str, str] = {
    "patient_id": "PATIENT",
    "person": "PERSON",  # patient:<id> or family:<id>:<member> (staff:<user> is not a patient's data)
    "recipient": "PERSON",
    "coverage_id": "COVERAGE",
    "consent_id": "CONSENT",
    "appointment_id": "APPOINTMENT",
    "entry_id": "WAITLIST_ENTRY",
    "charge_id": "CHARGE",
    "claim_id": "CLAIM",
    "invoice_id": "INVOICE",
    "payment_id": "PAYMENT",
    "message_id": "MESSAGE",
    "source": "SOURCE",  # <area>:<entity>:<id>, e.g. the appointment a message log is listed by
    "disclosure_id": "DISCLOSURE",  # a disclosure of a patient's data (compliance's accounting, §164.528)
}
PERSON_FIELDS = frozenset({"person", "recipient"})
_REF = re.compile(r"^(patient|family):([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9_-]{1,64})?$")
_SOURCE = re.compile(r"^[a-z][a-z_]{0,31}:[a-z][a-z_]{0,31}:[A-Za-z0-9_-]{1,64}$")


def refusal(caller: Caller, error: DomainError, method: str, path: Mapping[str, Any], query: Mapping[str, Any],
            body: Any, at: str) -> AuditDraft | None:
    """The audit entry for a refused request: a 403, or a 404 that named a patient's data; None otherwise."""
    if error.status not in REFUSED:
        return None
    named: list[tuple[str, str]] = []  # (parameter, value), least to most specific
    fields = body if isinstance(body, Mapping) else {}
    for source in (fields, query, path):
        named += [(name, _value(name, value)) for name, value in source.items() if name in PATIENT_DATA]
    named = [(name, value) for name, value in named if value is not None]
    verb = "read" if method.upper() in ("GET", "HEAD") else "change"
    if not named:
        return _forbidden(caller, error, verb, path, at) if error.status == FORBIDDEN else None
    parameter, entity_id = named[-1]
    subject = error.subject_patient_id or _patient(named)
    if subject is not None and not is_segment(subject):
        subject = None
    entity = PATIENT_DATA[parameter]
    return draft(caller, f"{entity.lower()}.{verb}.refused", entity, entity_id, at, subject_patient_id=subject)


def _forbidden(caller: Caller, error: DomainError, verb: str, path: Mapping[str, Any], at: str) -> AuditDraft:
    """A 403 on a route that named no patient's data: the thing its path names, else the route's mount."""
    things = [(name.removesuffix("_id"), value) for name, value in path.items()
              if name.endswith("_id") and is_segment(value)]
    if things:
        thing, entity_id = things[-1]
    else:
        thing, entity_id = "route", _mount(caller.route)
    subject = error.subject_patient_id if is_segment(error.subject_patient_id) else None
    entity = thing.upper()
    return draft(caller, f"{thing}.{verb}.refused", entity, entity_id, at, subject_patient_id=subject)


def _mount(route: str | None) -> str:
    """"GET /staff/{user_id}" -> "staff": the API's first path segment, which names the area's collection."""
    path = (route or "").partition(" ")[2].strip("/")
    mount = path.split("/")[0]
    return mount if is_segment(mount) else "-"


def _value(name: str, value: Any) -> str | None:
    """The id (or person reference) a parameter carries, if it is one: malformed values name nothing."""
    if name in PERSON_FIELDS and isinstance(value, Mapping):  # a body's recipient object
        patient_id, member_id = value.get("patient_id"), value.get("member_id")
        value = f"family:{patient_id}:{member_id}" if member_id else f"patient:{patient_id}" if patient_id else None
    if not isinstance(value, str):
        return None
    if name in PERSON_FIELDS:
        return value if _REF.fullmatch(value) else None
    if name == "source":
        return value if _SOURCE.fullmatch(value) else None
    return value if is_segment(value) else None


def _patient(named: list[tuple[str, str]]) -> str | None:
    for name, value in reversed(named):
        if name == "patient_id":
            return value
        if name in PERSON_FIELDS:
            return value.split(":")[1]
    return None
