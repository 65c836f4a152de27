"""DisclosureBook: FakeDisclosureBook and DynamoDisclosureBook on moto keep, read and list a patient's disclosures
alike, refuse one for a patient not on file, and write the audit entry with the disclosure."""

from datetime import date

import pytest

from functions.compliance.models.audit import Disclosure
from functions.core.audit import AuditDraft
from functions.core.errors import NotFound
from functions.core.ids import new_id

PRACTICE = "practice-a"


class Book:
    def __init__(self, book, on_file, audited) -> None:
        self.book, self.on_file, self.audited = book, on_file, audited


@pytest.fixture(params=["fake", "dynamo"])
def ports(request) -> Book:
    if request.param == "fake":
        from tests.fakes.audit import FakeAuditTrail
        from tests.fakes.compliance import FakeDisclosureBook

        trail = FakeAuditTrail()
        book = FakeDisclosureBook(trail)
        return Book(book, book.on_file, lambda: [e.action for e in trail.entries])
    request.getfixturevalue("cloud")
    from functions.compliance.dynamo.disclosures import DynamoDisclosureBook
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from tests.contract.records_world import audit, patient

    table = Table()
    store = AuditStore(table)

    def on_file(practice_id: str, patient_id: str) -> None:
        from functions.records.dynamo import DynamoPatientRecords

        DynamoPatientRecords(table, store).register(practice_id, patient(id=patient_id),
                                                   audit("patient.create", patient_id, practice_id), [])

    def audited() -> list[str]:
        return [e["action"] for e in store.entries(PRACTICE) if e["action"] != "patient.create"]

    return Book(DynamoDisclosureBook(table, store), on_file, audited)


def disclosure(patient_id: str, recorded_at: str, on: date = date(2026, 3, 1)) -> Disclosure:
    from datetime import datetime

    ms = int(datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).timestamp() * 1000)
    return Disclosure(id=new_id(ms), practice_id=PRACTICE, patient_id=patient_id, disclosed_on=on,
                      recipient_name="County Health", recipient_address=None, description="immunizations",
                      purpose="public health", recorded_by="po-1", recorded_at=recorded_at)


def entry(disclosure_id: str, patient_id: str) -> AuditDraft:
    return AuditDraft(practice_id=PRACTICE, actor="po-1", role="privacy_officer", action="disclosure.record",
                      entity="DISCLOSURE", entity_id=disclosure_id, request_id="r", at="2026-03-10T12:00:00.000Z",
                      subject_patient_id=patient_id)


def test_a_kept_disclosure_reads_back_with_its_audit_entry(ports):
    ports.on_file(PRACTICE, "ada")
    made = disclosure("ada", "2026-03-10T12:00:00.000Z")
    ports.book.record(made, entry(made.id, "ada"))
    assert ports.book.disclosure(PRACTICE, "ada", made.id) == made
    assert ports.book.disclosure(PRACTICE, "grace", made.id) is None
    assert ports.audited() == ["disclosure.record"]


def test_a_patient_not_on_file_is_not_found_and_nothing_is_kept(ports):
    made = disclosure("nobody", "2026-03-10T12:00:00.000Z")
    with pytest.raises(NotFound):
        ports.book.record(made, entry(made.id, "nobody"))
    assert ports.book.disclosure(PRACTICE, "nobody", made.id) is None and ports.audited() == []


def test_a_patients_disclosures_recorded_since_a_day_newest_first(ports):
    ports.on_file(PRACTICE, "ada")
    ports.on_file(PRACTICE, "grace")
    made = [disclosure("ada", at) for at in ("2020-03-09T23:59:59.000Z", "2020-03-10T00:00:00.000Z",
                                             "2026-03-01T10:00:00.000Z")]
    for one in [*made, disclosure("grace", "2026-03-02T10:00:00.000Z")]:
        ports.book.record(one, entry(one.id, one.patient_id))
    listed = ports.book.of_patient(PRACTICE, "ada", date(2020, 3, 10))
    assert [d.id for d in listed] == [made[2].id, made[1].id]
    assert len(ports.book.of_patient(PRACTICE, "ada", date(2000, 1, 1))) == 3


def test_a_keyed_record_is_kept_once_and_its_answer_replayed(ports):
    from functions.core.idempotency import AlreadyDone, IdempotentRequest

    ports.on_file(PRACTICE, "ada")
    request = IdempotentRequest(key="key-0001", fingerprint="f1")
    made = disclosure("ada", "2026-03-10T12:00:00.000Z")
    assert ports.book.replay(PRACTICE, request) is None
    ports.book.record(made, entry(made.id, "ada"), request.answered(made))
    assert Disclosure.model_validate(ports.book.replay(PRACTICE, request)) == made
    second = disclosure("ada", "2026-03-10T12:00:01.000Z")
    with pytest.raises(AlreadyDone):
        ports.book.record(second, entry(second.id, "ada"), request.answered(second))
    assert ports.book.disclosure(PRACTICE, "ada", second.id) is None
    assert ports.audited() == ["disclosure.record"]
