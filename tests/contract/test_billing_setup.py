"""BillingSetup, fake and DynamoDB alike: settings, fee schedule and payers, each written over its version."""

import pytest

from functions.billing.models.setup import ClaimSettings, Fee, FeeSchedule, Payer
from functions.core.errors import PreconditionFailed
from tests.contract.billing_ports import AT, OTHER, PRACTICE, audit, event
from tests.contract.billing_ports import ports as ports  # noqa: F401 - the fixture
from tests.unit.billing.claims import PROVIDER


def a_payer(payer_id: str, version: int = 1) -> Payer:
    return Payer(id=payer_id, name=f"Payer {payer_id}", electronic_id="60054", version=version, updated_at=AT)


def test_nothing_is_set_up_at_first_and_the_fee_schedule_is_empty(ports):
    assert ports.setup.settings(PRACTICE) is None
    assert ports.setup.fee_schedule(PRACTICE) == FeeSchedule()
    assert ports.setup.payer(PRACTICE, "acme") is None and ports.setup.payers(PRACTICE) == []


def test_a_setting_is_created_once_then_changed_only_over_the_version_read(ports):
    first = ClaimSettings(billing_provider=PROVIDER, version=1, updated_at=AT)
    ports.setup.save(PRACTICE, first, 0, audit(), event())
    assert ports.setup.settings(PRACTICE) == first
    with pytest.raises(PreconditionFailed):
        ports.setup.save(PRACTICE, first, 0, audit(), event())  # it exists now
    second = first.model_copy(update={"version": 2, "follow_up_days": 45})
    ports.setup.save(PRACTICE, second, 1, audit(), event())
    with pytest.raises(PreconditionFailed):
        ports.setup.save(PRACTICE, second.model_copy(update={"version": 2}), 1, audit(), event())  # stale
    assert ports.setup.settings(PRACTICE).follow_up_days == 45
    assert ports.setup.settings(OTHER) is None


def test_the_fee_schedule_prices_what_was_saved(ports):
    schedule = FeeSchedule(fees=[Fee(code="99213", amount_cents=15000)], version=1, updated_at=AT)
    ports.setup.save(PRACTICE, schedule, 0, audit(), event())
    assert ports.setup.fee_schedule(PRACTICE).price("99213", []) == 15000


def test_payers_are_each_their_own_and_listed_together(ports):
    for payer_id in ("beta", "acme"):
        ports.setup.save(PRACTICE, a_payer(payer_id), 0, audit(), event())
    assert ports.setup.payer(PRACTICE, "acme").name == "Payer acme"
    assert sorted(p.id for p in ports.setup.payers(PRACTICE)) == ["acme", "beta"]
    with pytest.raises(PreconditionFailed):
        ports.setup.save(PRACTICE, a_payer("acme", 2), 5, audit(), event())
