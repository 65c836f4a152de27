"""Callers and a seeded trail for the audit views' unit tests."""

from functions.core.audit import AuditDraft
from functions.core.auth import Caller, Role

PRACTICE = "p1"
KEY = b"k" * 32


def person(role: Role, user: str | None = None, patient: str | None = None) -> Caller:
    return Caller(user_id=user or f"{role.value}-user", practice_id=PRACTICE, roles=frozenset({role}),
                  patient_id=patient, request_id="req-1", route="GET /audit")


def entry(at: str, actor: str = "u1", patient: str | None = None, action: str = "patient.read",
          practice: str = PRACTICE) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor=actor, role="coordinator", action=action, entity="PATIENT",
                      entity_id=patient or "-", request_id="r", at=at, subject_patient_id=patient,
                      route="GET /patients/{patient_id}" if patient else None)
