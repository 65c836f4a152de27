"""CertificationBook: the fake and DynamoCertificationBook on moto keep, list and index certifications alike."""

from datetime import date, timedelta

import pytest

from functions.compliance.models.certifications import Certification
from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, PreconditionFailed
from functions.core.events import DomainEvent

PRACTICE = "practice-contract"
AT = "2026-11-30T05:00:00.000Z"
TODAY = date(2026, 11, 30)
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


@pytest.fixture(params=["fake", "dynamo"])
def book(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeCertificationBook

        return FakeCertificationBook()
    request.getfixturevalue("cloud")
    from functions.compliance.dynamo.certifications import DynamoCertificationBook
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    return DynamoCertificationBook(Table(), AuditStore(Table()))


def cert(cid: str, days: int, holder: str = "nurse-1", kind: str = "licence", practitioner: str | None = "dr-1",
         **more) -> Certification:
    return Certification(id=cid, practice_id=PRACTICE, holder_id=holder, practitioner_id=practitioner, kind=kind,
                         name="RN", number="RN-1", issuing_body="Board", expires_on=TODAY + timedelta(days=days),
                         version=1, created_at=AT, created_by="coord-1", updated_at=AT, updated_by="coord-1", **more)


def audit(entity_id: str = "x"):
    return draft(CALLER, "compliance.certification.create", "CERTIFICATION", entity_id, AT)


def notice() -> DomainEvent:
    from functions.compliance.notices import OutboxWorkNotices

    return OutboxWorkNotices().to_staff(PRACTICE, "nurse-1", "t", "d", "cert-c1-30d", ("certification", "c1"))


def test_a_saved_certification_reads_back_and_a_second_create_or_a_stale_save_is_refused(book):
    book.save(cert("c1", 10), audit())
    assert book.certification(PRACTICE, "c1") == cert("c1", 10)
    assert book.certification(PRACTICE, "c2") is None and book.certification("other", "c1") is None
    with pytest.raises(Conflict):
        book.save(cert("c1", 20), audit())
    book.save(cert("c1", 30).model_copy(update={"version": 2}), audit())
    with pytest.raises(PreconditionFailed):
        book.save(cert("c1", 40).model_copy(update={"version": 2}), audit())
    assert book.certification(PRACTICE, "c1").expires_on == TODAY + timedelta(days=30)


def test_expiring_holds_only_active_ones_up_to_a_date_soonest_first(book):
    book.save(cert("c1", 40), audit())
    book.save(cert("c2", -5), audit())
    book.save(cert("c3", 10), audit())
    book.save(cert("c4", 5, status="retired"), audit())
    assert [c.id for c in book.expiring(PRACTICE, TODAY + timedelta(days=30))] == ["c2", "c3"]
    book.save(cert("c3", 10).model_copy(update={"status": "retired", "version": 2}), audit())
    assert [c.id for c in book.expiring(PRACTICE, TODAY + timedelta(days=60))] == ["c2", "c1"]


def test_a_practitioners_active_licences_only(book):
    book.save(cert("c1", 10), audit())
    book.save(cert("c2", 10, kind="certification"), audit())
    book.save(cert("c3", 10, practitioner="dr-2"), audit())
    book.save(cert("c4", -1, status="retired"), audit())
    assert [c.id for c in book.of_practitioner(PRACTICE, "dr-1")] == ["c1"]


def test_lists_by_holder_and_for_the_practice_a_page_at_a_time(book):
    book.save(cert("c1", 30, holder="b"), audit())
    book.save(cert("c2", 10, holder="b"), audit())
    book.save(cert("c3", 10, holder="a"), audit())
    assert [c.id for c in book.listed(PRACTICE, "b", 10, None).items] == ["c2", "c1"]
    first = book.listed(PRACTICE, None, 2, None)
    assert [c.id for c in first.items] == ["c3", "c1"] and first.next_start is not None
    rest = book.listed(PRACTICE, None, 2, first.next_start)
    assert [c.id for c in rest.items] == ["c2"]


def test_a_reminder_stage_is_recorded_once_per_expiry_date_without_moving_the_version(book):
    book.save(cert("c1", 20), audit())
    stored = book.certification(PRACTICE, "c1")
    assert book.mark_reminded(stored, "30d", audit(), [notice()]) is True
    assert book.mark_reminded(stored, "30d", audit(), [notice()]) is False
    again = book.certification(PRACTICE, "c1")
    assert again.reminded == f"{stored.expires_on.isoformat()}:30d" and again.version == 1
    assert book.mark_reminded(again, "7d", audit(), [notice()]) is True
    renewed = again.model_copy(update={"expires_on": TODAY + timedelta(days=25), "version": 2})
    book.save(renewed, audit())
    assert book.mark_reminded(stored, "expired", audit(), []) is False  # the expiry it named is gone
