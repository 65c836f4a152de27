"""PurchaseOrderBook and OrderingSettingsStore: the fake and the DynamoDB adapter behave alike (one open order
per item and place, holds released when an order closes, versions, Idempotency-Key answers)."""

import threading

import pytest

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, PreconditionFailed
from functions.core.idempotency import AlreadyDone, IdempotentRequest
from functions.inventory.models.purchase_orders import OrderingSettings, OrderLine, PurchaseOrder
from functions.inventory.ordering import AlreadyOnOrder

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def audit():
    return draft(CALLER, "inventory.test", "PURCHASE_ORDER", "x", AT)


def both(request, fake_factory, dynamo_factory):
    if request.param == "fake":
        from tests.fakes.audit import FakeAuditTrail

        return fake_factory(FakeAuditTrail())
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    request.getfixturevalue("cloud")
    return dynamo_factory(Table(), AuditStore(Table()))


@pytest.fixture(params=["fake", "dynamo"])
def book(request):
    from functions.inventory.dynamo.orders import DynamoPurchaseOrderBook
    from tests.fakes.inventory import FakePurchaseOrderBook

    return both(request, FakePurchaseOrderBook, DynamoPurchaseOrderBook)


@pytest.fixture(params=["fake", "dynamo"])
def settings(request):
    from functions.inventory.dynamo.orders import DynamoOrderingSettings
    from tests.fakes.inventory import FakeOrderingSettings

    return both(request, FakeOrderingSettings, DynamoOrderingSettings)


def order(order_id: str, *items: str, state: str = "draft", version: int = 1, created: str = AT,
          run: str = "run-1") -> PurchaseOrder:
    lines = [OrderLine(item_id=i, item_name=i.title(), location_id="main", packs=2, pack_size=10,
                       pack_price_cents=500) for i in items or ("gloves",)]
    return PurchaseOrder(id=order_id, practice_id=PRACTICE, supplier_id="acme", state=state, lines=lines,
                         trigger="nightly", run=run, created_at=created, created_by="workflow", version=version)


def test_an_order_holds_its_items_and_a_second_open_order_for_one_of_them_is_refused_whole(book):
    book.create(order("PO1", "gloves", "masks"), audit())
    assert book.holder(PRACTICE, "gloves", "main") == "PO1" and book.holder(PRACTICE, "masks", "main") == "PO1"
    with pytest.raises(AlreadyOnOrder) as held:
        book.create(order("PO2", "gauze", "masks"), audit())
    assert held.value.place == ("masks", "main")
    assert book.order(PRACTICE, "PO2") is None and book.holder(PRACTICE, "gauze", "main") is None
    assert book.order(PRACTICE, "PO1").lines[1].item_id == "masks" and book.order(PRACTICE, "none") is None


def test_racing_creates_for_the_same_item_make_one_order(book):
    start, won, lost = threading.Barrier(6), [], []

    def create(n: int) -> None:
        start.wait()
        try:
            book.create(order(f"PO{n}", "gloves"), audit())
            won.append(n)
        except (AlreadyOnOrder, Conflict):
            lost.append(n)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(lost) == 5
    assert book.holder(PRACTICE, "gloves", "main") == f"PO{won[0]}"


def test_a_save_moves_the_order_on_its_version_and_the_list_by_state_follows(book):
    book.create(order("PO1", created="2026-03-01T10:00:00.000Z"), audit())
    book.create(order("PO2", "masks", created="2026-03-01T11:00:00.000Z"), audit())
    book.save(order("PO1", state="approved", version=2, created="2026-03-01T10:00:00.000Z"), audit())
    with pytest.raises(PreconditionFailed):
        book.save(order("PO1", state="sent", version=2, created="2026-03-01T10:00:00.000Z"), audit())
    assert [o.id for o in book.orders(PRACTICE, "draft")] == ["PO2"]
    assert [o.id for o in book.orders(PRACTICE, "approved")] == ["PO1"]
    assert book.holder(PRACTICE, "gloves", "main") == "PO1"  # still open


def test_closing_an_order_releases_its_holds_and_only_its_own(book):
    book.create(order("PO1", "gloves"), audit())
    book.save(order("PO1", state="cancelled", version=2), audit())
    assert book.holder(PRACTICE, "gloves", "main") is None
    book.create(order("PO2", "gloves"), audit())
    book.save(order("PO1", state="cancelled", version=3), audit())  # a late save of the old order
    assert book.holder(PRACTICE, "gloves", "main") == "PO2"


def test_the_task_token_is_kept_on_the_order(book):
    book.create(order("PO1"), audit())
    waiting = order("PO1", state="awaiting_approval", version=2).model_copy(update={"task_token": "tok"})
    book.save(waiting, audit())
    assert book.order(PRACTICE, "PO1").task_token == "tok"  # noqa: S105


def test_an_idempotency_key_answers_once(book):
    request = IdempotentRequest(key="key-12345678", fingerprint="f1")
    from functions.inventory.models.purchase_orders import PurchaseOrderView

    first = order("PO1")
    book.create(first, audit(), claim=request.answered(PurchaseOrderView.of(first)))
    assert book.replay(PRACTICE, request)["id"] == "PO1"
    with pytest.raises(AlreadyDone):
        book.create(order("PO2", "masks"), audit(), claim=request.answered(PurchaseOrderView.of(first)))
    assert book.holder(PRACTICE, "masks", "main") is None


def test_settings_are_the_defaults_until_set_then_versioned(settings):
    assert settings.settings(PRACTICE) == OrderingSettings()
    settings.save(PRACTICE, OrderingSettings(spending_limit_cents=1000, approval_hours=24, version=1), audit())
    with pytest.raises(PreconditionFailed):
        settings.save(PRACTICE, OrderingSettings(spending_limit_cents=5, version=1), audit())
    settings.save(PRACTICE, OrderingSettings(spending_limit_cents=2000, version=2), audit())
    assert settings.settings(PRACTICE).spending_limit_cents == 2000
