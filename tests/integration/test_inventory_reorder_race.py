"""The stock-low event and the nightly run racing on DynamoDB (moto): whatever the interleaving, exactly one open
purchase order holds each item at each place. The reorder steps run on threads as two executions would, with
the real order book; the stock side is the stock half's seam over its fakes."""

import threading
from datetime import UTC, datetime

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.inventory.dynamo.orders import DynamoOrderingSettings, DynamoPurchaseOrderBook
from functions.inventory.reordering import Reordering
from functions.inventory.staff_notices import OutboxStaffNotices
from functions.inventory.supplier_email import EmailSupplierOutbox
from tests.fakes.inventory import FakeCoordinators, FakeOrderWorkflow, FakeStockSeam
from tests.unit.inventory.orders_support import low_line, offer

PRACTICE = "practice-race"
ITEMS = ("gloves", "masks", "gauze", "swabs")


def reordering(stock: FakeStockSeam) -> Reordering:
    table = Table()
    audit = AuditStore(table)  # one per execution's container: they meet only in the table
    return Reordering(stock, DynamoPurchaseOrderBook(table, audit), DynamoOrderingSettings(table, audit),
                      EmailSupplierOutbox(), FakeCoordinators(), OutboxStaffNotices(), FakeOrderWorkflow(), audit,
                      lambda: datetime(2026, 3, 2, 4, 30, tzinfo=UTC), lambda: [PRACTICE])


def run(steps: Reordering, name: str, item: str | None = None) -> list[str]:
    gathered = steps.gather(PRACTICE, item, "main" if item else None)
    planned = steps.plan(PRACTICE, gathered["lines"])
    return [o["purchase_order_id"] for o in steps.create(PRACTICE, name, "stock-low" if item else "nightly",
                                                         planned)["orders"]]


def test_the_stock_low_events_and_nightly_runs_racing_make_one_open_order_per_item_and_place(cloud):
    stock = FakeStockSeam()
    for n, item in enumerate(ITEMS):
        stock.put(PRACTICE, low_line(item, on_hand=n, offers=[offer("acme" if n % 2 else "medco", 500,
                                                                     preferred=True)]))
    runs = [(f"night-{n}", None) for n in range(3)] + [(f"event-{item}-{n}", item) for item in ITEMS
                                                        for n in range(2)]
    start, made, errors = threading.Barrier(len(runs)), [], []

    def race(name: str, item: str | None) -> None:
        steps = reordering(stock)
        start.wait()
        try:
            made.extend(run(steps, name, item))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=race, args=runs_of) for runs_of in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    book = DynamoPurchaseOrderBook(Table(), AuditStore(Table()))
    orders = book.orders(PRACTICE, "draft")
    assert sorted(o.id for o in orders) == sorted(set(made))
    held = [(line.item_id, line.location_id) for o in orders for line in o.lines]
    assert sorted(held) == sorted((item, "main") for item in ITEMS)  # each once, none missing
    for o in orders:
        for line in o.lines:
            assert book.holder(PRACTICE, line.item_id, line.location_id) == o.id
