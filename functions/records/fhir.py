"""FHIR R4 (valid as R4B too) export of a patient's record: a collection Bundle of Patient, RelatedPerson,
Coverage and Consent resources, built as plain dicts so the runtime needs no FHIR library."""

from typing import Any

from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import FamilyMember, PatientRecord

PRACTICEFLOW = "urn:practiceflow"
PATIENT_ID_SYSTEM = f"{PRACTICEFLOW}:patient"
PAYER_ID_SYSTEM = f"{PRACTICEFLOW}:payer"
CONSENT_KIND_SYSTEM = f"{PRACTICEFLOW}:consent-kind"
CHANNEL_SYSTEM = f"{PRACTICEFLOW}:channel"
TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"

# v3 RoleCode for the family relationships that have one; the rest travel as text only
ROLE_CODES = {"parent": "PRN", "child": "CHILD", "spouse": "SPS", "partner": "DOMPART", "sibling": "SIB",
              "guardian": "GUARD", "friend": "FRND"}
CONSENT_SCOPES = {"treatment": "treatment", "communication": "patient-privacy", "data_sharing": "patient-privacy"}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _telecom(phone: str | None, email: str | None, phone_use: str = "mobile") -> list[dict[str, str]]:
    telecom = []
    if phone:
        telecom.append({"system": "phone", "value": phone, "use": phone_use})
    if email:
        telecom.append({"system": "email", "value": email})
    return telecom


def _compact(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty elements: drop None, empty lists and empty objects."""
    return {k: v for k, v in resource.items() if v not in (None, [], {})}


def patient(record: PatientRecord) -> dict[str, Any]:
    names = [{"use": "official", "family": record.family_name, "given": [record.given_name]}]
    if record.preferred_name:
        names.append({"use": "usual", "given": [record.preferred_name]})
    address = None
    if record.address:
        address = [_compact({"line": record.address.lines, "city": record.address.city,
                             "state": record.address.state, "postalCode": record.address.postal_code,
                             "country": record.address.country})]
    contacts = [
        _compact({
            "relationship": [{**_coding(f"{TERMINOLOGY}/v2-0131", "C", "Emergency Contact"),
                              "text": contact.relationship}],
            "name": {"text": contact.name},
            "telecom": _telecom(contact.phone, contact.email),
        })
        for contact in record.contacts
    ]
    primary = [member.user_id for member in record.care_team if member.role == "primary_practitioner"]
    return _compact({
        "resourceType": "Patient",
        "id": record.id,
        "extension": [{"url": TIMEZONE_EXTENSION, "valueCode": record.time_zone}],
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": record.id}],
        "active": True,
        "name": names,
        "telecom": _telecom(record.phone, record.email),
        "gender": record.gender,
        "birthDate": record.birth_date.isoformat(),
        "address": address,
        "contact": contacts,
        "communication": [{"language": _coding("urn:ietf:bcp:47", record.language), "preferred": True}],
        "generalPractitioner": [{"reference": f"Practitioner/{user_id}"} for user_id in primary],
    })


def related_person(patient_id: str, member: FamilyMember) -> dict[str, Any]:
    relationship = []
    if member.relationship in ROLE_CODES:
        relationship.append({**_coding(f"{TERMINOLOGY}/v3-RoleCode", ROLE_CODES[member.relationship]),
                             "text": member.relationship})
    else:
        relationship.append({"text": member.relationship})
    if member.is_proxy:
        relationship.append({"text": "proxy"})
    return _compact({
        "resourceType": "RelatedPerson",
        "id": member.id,
        "active": True,
        "patient": {"reference": f"Patient/{patient_id}"},
        "relationship": relationship,
        "name": [{"family": member.family_name, "given": [member.given_name]}],
        "telecom": _telecom(member.phone, member.email),
    })


def coverage(item: Coverage) -> dict[str, Any]:
    classes = []
    if item.group_number:
        classes.append({"type": _coding(f"{TERMINOLOGY}/coverage-class", "group"), "value": item.group_number})
    if item.plan_name:
        classes.append({"type": _coding(f"{TERMINOLOGY}/coverage-class", "plan"), "value": item.plan_name,
                        "name": item.plan_name})
    return _compact({
        "resourceType": "Coverage",
        "id": item.id,
        "status": "active",
        "subscriberId": item.member_id,
        "beneficiary": {"reference": f"Patient/{item.patient_id}"},
        "relationship": _coding(f"{TERMINOLOGY}/subscriber-relationship", item.subscriber_relationship),
        "period": _compact({"start": item.period_start.isoformat(),
                            "end": item.period_end.isoformat() if item.period_end else None}),
        "payor": [{"identifier": {"system": PAYER_ID_SYSTEM, "value": item.payer_id}, "display": item.payer_name}],
        "class": classes,
        "order": 1 if item.rank == "primary" else 2,
    })


def consent(item: Consent) -> dict[str, Any]:
    provision: dict[str, Any] = {
        "type": "permit",
        "period": _compact({"start": item.granted_at, "end": item.revoked_at}),
    }
    if item.channels:
        provision["code"] = [_coding(CHANNEL_SYSTEM, channel) for channel in item.channels]
    if item.shares_with:
        provision["actor"] = [{"role": _coding(f"{TERMINOLOGY}/v3-ParticipationType", "IRCP", "information recipient"),
                               "reference": {"reference": f"RelatedPerson/{member_id}"}}
                              for member_id in item.shares_with]
        provision["action"] = [_coding(f"{TERMINOLOGY}/consentaction", "disclose")]
    return {
        "resourceType": "Consent",
        "id": item.id,
        "status": "active" if item.status == "active" else "inactive",
        "scope": _coding(f"{TERMINOLOGY}/consentscope", CONSENT_SCOPES[item.kind]),
        "category": [_coding("http://loinc.org", "59284-0", "Patient Consent"),
                     _coding(CONSENT_KIND_SYSTEM, item.kind)],
        "patient": {"reference": f"Patient/{item.patient_id}"},
        "dateTime": item.granted_at,
        "performer": [{"reference": f"Patient/{item.patient_id}"}],
        "policyRule": _coding(f"{TERMINOLOGY}/v3-ActCode", "OPTIN"),
        "provision": provision,
    }


def bundle(record: PatientRecord, at: str) -> dict[str, Any]:
    resources = [patient(record), *(related_person(record.id, m) for m in record.family),
                 *(coverage(c) for c in record.coverages), *(consent(c) for c in record.consents)]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": at,
            "entry": [{"resource": resource} for resource in resources]}
