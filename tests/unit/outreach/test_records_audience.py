"""Registration's audience check and the promotion's selection are one rule: a record's audience entries (records'
rule) matched by `outreach.audience.in_audience`."""

from datetime import date

from functions.outreach.audience import in_audience
from functions.outreach.models.workshops import AudienceCriteria
from functions.records.audience import entries
from functions.records.models.consent import Consent
from functions.records.models.patients import PatientRecord

TODAY = date(2026, 3, 2)


def record(topics=("diabetes",), status="active", kind="communication", **more) -> PatientRecord:
    consent = Consent(id="C1", patient_id="P1", kind=kind, channels=["email"] if kind == "communication" else [],
                      topics=list(topics) if kind == "communication" else [], status=status, granted_at="x",
                      recorded_by="u", version=1, updated_at="x")
    return PatientRecord(id="P1", given_name="Pat", family_name="Tester", birth_date=date(1986, 3, 2),
                         gender="other", language="es-MX", version=1, created_at="x", updated_at="x",
                         care_team=[{"user_id": "dr-1", "role": "primary_practitioner"},
                                    {"user_id": "nurse-1", "role": "nurse"}], consents=[consent], **more)


def check(patient: PatientRecord, criteria: AudienceCriteria) -> bool:
    return in_audience(criteria, entries(patient, patient.consents), TODAY)


def test_a_record_matches_on_age_language_panel_and_an_active_communication_consents_topic():
    criteria = AudienceCriteria(topics=["diabetes"], min_age=40, max_age=40, languages=["es"],
                                practitioner_ids=["dr-1"])
    assert check(record(), criteria)
    assert not check(record(status="revoked"), criteria)
    assert not check(record(kind="treatment"), criteria)
    assert not check(record(topics=("heart",)), criteria)
    assert not check(record(), criteria.model_copy(update={"practitioner_ids": ["nurse-1"]}))
    assert not check(record(), criteria.model_copy(update={"min_age": 41}))
    assert not check(record().model_copy(update={"deleted_at": "2026-01-01"}), criteria)
