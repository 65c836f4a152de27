"""A visit's charge: the services (CPT/HCPCS with modifiers and units) and the diagnoses they point at."""

from datetime import date

from pydantic import Field, model_validator

from functions.billing.models.values import DiagnosisCode, Modifier, Npi, PlaceOfService, ProcedureCode, Slug
from functions.core.dates import CalendarDate
from functions.core.models import Stored, Strict
from functions.core.types import PositiveCents


class ChargeLineIn(Strict):
    procedure_code: ProcedureCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    diagnosis_pointers: list[int] = Field(min_length=1, max_length=4,
                                          description="1-based positions in the charge's diagnoses")
    charge_cents: PositiveCents | None = Field(default=None, description="default: fee schedule x units")


class ChargeIn(Strict):
    patient_id: Slug
    visit_id: Slug | None = Field(default=None, description="the appointment this charge is for")
    date_of_service: CalendarDate
    place_of_service: PlaceOfService = "11"
    rendering_npi: Npi | None = None
    diagnoses: list[DiagnosisCode] = Field(min_length=1, max_length=12)
    lines: list[ChargeLineIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _pointers(self) -> "ChargeIn":
        for n, line in enumerate(self.lines, start=1):
            bad = [p for p in line.diagnosis_pointers if not 1 <= p <= len(self.diagnoses)]
            if bad:
                raise ValueError(f"line {n}: diagnosis pointer {bad[0]} points past the {len(self.diagnoses)} "
                                 "diagnoses")
        return self


class ChargeLine(Stored):
    procedure_code: str
    modifiers: list[str] = Field(default_factory=list)
    units: int
    diagnosis_pointers: list[int]
    charge_cents: int


class Charge(Stored):
    id: str
    patient_id: str
    visit_id: str | None = None
    date_of_service: date
    place_of_service: str = "11"
    rendering_npi: str | None = None
    diagnoses: list[str]
    lines: list[ChargeLine]
    total_cents: int
    created_at: str
    created_by: str
