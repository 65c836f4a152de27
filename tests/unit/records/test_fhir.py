"""The FHIR export, validated with fhir.resources' R4B models (its default package is R5; our export is R4,
and R4B is the closest release it models with the same Patient, Coverage and Consent shapes)."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.relatedperson import RelatedPerson as FhirRelatedPerson

from functions.records import fhir
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import PatientRecord

PATIENT_ID = "01J0000000000000000000PAT1"
MEMBER_ID = "01J0000000000000000000FAM1"
AT = "2026-03-04T15:30:00.000Z"


def record(**overrides) -> PatientRecord:
    fields = {
        "id": PATIENT_ID, "given_name": "Ada", "family_name": "Lovelace", "preferred_name": "Countess",
        "birth_date": "1990-12-10", "gender": "female", "phone": "+442079460000", "email": "ada@example.org",
        "address": {"lines": ["12 St James's Square"], "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
        "language": "en-GB", "time_zone": "Europe/London",
        "contacts": [{"name": "Mary Somerville", "relationship": "friend", "phone": "+442079460001"}],
        "family": [{"id": MEMBER_ID, "given_name": "Byron", "family_name": "Lovelace", "relationship": "parent",
                    "phone": "+442079460002", "is_proxy": True},
                   {"id": "01J0000000000000000000FAM2", "given_name": "Pat", "family_name": "Doe",
                    "relationship": "caregiver"}],
        "care_team": [{"user_id": "dr-1", "role": "primary_practitioner"}, {"user_id": "n-1", "role": "nurse"}],
        "version": 3, "created_at": AT, "updated_at": AT,
        "coverages": [coverage(), coverage(id="01J0000000000000000000COV2", rank="secondary", group_number=None,
                                           plan_name=None, period_end="2026-12-31")],
        "consents": [
            consent(),
            consent(id="01J0000000000000000000CON2", kind="communication", channels=["sms", "in_app"]),
            consent(id="01J0000000000000000000CON3", kind="data_sharing", shares_with=[MEMBER_ID], status="revoked",
                    revoked_at=AT, revoked_by="user-2"),
        ],
    }
    return PatientRecord.model_validate({**fields, **overrides})


def coverage(**overrides) -> Coverage:
    fields = {"id": "01J0000000000000000000COV1", "patient_id": PATIENT_ID, "payer_id": "60054", "payer_name": "Aetna",
              "member_id": "W123456789", "group_number": "G-77", "plan_name": "Gold PPO", "rank": "primary",
              "subscriber_relationship": "self", "period_start": "2026-01-01", "version": 1, "created_at": AT,
              "updated_at": AT}
    return Coverage.model_validate({**fields, **overrides})


def consent(**overrides) -> Consent:
    fields = {"id": "01J0000000000000000000CON1", "patient_id": PATIENT_ID, "kind": "treatment", "status": "active",
              "granted_at": AT, "recorded_by": "user-1", "version": 1, "updated_at": AT}
    return Consent.model_validate({**fields, **overrides})


def test_patient_is_a_valid_r4_patient():
    resource = FhirPatient.model_validate(fhir.patient(record()))
    assert resource.id == PATIENT_ID and resource.gender == "female"
    assert str(resource.birthDate) == "1990-12-10"
    assert resource.name[0].family == "Lovelace" and resource.name[1].use == "usual"
    assert resource.generalPractitioner[0].reference == "Practitioner/dr-1"
    assert [t.system for t in resource.telecom] == ["phone", "email"]


def test_a_minimal_patient_is_valid_too():
    minimal = record(preferred_name=None, phone=None, email=None, address=None, contacts=[], family=[], care_team=[],
                     coverages=[], consents=[])
    resource = fhir.patient(minimal)
    assert "telecom" not in resource and "address" not in resource
    FhirPatient.model_validate(resource)


def test_family_members_are_valid_related_persons():
    people = [fhir.related_person(PATIENT_ID, m) for m in record().family]
    for person in people:
        FhirRelatedPerson.model_validate(person)
    assert people[0]["relationship"][0]["coding"][0]["code"] == "PRN"
    assert people[1]["relationship"] == [{"text": "caregiver"}]


@pytest.mark.parametrize("item", [coverage(), coverage(group_number=None, plan_name=None, rank="secondary",
                                                       subscriber_relationship="spouse", period_end="2026-12-31")])
def test_coverages_are_valid_r4_coverages(item):
    resource = FhirCoverage.model_validate(fhir.coverage(item))
    assert resource.beneficiary.reference == f"Patient/{PATIENT_ID}"
    assert resource.order == (1 if item.rank == "primary" else 2)


def test_consents_are_valid_r4_consents():
    built = [fhir.consent(c) for c in record().consents]
    for resource in built:
        FhirConsent.model_validate(resource)
    treatment, communication, sharing = built
    assert treatment["scope"]["coding"][0]["code"] == "treatment"
    assert [c["coding"][0]["code"] for c in communication["provision"]["code"]] == ["sms", "in_app"]
    assert sharing["status"] == "inactive"
    assert sharing["provision"]["actor"][0]["reference"]["reference"] == f"RelatedPerson/{MEMBER_ID}"
    assert sharing["provision"]["period"]["end"] == AT


def test_bundle_is_a_valid_collection_with_every_resource():
    built = fhir.bundle(record(), AT)
    parsed = Bundle.model_validate(built)
    assert parsed.type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in built["entry"]]
    assert kinds == ["Patient", "RelatedPerson", "RelatedPerson", "Coverage", "Coverage", "Consent", "Consent",
                     "Consent"]


def test_an_invalid_resource_is_caught_by_the_validator():
    """The validator can fail: a Coverage without its beneficiary is refused."""
    broken = fhir.coverage(coverage())
    del broken["beneficiary"]
    with pytest.raises(ValueError):
        FhirCoverage.model_validate(broken)
