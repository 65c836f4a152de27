"""HTTP routes for patient records, all under /patients: parse, call one use case, shape the answer."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import IfMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.core.dates import CalendarDate
from functions.core.types import Phone
from functions.records import wiring
from functions.records.models.consent import Consent, ConsentIn, ConsentList, ConsentPatch
from functions.records.models.coverage import Coverage, CoverageIn, CoverageList, CoveragePatch
from functions.records.models.patients import PatientIn, PatientPage, PatientPatch, PatientRecord

router = Router()

PatientId = Annotated[str, Path(min_length=1, max_length=64, description="the patient's id")]
ItemId = Annotated[str, Path(min_length=1, max_length=64)]
FHIR_JSON = "application/fhir+json"


# --- patients ---------------------------------------------------------------------------------------

@router.post("/patients", status_code=201, summary="Register a patient (honours Idempotency-Key)")
def create_patient(body: Annotated[PatientIn, Body()]) -> Response[PatientRecord]:
    patient = wiring.patients().register(current_caller(router), body, idempotency_key(router))
    return created(patient, f"/patients/{patient.id}")


@router.get("/patients", summary="Search the practice's patients by name, birth date or phone")
def search_patients(
    family: Annotated[str | None, Query(min_length=1, max_length=100, description="family name prefix")] = None,
    given: Annotated[str | None, Query(min_length=1, max_length=100, description="given name prefix")] = None,
    birth_date: Annotated[CalendarDate | None, Query()] = None,
    phone: Annotated[Phone | None, Query(description="E.164")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    page_token: Annotated[str | None, Query(max_length=2048)] = None,
) -> PatientPage:
    return wiring.patient_search().search(current_caller(router), family=family, given=given, birth_date=birth_date,
                                          phone=phone, limit=limit, page_token=page_token)


@router.get("/patients/<patient_id>", summary="A patient with contacts, family, care team, coverage and consent")
def read_patient(patient_id: PatientId) -> Response[PatientRecord]:
    return tagged(wiring.patients().read(current_caller(router), patient_id))


@router.patch("/patients/<patient_id>", summary="Change a patient's details (If-Match: the ETag you read)")
def update_patient(patient_id: PatientId, body: Annotated[PatientPatch, Body()],
                   if_match: IfMatch = None) -> Response[PatientRecord]:
    return tagged(wiring.patients().update(current_caller(router), patient_id, body, precondition(if_match)))


@router.delete("/patients/<patient_id>", summary="Soft-delete a patient (coordinator)")
def delete_patient(patient_id: PatientId) -> Response[None]:
    wiring.patients().delete(current_caller(router), patient_id)
    return Response(status_code=204)


@router.get("/patients/<patient_id>/fhir", summary="The patient's record as a FHIR R4 collection Bundle",
            responses={200: {"description": "a Bundle of type collection",
                             "content": {FHIR_JSON: {"schema": {"type": "object"}}}}})
def export_fhir(patient_id: PatientId) -> Response[str]:
    bundle = wiring.patients().export_fhir(current_caller(router), patient_id)
    return Response(status_code=200, content_type=FHIR_JSON, body=json.dumps(bundle, separators=(",", ":")))


# --- coverage -------------------------------------------------------------------------------------

@router.get("/patients/<patient_id>/coverages", summary="The patient's insurance coverages")
def list_coverages(patient_id: PatientId) -> CoverageList:
    return wiring.coverages().list_coverages(current_caller(router), patient_id)


@router.post("/patients/<patient_id>/coverages", status_code=201,
             summary="Add an insurance coverage (honours Idempotency-Key)")
def add_coverage(patient_id: PatientId, body: Annotated[CoverageIn, Body()]) -> Response[Coverage]:
    coverage = wiring.coverages().add(current_caller(router), patient_id, body, idempotency_key(router))
    return created(coverage, f"/patients/{patient_id}/coverages/{coverage.id}")


@router.patch("/patients/<patient_id>/coverages/<coverage_id>",
              summary='Change a coverage (If-Match: "<its version>" from the list)')
def update_coverage(patient_id: PatientId, coverage_id: ItemId, body: Annotated[CoveragePatch, Body()],
                    if_match: IfMatch = None) -> Response[Coverage]:
    return tagged(wiring.coverages().update(current_caller(router), patient_id, coverage_id, body,
                                            precondition(if_match)))


# --- consent --------------------------------------------------------------------------------------

@router.get("/patients/<patient_id>/consents", summary="The patient's consents, active and revoked")
def list_consents(patient_id: PatientId) -> ConsentList:
    return wiring.consents().list_consents(current_caller(router), patient_id)


@router.post("/patients/<patient_id>/consents", status_code=201, summary="Record a consent (honours Idempotency-Key)")
def grant_consent(patient_id: PatientId, body: Annotated[ConsentIn, Body()]) -> Response[Consent]:
    consent = wiring.consents().grant(current_caller(router), patient_id, body, idempotency_key(router))
    return created(consent, f"/patients/{patient_id}/consents/{consent.id}")


@router.patch("/patients/<patient_id>/consents/<consent_id>",
              summary='Change a consent\'s channels or recipients (If-Match: "<its version>" from the list)')
def update_consent(patient_id: PatientId, consent_id: ItemId, body: Annotated[ConsentPatch, Body()],
                   if_match: IfMatch = None) -> Response[Consent]:
    return tagged(wiring.consents().update(current_caller(router), patient_id, consent_id, body,
                                           precondition(if_match)))


@router.post("/patients/<patient_id>/consents/<consent_id>/revoke",
             summary='Withdraw a consent (If-Match: "<its version>" from the list)')
def revoke_consent(patient_id: PatientId, consent_id: ItemId, if_match: IfMatch = None) -> Response[Consent]:
    return tagged(wiring.consents().revoke(current_caller(router), patient_id, consent_id, precondition(if_match)))

