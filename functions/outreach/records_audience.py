"""The AudienceCheck adapter on records: a patient's age, language, care team and the topics their active
communication consent names, read from their record (one Query) and matched against a workshop's audience."""

from collections.abc import Callable
from datetime import date, datetime

from functions.outreach.models.workshops import AudienceCriteria
from functions.records.dynamo import DynamoPatientRecords
from functions.records.models.patients import PatientRecord

PANEL_ROLES = frozenset({"primary_practitioner", "practitioner"})


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def speaks(language: str, wanted: list[str]) -> bool:
    """"es-MX" speaks "es"; "es" does not speak "es-MX" (a workshop in one regional variant says so)."""
    return not wanted or any(language == w or language.startswith(f"{w}-") for w in wanted)


def consented_topics(record: PatientRecord) -> set[str]:
    # a consent's topics come with records' outreach change (part/outpromo); before it, no consent names any
    return {topic for consent in record.consents if consent.kind == "communication" and consent.status == "active"
            for topic in getattr(consent, "topics", ())}


def matches(record: PatientRecord, criteria: AudienceCriteria, today: date) -> bool:
    if record.deleted_at is not None:
        return False
    age = age_on(record.birth_date, today)
    panel = {member.user_id for member in record.care_team if member.role in PANEL_ROLES}
    return ((criteria.min_age is None or age >= criteria.min_age)
            and (criteria.max_age is None or age <= criteria.max_age)
            and speaks(record.language, criteria.languages)
            and (not criteria.practitioner_ids or bool(panel & set(criteria.practitioner_ids)))
            and bool(consented_topics(record) & set(criteria.topics)))


class RecordsAudience:
    def __init__(self, records: DynamoPatientRecords, now: Callable[[], datetime]) -> None:
        self.records, self.now = records, now

    def is_in_audience(self, practice_id: str, patient_id: str, criteria: AudienceCriteria) -> bool:
        """Query PATIENT#<p> (records' whole-record read): False for no such patient."""
        record = self.records.record(practice_id, patient_id)
        return record is not None and matches(record, criteria, self.now().date())
