"""Inventory's one composition root: adapters built from core settings, use cases handed to every entry point,
each once per container (`functions.core.container.reset()` forgets them)."""

from typing import TYPE_CHECKING

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.inventory.ports import ReorderNeeds, StockReceiving

if TYPE_CHECKING:  # the use cases and adapters are imported where they are built: each entry point loads its own
    from functions.inventory.dynamo.orders import DynamoOrderingSettings, DynamoPurchaseOrderBook
    from functions.inventory.order_workflow import StepFunctionsOrderWorkflow
    from functions.inventory.purchase_orders import PurchaseOrders
    from functions.inventory.receiving import OrderReceiving
    from functions.inventory.reordering import Reordering
    from functions.inventory.supplier_email import EmailSupplierOutbox

# --- purchase orders ---------------------------------------------------------------------------------------


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def reorder_needs() -> ReorderNeeds:
    """The seam: what is low, from the stock side (invstock's adapter; tests wire the fake in
    tests/fakes/inventory_orders.py here)."""
    from functions.inventory.dynamo.seam import DynamoReorderNeeds

    return DynamoReorderNeeds(Table(), audit())


@per_container
def stock_receiving() -> StockReceiving:
    """The seam: a receipt into the stock ledger (invstock's adapter; tests wire the fake here)."""
    from functions.inventory.dynamo.seam import DynamoStockReceiving

    return DynamoStockReceiving(Table(), audit())


@per_container
def purchase_order_book() -> "DynamoPurchaseOrderBook":
    from functions.inventory.dynamo.orders import DynamoPurchaseOrderBook

    return DynamoPurchaseOrderBook(Table(), audit())


@per_container
def ordering_settings() -> "DynamoOrderingSettings":
    from functions.inventory.dynamo.orders import DynamoOrderingSettings

    return DynamoOrderingSettings(Table(), audit())


@per_container
def order_workflow() -> "StepFunctionsOrderWorkflow":
    from functions.inventory.order_workflow import StepFunctionsOrderWorkflow

    return StepFunctionsOrderWorkflow()


@per_container
def supplier_outbox() -> "EmailSupplierOutbox":
    from functions.inventory.supplier_email import EmailSupplierOutbox

    return EmailSupplierOutbox()


@per_container
def purchase_orders() -> "PurchaseOrders":
    from functions.inventory.purchase_orders import PurchaseOrders

    return PurchaseOrders(purchase_order_book(), ordering_settings(), order_workflow(), supplier_outbox(), audit(),
                          clock.now)


@per_container
def order_receiving() -> "OrderReceiving":
    from functions.inventory.receiving import OrderReceiving

    return OrderReceiving(purchase_order_book(), stock_receiving, audit(), clock.now)


@per_container
def reordering() -> "Reordering":
    from functions.inventory.order_notices import OutboxOrderNotices, StaffCoordinators
    from functions.inventory.reordering import Reordering

    return Reordering(reorder_needs(), purchase_order_book(), ordering_settings(), supplier_outbox(),
                      StaffCoordinators(Table(), audit()), OutboxOrderNotices(), order_workflow(),
                      audit(), clock.now, lambda: practice_ids(Table()))
