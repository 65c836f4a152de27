"""Registering, reading, changing and soft-deleting a patient, on in-memory fakes."""


import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.records.models.consent import ConsentIn
from functions.records.models.patients import PatientPatch
from tests.unit.records.support import caller, patient_in


def test_create_stores_the_patient_audits_it_and_emits_an_event_with_ids_only(patients, store, audit):
    record = patients.register(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    assert record.version == 1 and record.created_at == "2026-03-04T15:30:00.000Z"
    assert len(record.family) == 1 and len(record.family[0].id) == 26
    assert audit.actions() == ["patient.create"]
    assert audit.entries[0].subject_patient_id == record.id
    [event] = store.events
    assert event.type == "records.patient.created" and event.entity_id == record.id
    assert "Ada" not in event.model_dump_json() and "Lovelace" not in event.model_dump_json()


def test_family_member_ids_are_ours_on_create(patients):
    with pytest.raises(Invalid):
        patients.register(caller(), patient_in(family=[
            {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "given_name": "B", "family_name": "L", "relationship": "parent"}]))


def test_a_retried_create_with_the_same_key_returns_the_first_patient(patients, store):
    first = patients.register(caller(), patient_in(), idempotency_key="create-ada-0001")
    again = patients.register(caller(), patient_in(), idempotency_key="create-ada-0001")
    assert again.id == first.id
    assert len(store.patients) == 1 and store.writes == 1


def test_the_same_key_for_a_different_patient_is_refused(patients):
    patients.register(caller(), patient_in(), idempotency_key="create-ada-0001")
    with pytest.raises(Invalid):
        patients.register(caller(), patient_in(given_name="Other"), idempotency_key="create-ada-0001")


def test_read_is_audited_and_a_missing_patient_is_not_found(patients, audit):
    created = patients.register(caller(), patient_in())
    assert patients.read(caller(Role.PRACTITIONER), created.id).id == created.id
    assert audit.actions() == ["patient.create", "patient.read"]
    with pytest.raises(NotFound):
        patients.read(caller(), "01HZZZZZZZZZZZZZZZZZZZZZZZ")
    assert audit.actions() == ["patient.create", "patient.read"]


def test_another_practice_cannot_see_the_patient(patients):
    created = patients.register(caller(practice="p1"), patient_in())
    with pytest.raises(NotFound):
        patients.read(caller(practice="p2"), created.id)


def test_update_changes_only_the_fields_sent_and_bumps_the_version(patients, store):
    created = patients.register(caller(), patient_in(email="ada@example.org"))
    updated = patients.update(caller(), created.id, PatientPatch(preferred_name="Countess",
                                                                        email=None), lambda: 1)
    assert updated.version == 2 and updated.preferred_name == "Countess" and updated.email is None
    assert updated.family_name == "Lovelace"
    assert store.events[-1].type == "records.patient.updated"
    assert store.events[-1].data == {"version": 2, "fields": ["email", "preferred_name"]}


def test_update_with_a_stale_version_fails_its_precondition(patients):
    created = patients.register(caller(), patient_in())
    patients.update(caller(), created.id, PatientPatch(preferred_name="A"), lambda: 1)
    with pytest.raises(PreconditionFailed) as raised:
        patients.update(caller(), created.id, PatientPatch(preferred_name="B"), lambda: 1)
    assert raised.value.code == "precondition_failed" and raised.value.status == 412


def test_an_empty_update_is_refused(patients):
    created = patients.register(caller(), patient_in())
    with pytest.raises(Invalid):
        patients.update(caller(), created.id, PatientPatch(), lambda: 1)


def test_family_members_keep_their_ids_and_unknown_ids_are_refused(patients):
    created = patients.register(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    kept = created.family[0]
    updated = patients.update(caller(), created.id, PatientPatch(family=[
        {**kept.model_dump(), "is_proxy": True},
        {"given_name": "Ralph", "family_name": "King", "relationship": "child"}]), lambda: 1)
    assert updated.family[0].id == kept.id and updated.family[0].is_proxy
    assert updated.family[1].id != kept.id
    with pytest.raises(Invalid):
        patients.update(caller(), created.id, PatientPatch(family=[
            {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "given_name": "X", "family_name": "Y", "relationship": "other"}]),
            lambda: 2)


def test_a_family_member_in_an_active_data_sharing_consent_cannot_be_removed(patients, consents):
    created = patients.register(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    member = created.family[0].id
    consent = consents.grant(caller(), created.id, ConsentIn(kind="data_sharing", shares_with=[member]))
    with pytest.raises(Conflict) as raised:
        patients.update(caller(), created.id, PatientPatch(family=[]), lambda: 1)
    assert raised.value.code == "family_member_in_consent"
    consents.revoke(caller(), created.id, consent.id, lambda: 1)
    assert patients.update(caller(), created.id, PatientPatch(family=[]), lambda: 1).family == []


def test_fhir_export_is_audited(patients, audit):
    created = patients.register(caller(), patient_in())
    bundle = patients.export_fhir(caller(), created.id)
    assert bundle["type"] == "collection"
    assert audit.actions()[-1] == "patient.export"
