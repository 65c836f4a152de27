"""CoverageBook and ConsentBook: the fakes and the DynamoDB adapters keep a patient's coverages and consents
the same way, each write checked against the record's related_rev and bumping it."""

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.core.idempotency import AlreadyDone
from tests.contract import records_world
from tests.contract.records_world import AT, PRACTICE, audit, consent, coverage, keyed, registered

world = records_world.world  # the suite runs on the fake and on the DynamoDB adapter


@pytest.fixture(params=["coverage", "consent"])
def kind(request) -> str:
    return request.param


def book(world, kind):
    return world.coverages if kind == "coverage" else world.consents


def new_entry(kind, patient_id, **overrides):
    return (coverage if kind == "coverage" else consent)(patient_id, **overrides)


def entries(world, kind, patient_id):
    record = world.records.record(PRACTICE, patient_id)
    return record.coverages if kind == "coverage" else record.consents


def test_an_added_entry_comes_back_with_the_record_and_bumps_its_related_rev(world, kind):
    ada = registered(world)
    entry = new_entry(kind, ada.id)
    book(world, kind).add(PRACTICE, entry, 0, audit(f"{kind}.create", entry.id), [])
    assert entries(world, kind, ada.id) == [entry]
    assert world.records.record(PRACTICE, ada.id).related_rev == 1 and world.audited() == 2


def test_a_write_against_a_record_that_changed_meanwhile_is_record_changed(world, kind):
    ada = registered(world)
    book(world, kind).add(PRACTICE, new_entry(kind, ada.id), 0, audit(f"{kind}.create", "x"), [])
    with pytest.raises(Conflict) as raised:
        book(world, kind).add(PRACTICE, new_entry(kind, ada.id), 0, audit(f"{kind}.create", "y"), [])
    assert raised.value.code == "record_changed"
    assert len(entries(world, kind, ada.id)) == 1 and world.audited() == 2


def test_a_replacement_at_the_read_version_lands_and_a_stale_one_fails_its_precondition(world, kind):
    ada = registered(world)
    entry = new_entry(kind, ada.id)
    book(world, kind).add(PRACTICE, entry, 0, audit(f"{kind}.create", entry.id), [])
    changed = entry.model_copy(update={"version": 2, "updated_at": "2026-03-05T09:00:00.000Z"})
    book(world, kind).replace(PRACTICE, changed, 1, 1, audit(f"{kind}.update", entry.id), [])
    assert entries(world, kind, ada.id) == [changed]
    with pytest.raises(PreconditionFailed):
        book(world, kind).replace(PRACTICE, changed.model_copy(update={"version": 3}), 1, 2,
                                  audit(f"{kind}.update", entry.id), [])
    assert entries(world, kind, ada.id) == [changed]


def test_a_keyed_add_happens_once_and_its_answer_is_replayed(world, kind):
    ada = registered(world)
    request = keyed(f"add-{kind}-0001", kind)
    first = new_entry(kind, ada.id)
    book(world, kind).add(PRACTICE, first, 0, audit(f"{kind}.create", first.id), [], claim=request.answered(first))
    again = new_entry(kind, ada.id)
    with pytest.raises(AlreadyDone):
        book(world, kind).add(PRACTICE, again, 1, audit(f"{kind}.create", again.id), [],
                              claim=request.answered(again))
    assert entries(world, kind, ada.id) == [first]
    assert book(world, kind).replay(PRACTICE, request)["id"] == first.id


def test_nothing_is_added_under_a_soft_deleted_patient(world, kind):
    ada = registered(world)
    world.records.soft_delete(PRACTICE, ada.id, AT, audit("patient.delete", ada.id), [])
    with pytest.raises(Conflict) as raised:
        book(world, kind).add(PRACTICE, new_entry(kind, ada.id), 0, audit(f"{kind}.create", "x"), [])
    assert raised.value.code == "record_changed"
    assert entries(world, kind, ada.id) == []
