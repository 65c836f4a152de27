"""The records rules, on in-memory fakes: no moto, milliseconds per test."""

from datetime import UTC, date, datetime

import pytest

from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.records.models import (
    ConsentIn,
    ConsentPatch,
    CoverageIn,
    CoveragePatch,
    PatientIn,
    PatientPatch,
)
from functions.records.service import RecordsService
from tests.unit.records.fakes import FakeAudit, FakeRepo

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
KEY = b"k" * 32


def caller(role: Role = Role.COORDINATOR, practice: str = "p1", patient: str | None = None) -> Caller:
    return Caller(user_id="user-1", practice_id=practice, roles=frozenset({role}), patient_id=patient,
                  request_id="req-1")


def patient_in(**overrides) -> PatientIn:
    fields = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
              "phone": "+442079460000", "time_zone": "Europe/London"}
    return PatientIn(**{**fields, **overrides})


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


@pytest.fixture
def repo(audit) -> FakeRepo:
    return FakeRepo(audit)


@pytest.fixture
def service(repo, audit) -> RecordsService:
    return RecordsService(repo, audit, page_key=lambda: KEY, now=lambda: NOW)


def test_create_stores_the_patient_audits_it_and_emits_an_event_with_ids_only(service, repo, audit):
    record = service.create_patient(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    assert record.version == 1 and record.created_at == "2026-03-04T15:30:00.000Z"
    assert len(record.family) == 1 and len(record.family[0].id) == 26
    assert audit.actions() == ["patient.create"]
    assert audit.entries[0].subject_patient_id == record.id
    [event] = repo.events
    assert event.type == "records.patient.created" and event.entity_id == record.id
    assert "Ada" not in event.model_dump_json() and "Lovelace" not in event.model_dump_json()


def test_family_member_ids_are_ours_on_create(service):
    with pytest.raises(Invalid):
        service.create_patient(caller(), patient_in(family=[
            {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "given_name": "B", "family_name": "L", "relationship": "parent"}]))


def test_a_retried_create_with_the_same_key_returns_the_first_patient(service, repo):
    first = service.create_patient(caller(), patient_in(), idempotency_key="create-ada-0001")
    again = service.create_patient(caller(), patient_in(), idempotency_key="create-ada-0001")
    assert again.id == first.id
    assert len(repo.patients) == 1 and repo.writes == 1


def test_the_same_key_for_a_different_patient_is_refused(service):
    service.create_patient(caller(), patient_in(), idempotency_key="create-ada-0001")
    with pytest.raises(Invalid):
        service.create_patient(caller(), patient_in(given_name="Other"), idempotency_key="create-ada-0001")


def test_read_is_audited_and_a_missing_patient_is_not_found(service, audit):
    created = service.create_patient(caller(), patient_in())
    assert service.read_patient(caller(Role.PRACTITIONER), created.id).id == created.id
    assert audit.actions() == ["patient.create", "patient.read"]
    with pytest.raises(NotFound):
        service.read_patient(caller(), "01HZZZZZZZZZZZZZZZZZZZZZZZ")
    assert audit.actions() == ["patient.create", "patient.read"]


def test_another_practice_cannot_see_the_patient(service):
    created = service.create_patient(caller(practice="p1"), patient_in())
    with pytest.raises(NotFound):
        service.read_patient(caller(practice="p2"), created.id)


def test_update_changes_only_the_fields_sent_and_bumps_the_version(service, repo):
    created = service.create_patient(caller(), patient_in(email="ada@example.org"))
    updated = service.update_patient(caller(), created.id, PatientPatch(preferred_name="Countess",
                                                                        email=None), 1)
    assert updated.version == 2 and updated.preferred_name == "Countess" and updated.email is None
    assert updated.family_name == "Lovelace"
    assert repo.events[-1].type == "records.patient.updated"
    assert repo.events[-1].data == {"version": 2, "fields": ["email", "preferred_name"]}


def test_update_with_a_stale_version_fails_its_precondition(service):
    created = service.create_patient(caller(), patient_in())
    service.update_patient(caller(), created.id, PatientPatch(preferred_name="A"), 1)
    with pytest.raises(PreconditionFailed) as raised:
        service.update_patient(caller(), created.id, PatientPatch(preferred_name="B"), 1)
    assert raised.value.code == "precondition_failed" and raised.value.status == 412


def test_an_empty_update_is_refused(service):
    created = service.create_patient(caller(), patient_in())
    with pytest.raises(Invalid):
        service.update_patient(caller(), created.id, PatientPatch(), 1)


def test_family_members_keep_their_ids_and_unknown_ids_are_refused(service):
    created = service.create_patient(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    kept = created.family[0]
    updated = service.update_patient(caller(), created.id, PatientPatch(family=[
        {**kept.model_dump(), "is_proxy": True},
        {"given_name": "Ralph", "family_name": "King", "relationship": "child"}]), 1)
    assert updated.family[0].id == kept.id and updated.family[0].is_proxy
    assert updated.family[1].id != kept.id
    with pytest.raises(Invalid):
        service.update_patient(caller(), created.id, PatientPatch(family=[
            {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "given_name": "X", "family_name": "Y", "relationship": "other"}]), 2)


def test_a_family_member_in_an_active_data_sharing_consent_cannot_be_removed(service):
    created = service.create_patient(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    member = created.family[0].id
    consent = service.grant_consent(caller(), created.id, ConsentIn(kind="data_sharing", shares_with=[member]))
    with pytest.raises(Conflict) as raised:
        service.update_patient(caller(), created.id, PatientPatch(family=[]), 1)
    assert raised.value.code == "family_member_in_consent"
    service.revoke_consent(caller(), created.id, consent.id, 1)
    assert service.update_patient(caller(), created.id, PatientPatch(family=[]), 1).family == []


def test_removing_a_family_member_fails_if_a_consent_slipped_in(service, repo):
    created = service.create_patient(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    repo.before_write = lambda: repo.bump_related("p1", created.id)
    with pytest.raises(PreconditionFailed):
        service.update_patient(caller(), created.id, PatientPatch(family=[]), 1)


def test_soft_deleted_patient_reads_as_not_found_and_leaves_search(service, audit):
    created = service.create_patient(caller(), patient_in())
    service.delete_patient(caller(), created.id)
    with pytest.raises(NotFound):
        service.read_patient(caller(), created.id)
    with pytest.raises(NotFound):
        service.delete_patient(caller(), created.id)
    assert service.search(caller(), family="love").patients == []
    assert audit.actions() == ["patient.create", "patient.delete", "patient.search"]


def test_search_needs_exactly_one_kind_of_criterion(service):
    for criteria in ({}, {"given": "Ada"}, {"family": "L", "phone": "+442079460000"},
                     {"birth_date": date(1990, 12, 10), "phone": "+442079460000"}):
        with pytest.raises(Invalid):
            service.search(caller(), **criteria)


def test_search_pages_with_signed_tokens_tied_to_the_search(service, audit):
    for given in ("Ann", "Bea", "Cal", "Dee", "Eve"):
        service.create_patient(caller(), patient_in(given_name=given))
    first = service.search(caller(), family="LOVE", limit=2)
    assert [p.given_name for p in first.patients] == ["Ann", "Bea"] and first.next_page_token
    second = service.search(caller(), family="love", limit=2, page_token=first.next_page_token)
    assert [p.given_name for p in second.patients] == ["Cal", "Dee"]
    third = service.search(caller(), family="love", limit=2, page_token=second.next_page_token)
    assert [p.given_name for p in third.patients] == ["Eve"] and third.next_page_token is None
    assert audit.actions().count("patient.search") == 3
    with pytest.raises(Invalid):  # same token, another search
        service.search(caller(), family="lovel", limit=2, page_token=first.next_page_token)
    with pytest.raises(Invalid):  # same token, another practice
        service.search(caller(practice="p2"), family="love", limit=2, page_token=first.next_page_token)
    with pytest.raises(Invalid):  # edited
        service.search(caller(), family="love", limit=2, page_token="x" + first.next_page_token[1:])


def test_search_by_birth_date_and_phone(service):
    created = service.create_patient(caller(), patient_in())
    service.create_patient(caller(), patient_in(birth_date="1991-01-01", phone="+442079460001"))
    assert [p.id for p in service.search(caller(), birth_date=date(1990, 12, 10)).patients] == [created.id]
    assert len(service.search(caller(), phone="+442079460000").patients) == 1


def test_given_name_search_matches_the_whole_family_name(service):
    service.create_patient(caller(), patient_in(family_name="Lovelace", given_name="Ada"))
    service.create_patient(caller(), patient_in(family_name="Lovelaceson", given_name="Ada"))
    assert len(service.search(caller(), family="lovelace").patients) == 2
    assert len(service.search(caller(), family="Lovelace", given="ad").patients) == 1


def coverage_in(**overrides) -> CoverageIn:
    fields = {"payer_id": "60054", "payer_name": "Aetna", "member_id": "W123456789", "rank": "primary",
              "period_start": "2026-01-01"}
    return CoverageIn(**{**fields, **overrides})


def test_two_primary_coverages_may_not_overlap(service):
    created = service.create_patient(caller(), patient_in())
    service.add_coverage(caller(), created.id, coverage_in(period_end="2026-06-30"))
    with pytest.raises(Conflict) as raised:
        service.add_coverage(caller(), created.id, coverage_in(period_start="2026-06-01"))
    assert raised.value.code == "coverage_overlap"
    service.add_coverage(caller(), created.id, coverage_in(period_start="2026-07-01"))
    service.add_coverage(caller(), created.id, coverage_in(rank="secondary", period_start="2026-02-01"))
    assert len(service.list_coverages(caller(), created.id).coverages) == 3


def test_coverage_update_checks_version_and_overlap(service):
    created = service.create_patient(caller(), patient_in())
    first = service.add_coverage(caller(), created.id, coverage_in(period_end="2026-06-30"))
    second = service.add_coverage(caller(), created.id, coverage_in(period_start="2026-07-01"))
    with pytest.raises(Conflict):
        service.update_coverage(caller(), created.id, first.id, CoveragePatch(period_end=None), 1)
    with pytest.raises(PreconditionFailed):
        service.update_coverage(caller(), created.id, second.id, CoveragePatch(member_id="X1"), 7)
    updated = service.update_coverage(caller(), created.id, second.id, CoveragePatch(member_id="X1"), 1)
    assert updated.version == 2 and updated.member_id == "X1"
    with pytest.raises(Invalid):
        service.update_coverage(caller(), created.id, second.id,
                                CoveragePatch(period_end="2025-01-01"), 2)


def test_a_coverage_write_retries_when_another_write_got_in_first(service, repo):
    created = service.create_patient(caller(), patient_in())
    repo.before_write = lambda: repo.bump_related("p1", created.id)
    coverage = service.add_coverage(caller(), created.id, coverage_in())
    assert service.list_coverages(caller(), created.id).coverages == [coverage]


def test_one_active_treatment_or_communication_consent_at_a_time(service):
    created = service.create_patient(caller(), patient_in())
    service.grant_consent(caller(), created.id, ConsentIn(kind="communication", channels=["sms"]))
    with pytest.raises(Conflict):
        service.grant_consent(caller(), created.id, ConsentIn(kind="communication", channels=["email"]))
    service.grant_consent(caller(), created.id, ConsentIn(kind="treatment"))


def test_consent_can_only_share_with_the_patients_family(service):
    created = service.create_patient(caller(), patient_in())
    with pytest.raises(Invalid):
        service.grant_consent(caller(), created.id,
                              ConsentIn(kind="data_sharing", shares_with=["01HZZZZZZZZZZZZZZZZZZZZZZZ"]))


def test_consent_update_and_revoke(service, repo, audit):
    created = service.create_patient(caller(), patient_in())
    consent = service.grant_consent(caller(Role.PATIENT, patient=created.id), created.id,
                                    ConsentIn(kind="communication", channels=["sms"]))
    assert consent.recorded_by == "user-1" and consent.status == "active"
    updated = service.update_consent(caller(), created.id, consent.id, ConsentPatch(channels=["email"]), 1)
    assert updated.channels == ["email"] and updated.version == 2
    with pytest.raises(Invalid):  # a communication consent lists at least one channel
        service.update_consent(caller(), created.id, consent.id, ConsentPatch(channels=[]), 2)
    with pytest.raises(PreconditionFailed):
        service.revoke_consent(caller(), created.id, consent.id, 1)
    revoked = service.revoke_consent(caller(), created.id, consent.id, 2)
    assert revoked.status == "revoked" and revoked.revoked_at == "2026-03-04T15:30:00.000Z"
    with pytest.raises(Conflict) as raised:
        service.revoke_consent(caller(), created.id, consent.id, 3)
    assert raised.value.code == "consent_revoked"
    assert [e.type for e in repo.events][-3:] == ["records.consent.granted", "records.consent.updated",
                                                  "records.consent.revoked"]
    assert all(e.subject_patient_id == created.id for e in audit.entries)


def test_fhir_export_is_audited(service, audit):
    created = service.create_patient(caller(), patient_in())
    bundle = service.export_fhir(caller(), created.id)
    assert bundle["type"] == "collection"
    assert audit.actions()[-1] == "patient.export"
