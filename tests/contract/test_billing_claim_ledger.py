"""ClaimLedger, ChargeBook and ClaimFiles, fake and DynamoDB alike: one claim per charge and rank, changes over
the version read, pages newest first, duplicates, the follow-up and A/R views, files kept once."""

from datetime import date

import pytest

from functions.core.errors import Conflict
from tests.contract.billing_ports import PRACTICE, audit, charge, event
from tests.contract.billing_ports import ports as ports  # noqa: F401 - the fixture
from tests.unit.billing.claims import claim


def test_a_charge_is_recorded_and_read_back(ports):
    ports.charges.record(PRACTICE, charge(), audit(), event())
    assert ports.charges.charge(PRACTICE, "charge-1") == charge()
    assert ports.charges.charge(PRACTICE, "nope") is None
    with pytest.raises(Conflict) as again:
        ports.charges.record(PRACTICE, charge(), audit(), event())
    assert again.value.code == "charge_exists"


def test_a_charge_has_one_claim_per_rank(ports):
    ports.claims.open(PRACTICE, claim(id="c1"), audit(), event())
    with pytest.raises(Conflict) as refused:
        ports.claims.open(PRACTICE, claim(id="c2"), audit(), event())
    assert refused.value.code == "claim_exists"
    ports.claims.open(PRACTICE, claim(id="c3", rank="secondary"), audit(), event())
    assert ports.claims.claim(PRACTICE, "c1").id == "c1" and ports.claims.claim(PRACTICE, "c2") is None


def test_a_claim_changes_only_over_the_version_read(ports):
    ports.claims.open(PRACTICE, claim(id="c1"), audit(), event())
    ports.claims.save(PRACTICE, claim(id="c1", state="submitted", version=2), 1, audit(), event())
    with pytest.raises(Conflict) as stale:
        ports.claims.save(PRACTICE, claim(id="c1", state="accepted", version=2), 1, audit(), event())
    assert stale.value.code == "claim_changed"
    assert ports.claims.claim(PRACTICE, "c1").state == "submitted"


def test_the_same_services_on_the_same_day_are_duplicates_until_one_is_voided(ports):
    ports.claims.open(PRACTICE, claim(id="c1"), audit(), event())
    ports.claims.open(PRACTICE, claim(id="c2", charge_id="charge-2"), audit(), event())
    assert ports.claims.duplicates(PRACTICE, claim(id="c2")) == ["c1"]
    assert ports.claims.duplicates(PRACTICE, claim(id="c9", date_of_service=date(2024, 5, 2))) == []
    ports.claims.save(PRACTICE, claim(id="c1", state="void", version=2), 1, audit(), event())
    assert ports.claims.duplicates(PRACTICE, claim(id="c2")) == []


def test_pages_are_newest_first_filtered_and_followed_to_the_end(ports):
    for n, day in enumerate((1, 3, 2, 4)):
        ports.claims.open(PRACTICE, claim(id=f"c{n}", charge_id=f"ch{n}", date_of_service=date(2024, 5, day),
                                          patient_id="ada" if n % 2 else "grace"), audit(), event())
    everything = dict(state=None, patient_id=None, payer_id=None, first=None, last=None)
    seen, start = [], None
    while True:
        page, start = ports.claims.page(PRACTICE, **everything, limit=3, start=start)
        seen += [c.id for c in page]
        if start is None:
            break
    assert seen == ["c3", "c1", "c2", "c0"]
    only = ports.claims.page(PRACTICE, **{**everything, "patient_id": "ada"}, limit=10, start=None)[0]
    assert [c.id for c in only] == ["c3", "c1"]
    window = ports.claims.page(PRACTICE, **{**everything, "first": date(2024, 5, 2), "last": date(2024, 5, 3)},
                               limit=10, start=None)[0]
    assert [c.id for c in window] == ["c1", "c2"]
    assert ports.claims.page(PRACTICE, **{**everything, "state": "paid"}, limit=10, start=None) == ([], None)


def test_claims_awaiting_an_answer_come_when_their_follow_up_is_due(ports):
    ports.claims.open(PRACTICE, claim(id="c1", state="submitted", follow_up_on=date(2024, 6, 10)), audit(), event())
    ports.claims.open(PRACTICE, claim(id="c2", charge_id="ch2", state="submitted", follow_up_on=date(2024, 7, 1)),
                      audit(), event())
    ports.claims.open(PRACTICE, claim(id="c3", charge_id="ch3", state="paid", follow_up_on=date(2024, 6, 1)),
                      audit(), event())
    assert [c.id for c in ports.claims.awaiting_answer(PRACTICE, date(2024, 6, 10))] == ["c1"]


def test_payers_owe_on_open_claims_only(ports):
    ports.claims.open(PRACTICE, claim(id="c1"), audit(), event())
    ports.claims.open(PRACTICE, claim(id="c2", charge_id="ch2", state="closed"), audit(), event())
    ports.claims.open(PRACTICE, claim(id="c3", charge_id="ch3", state="paid", paid_cents=18050), audit(), event())
    assert [c.id for c in ports.claims.owed_by_payers(PRACTICE)] == ["c1"]


def test_files_are_kept_by_kind_and_control_number(ports):
    first, second = ports.files.next_control_number(PRACTICE), ports.files.next_control_number(PRACTICE)
    assert second == first + 1
    ports.files.keep(PRACTICE, "c1", "FILE", first, "ISA*first~", "2024-06-01T00:00:00Z")
    ports.files.keep(PRACTICE, "c1", "FILE", second, "ISA*second~", "2024-06-01T00:00:00Z")
    ports.files.keep(PRACTICE, "c1", "REMIT", first, "ISA*835~", "2024-06-01T00:00:00Z")
    assert ports.files.file(PRACTICE, "c1", "FILE", second) == "ISA*second~"
    assert ports.files.files(PRACTICE, "c1", "FILE") == ["ISA*first~", "ISA*second~"]
    assert ports.files.files(PRACTICE, "c1", "REMIT") == ["ISA*835~"]
    assert ports.files.file(PRACTICE, "c2", "FILE", first) is None
