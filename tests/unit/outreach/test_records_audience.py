"""The records adapter's matching of a stored record against a workshop's audience, on records' own models
(consents stand in for records' topic-bearing ones where this tree's Consent has no topics yet)."""

from datetime import date
from types import SimpleNamespace

from functions.outreach.models.workshops import AudienceCriteria
from functions.outreach.records_audience import age_on, matches, speaks
from functions.records.models.patients import PatientRecord

TODAY = date(2026, 3, 2)


def record(topics=("diabetes",), status="active", kind="communication", **more) -> PatientRecord:
    base = PatientRecord(id="P1", given_name="Pat", family_name="Tester", birth_date=date(1986, 3, 2),
                         gender="other", language="es-MX", version=1, created_at="x", updated_at="x",
                         care_team=[{"user_id": "dr-1", "role": "primary_practitioner"},
                                    {"user_id": "nurse-1", "role": "nurse"}], **more)
    return base.model_copy(update={"consents": [SimpleNamespace(kind=kind, status=status, topics=list(topics))]})


def test_age_is_counted_in_whole_years_on_the_day():
    assert age_on(date(1986, 3, 2), TODAY) == 40 and age_on(date(1986, 3, 3), TODAY) == 39


def test_a_regional_language_speaks_its_language_and_not_the_reverse():
    assert speaks("es-MX", ["es"]) and speaks("en", []) and not speaks("es", ["es-MX"])


def test_a_record_matches_on_age_language_panel_and_an_active_communication_consents_topic():
    criteria = AudienceCriteria(topics=["diabetes"], min_age=40, max_age=40, languages=["es"],
                                practitioner_ids=["dr-1"])
    assert matches(record(), criteria, TODAY)
    assert not matches(record(status="revoked"), criteria, TODAY)
    assert not matches(record(kind="treatment"), criteria, TODAY)
    assert not matches(record(topics=("heart",)), criteria, TODAY)
    assert not matches(record(), criteria.model_copy(update={"practitioner_ids": ["nurse-1"]}), TODAY)
    assert not matches(record(), criteria.model_copy(update={"min_age": 41}), TODAY)
    assert not matches(record().model_copy(update={"deleted_at": "2026-01-01"}), criteria, TODAY)
