"""Disclosures and the accounting of disclosures (HIPAA §164.528) on fakes: who may record and who may ask, the
six-year window, and every step audited."""

from datetime import UTC, date, datetime

import pytest

from functions.compliance.disclosures import Disclosures, years_before
from functions.compliance.models.audit import DisclosureIn
from functions.core.auth import Role
from functions.core.errors import Forbidden, Invalid, NotFound
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.compliance import FakeDisclosureBook
from tests.unit.compliance.audit_support import PRACTICE, person

PO = person(Role.PRIVACY_OFFICER, "po-1")
ADA = person(Role.PATIENT, "ada-user", patient="ada")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def audit() -> FakeAuditTrail:
    return FakeAuditTrail()


@pytest.fixture
def book(audit) -> FakeDisclosureBook:
    book = FakeDisclosureBook(audit)
    book.on_file(PRACTICE, "ada")
    book.on_file(PRACTICE, "grace")
    return book


@pytest.fixture
def disclosures(book, audit, clock) -> Disclosures:
    return Disclosures(book, audit, now=clock)


def disclosure(on: date, patient: str = "ada", to: str = "County Health Department") -> DisclosureIn:
    return DisclosureIn(patient_id=patient, disclosed_on=on, recipient_name=to, recipient_address="1 Main St",
                        description="immunization record", purpose="public health reporting")


def test_a_recorded_disclosure_is_in_the_patients_accounting_and_audited(disclosures, audit):
    made = disclosures.record(PO, disclosure(date(2026, 3, 9)))
    assert (made.recorded_by, made.patient_id, made.recorded_at) == ("po-1", "ada", "2026-03-10T12:00:00.000Z")
    accounting = disclosures.accounting(PO, "ada")
    assert [d.id for d in accounting.disclosures] == [made.id]
    assert (accounting.requested_on, accounting.period_start) == (date(2026, 3, 10), date(2020, 3, 10))
    assert [(e.action, e.entity, e.subject_patient_id) for e in audit.entries] == [
        ("disclosure.record", "DISCLOSURE", "ada"), ("disclosure.accounting", "PATIENT", "ada")]
    assert disclosures.read(PO, "ada", made.id) == made


def test_the_accounting_covers_the_six_years_before_the_request_newest_first(disclosures, clock):
    clock.at = datetime(2020, 3, 9, 9, 0, tzinfo=UTC)
    too_old = disclosures.record(PO, disclosure(date(2020, 3, 9)))
    clock.at = datetime(2020, 3, 10, 9, 0, tzinfo=UTC)
    first_day = disclosures.record(PO, disclosure(date(2020, 3, 10)))
    clock.at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    late = disclosures.record(PO, disclosure(date(2019, 1, 1), to="Court"))  # recorded late, made long ago
    recent = disclosures.record(PO, disclosure(date(2026, 3, 1)))
    listed = [d.id for d in disclosures.accounting(PO, "ada").disclosures]
    assert listed == [recent.id, first_day.id]
    assert too_old.id not in listed and late.id not in listed


def test_only_the_patients_own_disclosures_are_listed(disclosures):
    disclosures.record(PO, disclosure(date(2026, 3, 1), patient="grace"))
    assert disclosures.accounting(PO, "ada").disclosures == []


def test_a_patient_may_ask_for_their_own_accounting_only(disclosures, audit):
    made = disclosures.record(PO, disclosure(date(2026, 3, 1)))
    assert [d.id for d in disclosures.accounting(ADA, "ada").disclosures] == [made.id]
    assert disclosures.read(ADA, "ada", made.id).id == made.id
    with pytest.raises(Forbidden) as refused:
        disclosures.accounting(ADA, "grace")
    assert refused.value.subject_patient_id == "grace"
    with pytest.raises(Forbidden):
        disclosures.read(ADA, "grace", made.id)
    assert audit.entries[-1].actor == "ada-user" and audit.entries[-1].action == "disclosure.read"


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.STAFF])
def test_other_staff_record_disclosures_but_only_the_coordinator_and_privacy_officer_account(disclosures, role):
    allowed = role is not Role.STAFF
    if allowed:
        disclosures.record(person(role), disclosure(date(2026, 3, 1)))
    else:
        with pytest.raises(Forbidden):
            disclosures.record(person(role), disclosure(date(2026, 3, 1)))
    with pytest.raises(Forbidden):
        disclosures.accounting(person(role), "ada")


def test_a_patient_may_not_record_a_disclosure(disclosures, audit):
    with pytest.raises(Forbidden):
        disclosures.record(ADA, disclosure(date(2026, 3, 1)))
    assert audit.entries == []


def test_a_disclosure_of_a_patient_not_on_file_is_404_and_leaves_nothing(disclosures, book, audit):
    with pytest.raises(NotFound):
        disclosures.record(PO, disclosure(date(2026, 3, 1), patient="nobody"))
    assert book.disclosures == {} and audit.entries == []


def test_a_disclosure_not_yet_made_is_refused(disclosures, audit):
    with pytest.raises(Invalid) as refused:
        disclosures.record(PO, disclosure(date(2026, 3, 11)))
    assert refused.value.code == "disclosure_in_future" and audit.entries == []


def test_another_patients_disclosure_is_not_found_under_this_one(disclosures):
    made = disclosures.record(PO, disclosure(date(2026, 3, 1), patient="grace"))
    with pytest.raises(NotFound) as missing:
        disclosures.read(PO, "ada", made.id)
    assert missing.value.subject_patient_id == "ada"


def test_six_years_before_the_29th_of_february_is_the_28th():
    assert years_before(date(2024, 2, 29), 6) == date(2018, 2, 28)
    assert years_before(date(2026, 3, 10), 6) == date(2020, 3, 10)


def test_a_request_without_what_or_why_is_invalid():
    with pytest.raises(ValueError):
        DisclosureIn(patient_id="ada", disclosed_on=date(2026, 3, 1), recipient_name="Court", description=" ",
                     purpose="subpoena")


def test_a_retry_with_the_same_idempotency_key_lists_the_disclosure_once(disclosures, audit):
    first = disclosures.record(PO, disclosure(date(2026, 3, 1)), "retry-key-1")
    again = disclosures.record(PO, disclosure(date(2026, 3, 1)), "retry-key-1")
    assert again == first and len(disclosures.accounting(PO, "ada").disclosures) == 1
    assert [e.action for e in audit.entries][:2] == ["disclosure.record", "disclosure.record.replayed"]
    with pytest.raises(Invalid) as reused:
        disclosures.record(PO, disclosure(date(2026, 3, 2)), "retry-key-1")
    assert reused.value.code == "idempotency_key_reused"
