"""What the records unit tests share: a fixed clock, callers of each role, valid request bodies."""

from datetime import UTC, datetime

from functions.core.auth import Caller, Role
from functions.records.models.coverage import CoverageIn
from functions.records.models.patients import PatientIn

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
KEY = b"k" * 32


def caller(role: Role = Role.COORDINATOR, practice: str = "p1", patient: str | None = None) -> Caller:
    return Caller(user_id="user-1", practice_id=practice, roles=frozenset({role}), patient_id=patient,
                  request_id="req-1")


def patient_in(**overrides) -> PatientIn:
    fields = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
              "phone": "+442079460000", "time_zone": "Europe/London"}
    return PatientIn(**{**fields, **overrides})


def coverage_in(**overrides) -> CoverageIn:
    fields = {"payer_id": "60054", "payer_name": "Aetna", "member_id": "W123456789", "rank": "primary",
              "period_start": "2026-01-01"}
    return CoverageIn(**{**fields, **overrides})
