"""Billing's value types: procedure, modifier, diagnosis and NPI codes checked where a request names them."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from functions.billing import codes


def _procedure(value: str) -> str:
    value = value.strip().upper()
    if problem := codes.procedure_problem(value):
        raise ValueError(problem)
    return value


def _modifier(value: str) -> str:
    value = value.strip().upper()
    if not codes.is_modifier(value):
        raise ValueError(f"modifier {value!r} must be two letters or digits, e.g. 25")
    return value


def _diagnosis(value: str) -> str:
    if problem := codes.diagnosis_problem(value.strip().upper()):
        raise ValueError(problem)
    return codes.icd10_plain(value)


def _npi(value: str) -> str:
    if not codes.npi_valid(value):
        raise ValueError("must be a 10-digit NPI with a valid check digit")
    return value


ProcedureCode = Annotated[str, StringConstraints(max_length=5), AfterValidator(_procedure)]
Modifier = Annotated[str, StringConstraints(max_length=2), AfterValidator(_modifier)]
DiagnosisCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_diagnosis)]
Npi = Annotated[str, AfterValidator(_npi)]
Slug = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
PlaceOfService = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
