"""AudienceCheck: the fake and the adapter on records' stored record agree on who is in a workshop's audience
(age band, language, practitioner's panel, a consent to be contacted on one of its topics)."""

from datetime import UTC, date, datetime

import pytest

from functions.outreach.models.workshops import AudienceCriteria
from functions.records.models.consent import Consent

PRACTICE = "practice-audience"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
AT = "2026-03-01T12:00:00.000Z"


class Records:
    """Patients as records stores them, read through RecordsAudience on moto."""

    def __init__(self) -> None:
        from functions.core.audit_store import AuditStore
        from functions.core.table import Table
        from functions.outreach.records_audience import RecordsAudience
        from functions.records.dynamo import DynamoConsentBook, DynamoPatientRecords

        audit = AuditStore(Table())
        self.records, self.consents = DynamoPatientRecords(Table(), audit), DynamoConsentBook(Table(), audit)
        self.check = RecordsAudience(self.records, lambda: NOW)

    def add(self, patient_id: str, *, age: int, language: str = "en", practitioners=(), topics=()) -> None:
        from functions.core.audit import AuditDraft
        from functions.records.models.patients import Patient

        audit = AuditDraft(practice_id=PRACTICE, actor="u", role="coordinator", action="t", entity="PATIENT",
                           entity_id=patient_id, request_id="r", at=AT)
        born = date(NOW.year - age, 1, 15)
        team = [{"user_id": p, "role": "primary_practitioner" if n == 0 else "practitioner"}
                for n, p in enumerate(practitioners)]
        self.records.register(PRACTICE, Patient(id=patient_id, given_name="Pat", family_name="Tester", birth_date=born,
                                                gender="other", language=language, care_team=team, version=1,
                                                created_at=AT, updated_at=AT), audit, [])
        consent = {"id": f"{patient_id}C", "patient_id": patient_id, "kind": "communication", "channels": ["email"],
                   "status": "active", "granted_at": AT, "recorded_by": "u", "version": 1, "updated_at": AT}
        consent["topics"] = list(topics)
        self.consents.add(PRACTICE, Consent.model_validate(consent), 0, audit, [])

    def is_in_audience(self, practice_id, patient_id, criteria) -> bool:
        return self.check.is_in_audience(practice_id, patient_id, criteria)


@pytest.fixture(params=["fake", "records"])
def audience(request):
    if request.param == "fake":
        from tests.fakes.outreach import FakeAudience

        fake = FakeAudience()
        return _Fake(fake)
    request.getfixturevalue("cloud")
    return Records()


class _Fake:
    def __init__(self, fake) -> None:
        self.fake = fake

    def add(self, patient_id: str, **facts) -> None:
        self.fake.add(PRACTICE, patient_id, **facts)

    def is_in_audience(self, practice_id, patient_id, criteria) -> bool:
        return self.fake.is_in_audience(practice_id, patient_id, criteria)


def test_a_patient_who_consents_to_the_topic_and_fits_the_criteria_is_in(audience):
    audience.add("PA", age=40, language="es", practitioners=["dr-1"], topics=["diabetes"])
    criteria = AudienceCriteria(topics=["diabetes", "heart"], min_age=18, max_age=65, languages=["es"],
                                practitioner_ids=["dr-1", "dr-2"])
    assert audience.is_in_audience(PRACTICE, "PA", criteria)


@pytest.mark.parametrize("criteria", [
    AudienceCriteria(topics=["heart"]),
    AudienceCriteria(topics=["diabetes"], min_age=41),
    AudienceCriteria(topics=["diabetes"], max_age=39),
    AudienceCriteria(topics=["diabetes"], languages=["fr"]),
    AudienceCriteria(topics=["diabetes"], practitioner_ids=["dr-9"]),
])
def test_each_criterion_can_leave_a_patient_out(audience, criteria):
    audience.add("PA", age=40, language="es", practitioners=["dr-1"], topics=["diabetes"])
    assert not audience.is_in_audience(PRACTICE, "PA", criteria)


def test_no_consent_to_any_topic_or_no_record_is_out(audience):
    audience.add("PB", age=40)
    assert not audience.is_in_audience(PRACTICE, "PB", AudienceCriteria(topics=["diabetes"]))
    assert not audience.is_in_audience(PRACTICE, "NOBODY", AudienceCriteria(topics=["diabetes"]))
