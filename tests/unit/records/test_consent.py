"""A patient's consents: one active of a kind, shared only with family, revocable, on fakes."""


import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Invalid, PreconditionFailed
from functions.records.models.consent import ConsentIn, ConsentPatch
from functions.records.models.patients import PatientPatch
from tests.unit.records.support import caller, patient_in


def test_removing_a_family_member_fails_if_a_consent_slipped_in(patients, store):
    created = patients.register(caller(), patient_in(family=[
        {"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent"}]))
    store.before_write = lambda: store.bump_related("p1", created.id)
    with pytest.raises(PreconditionFailed):
        patients.update(caller(), created.id, PatientPatch(family=[]), lambda: 1)


def test_one_active_treatment_or_communication_consent_at_a_time(patients, consents):
    created = patients.register(caller(), patient_in())
    consents.grant(caller(), created.id, ConsentIn(kind="communication", channels=["sms"]))
    with pytest.raises(Conflict):
        consents.grant(caller(), created.id, ConsentIn(kind="communication", channels=["email"]))
    consents.grant(caller(), created.id, ConsentIn(kind="treatment"))


def test_consent_can_only_share_with_the_patients_family(patients, consents):
    created = patients.register(caller(), patient_in())
    with pytest.raises(Invalid):
        consents.grant(caller(), created.id,
                              ConsentIn(kind="data_sharing", shares_with=["01HZZZZZZZZZZZZZZZZZZZZZZZ"]))


def test_consent_update_and_revoke(patients, consents, store, audit):
    created = patients.register(caller(), patient_in())
    consent = consents.grant(caller(Role.PATIENT, patient=created.id), created.id,
                                    ConsentIn(kind="communication", channels=["sms"]))
    assert consent.recorded_by == "user-1" and consent.status == "active"
    updated = consents.update(caller(), created.id, consent.id, ConsentPatch(channels=["email"]), lambda: 1)
    assert updated.channels == ["email"] and updated.version == 2
    with pytest.raises(Invalid):  # a communication consent lists at least one channel
        consents.update(caller(), created.id, consent.id, ConsentPatch(channels=[]), lambda: 2)
    with pytest.raises(PreconditionFailed):
        consents.revoke(caller(), created.id, consent.id, lambda: 1)
    revoked = consents.revoke(caller(), created.id, consent.id, lambda: 2)
    assert revoked.status == "revoked" and revoked.revoked_at == "2026-03-04T15:30:00.000Z"
    with pytest.raises(Conflict) as raised:
        consents.revoke(caller(), created.id, consent.id, lambda: 3)
    assert raised.value.code == "consent_revoked"
    assert [e.type for e in store.events][-3:] == ["records.consent.granted", "records.consent.updated",
                                                  "records.consent.revoked"]
    assert all(e.subject_patient_id == created.id for e in audit.entries)


def test_a_retried_grant_with_the_same_key_answers_the_first_consent(patients, consents, audit):
    created = patients.register(caller(), patient_in())
    body = ConsentIn(kind="communication", channels=["sms"])
    first = consents.grant(caller(), created.id, body, idempotency_key="grant-consent-01")
    assert consents.grant(caller(), created.id, body, idempotency_key="grant-consent-01") == first
    assert audit.actions()[-1] == "consent.grant.replayed"
