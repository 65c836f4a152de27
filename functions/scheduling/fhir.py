"""FHIR R4 export of appointments, practitioners' schedules and their slots, built as plain dicts so the
runtime needs no FHIR library (the tests validate them with fhir.resources' R4B models)."""

from datetime import datetime
from typing import Any

from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.setup import AppointmentType, Practitioner

TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone"
PRACTICEFLOW = "urn:practiceflow"

# our status -> Appointment.status (R4); "confirmed" is still "booked" to FHIR, "in_room" still "arrived"
STATUS = {"booked": "booked", "confirmed": "booked", "arrived": "arrived", "in_room": "arrived",
          "completed": "fulfilled", "cancelled": "cancelled", "no_show": "noshow"}
VISIT = {"new": ("ROUTINE", "Routine appointment - default if not valued"),
         "follow_up": ("FOLLOWUP", "A follow up visit from a previous appointment")}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def appointment(item: Appointment, kind: AppointmentType | None = None) -> dict[str, Any]:
    code, display = VISIT[item.visit]
    participants = [
        {"actor": {"reference": f"Patient/{item.patient_id}"}, "required": "required", "status": "accepted"},
        {"actor": {"reference": f"Practitioner/{item.practitioner_id}"}, "required": "required",
         "status": "accepted"},
    ]
    if item.room_id:
        participants.append({"actor": {"reference": f"Location/{item.room_id}"}, "required": "required",
                             "status": "accepted"})
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": item.id,
        "status": STATUS[item.status],
        "appointmentType": _coding(f"{TERMINOLOGY}/v2-0276", code, display),
        "serviceType": [{**_coding(f"{PRACTICEFLOW}:appointment-type", item.type_id),
                         **({"text": kind.name} if kind else {})}],
        "start": item.start,
        "end": item.end,
        "minutesDuration": int((_at(item.end) - _at(item.start)).total_seconds() // 60),
        "created": item.booked_at,
        "participant": participants,
    }
    if item.mode == "virtual":
        resource["extension"] = [{"url": f"{PRACTICEFLOW}:visit-mode", "valueCode": "virtual"}]
    if item.status == "cancelled" and item.cancel_reason:
        resource["cancelationReason"] = _coding(f"{PRACTICEFLOW}:cancel-reason", item.cancel_reason)
    return resource


def schedule(practitioner: Practitioner, time_zone: str, start: str, end: str) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": practitioner.id,
        "extension": [{"url": TIMEZONE_EXTENSION, "valueCode": time_zone}],
        "active": practitioner.active,
        "actor": [{"reference": f"Practitioner/{practitioner.id}", "display": practitioner.name}],
        "planningHorizon": {"start": start, "end": end},
    }


def slot(schedule_id: str, start: str, end: str, status: str, type_id: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Slot",
        "id": f"{schedule_id}-{start[:16].replace('-', '').replace(':', '').replace('T', '')}-{status}",
        "schedule": {"reference": f"Schedule/{schedule_id}"},
        "status": status,
        "start": start,
        "end": end,
    }
    if type_id:
        resource["serviceType"] = [_coding(f"{PRACTICEFLOW}:appointment-type", type_id)]
    return resource


def bundle(resources: list[dict[str, Any]], at: str) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "timestamp": at,
            "entry": [{"resource": resource} for resource in resources]}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)
