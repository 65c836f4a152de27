"""PatientRecords: the fake and the DynamoDB adapter keep a patient's chart the same way."""

import pytest

from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.core.idempotency import AlreadyDone
from tests.contract import records_world
from tests.contract.records_world import OTHER, PRACTICE, audit, keyed, patient, registered

world = records_world.world  # the suite runs on the fake and on the DynamoDB adapter


def test_a_registered_patient_reads_back_whole_with_an_empty_chart(world):
    ada = registered(world)
    record = world.records.record(PRACTICE, ada.id)
    assert record.id == ada.id and record.family_name == "Lovelace" and record.version == 1
    assert record.coverages == [] and record.consents == []
    assert record.deleted_at is None and record.related_rev == 0
    assert world.audited() == 1


def test_an_unknown_patient_or_another_practices_patient_is_none(world):
    ada = registered(world)
    assert world.records.record(OTHER, ada.id) is None
    assert world.records.record(PRACTICE, "01J00000000000000000000000") is None


def test_registering_an_existing_id_is_a_conflict_and_writes_nothing(world):
    ada = registered(world)
    with pytest.raises(Conflict) as raised:
        world.records.register(PRACTICE, patient(id=ada.id, given_name="Other"), audit("patient.create", ada.id), [])
    assert raised.value.code == "duplicate_id"
    assert world.records.record(PRACTICE, ada.id).given_name == "Ada" and world.audited() == 1


def test_a_keyed_registration_happens_once_and_its_answer_is_replayed(world):
    request = keyed("register-ada-01", "ada")
    assert world.records.replay(PRACTICE, request) is None
    first = patient()
    world.records.register(PRACTICE, first, audit("patient.create", first.id), [], claim=request.answered(first))
    again = patient()
    with pytest.raises(AlreadyDone):
        world.records.register(PRACTICE, again, audit("patient.create", again.id), [], claim=request.answered(again))
    assert world.records.record(PRACTICE, again.id) is None
    assert world.records.replay(PRACTICE, request)["id"] == first.id
    with pytest.raises(Invalid) as raised:
        world.records.replay(PRACTICE, keyed("register-ada-01", "someone else"))
    assert raised.value.code == "idempotency_key_reused"
    assert world.records.replay(OTHER, request) is None  # keys are per practice


def test_an_update_at_the_read_version_replaces_the_profile_and_clears_what_is_unset(world):
    ada = registered(world)
    changed = ada.model_copy(update={"preferred_name": "Countess", "email": None, "version": 2})
    world.records.update(PRACTICE, changed, 1, audit("patient.update", ada.id), [])
    record = world.records.record(PRACTICE, ada.id)
    assert record.version == 2 and record.preferred_name == "Countess" and record.email is None
    assert world.audited() == 2


def test_an_update_at_a_stale_version_or_related_rev_fails_its_precondition(world):
    ada = registered(world)
    with pytest.raises(PreconditionFailed):
        world.records.update(PRACTICE, ada.model_copy(update={"version": 3}), 2, audit("patient.update", ada.id), [])
    with pytest.raises(PreconditionFailed):
        world.records.update(PRACTICE, ada.model_copy(update={"version": 2}), 1, audit("patient.update", ada.id), [],
                             expected_rev=5)
    assert world.records.record(PRACTICE, ada.id).version == 1 and world.audited() == 1


def test_a_soft_deleted_patient_stays_on_file_marked_deleted_and_cannot_change(world):
    ada = registered(world)
    world.records.soft_delete(PRACTICE, ada.id, "2026-03-05T09:00:00.000Z", audit("patient.delete", ada.id), [])
    record = world.records.record(PRACTICE, ada.id)
    assert record.deleted_at == "2026-03-05T09:00:00.000Z" and record.version == 2
    with pytest.raises(NotFound):
        world.records.soft_delete(PRACTICE, ada.id, "2026-03-06T09:00:00.000Z", audit("patient.delete", ada.id), [])
    with pytest.raises(PreconditionFailed):
        world.records.update(PRACTICE, ada.model_copy(update={"version": 3}), 2, audit("patient.update", ada.id), [])
    assert world.audited() == 2


def test_soft_deleting_an_unknown_patient_is_not_found(world):
    with pytest.raises(NotFound):
        world.records.soft_delete(PRACTICE, "01J00000000000000000000000", "2026-03-05T09:00:00.000Z",
                                  audit("patient.delete", "01J00000000000000000000000"), [])
