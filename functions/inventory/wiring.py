"""The inventory area's one composition root: adapters built from core settings, use cases handed to every
entry point, each once per container (`functions.core.container.reset()` forgets them)."""

from typing import TYPE_CHECKING

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.inventory.catalogue import Catalogue
from functions.inventory.counts import Counts
from functions.inventory.drift import DriftCheck
from functions.inventory.dynamo.catalogue import (
    DynamoCountSheets,
    DynamoItemCatalogue,
    DynamoLocationBook,
    DynamoSupplierBook,
)
from functions.inventory.dynamo.seam import DynamoReorderNeeds, DynamoStockReceiving
from functions.inventory.dynamo.stock import DynamoStockLedger, DynamoStockWatch
from functions.inventory.expiry import ExpiryWatch
from functions.inventory.ledger import StockMovements
from functions.inventory.levels import StockLevels
from functions.inventory.staff_notices import OutboxStaffNotices, StaffCoordinators
from functions.inventory.suppliers import Suppliers

if TYPE_CHECKING:  # ordering's use cases and adapters are imported where they are built: only its routes, steps
    # and receipts load them
    from functions.inventory.dynamo.orders import DynamoOrderingSettings, DynamoPurchaseOrderBook
    from functions.inventory.order_workflow import StepFunctionsOrderWorkflow
    from functions.inventory.purchase_orders import PurchaseOrders
    from functions.inventory.receiving import OrderReceiving
    from functions.inventory.reordering import Reordering
    from functions.inventory.supplier_email import EmailSupplierOutbox

# --- stock ------------------------------------------------------------------------------------------------


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def items() -> DynamoItemCatalogue:
    return DynamoItemCatalogue(Table(), audit())


@per_container
def locations() -> DynamoLocationBook:
    return DynamoLocationBook(Table(), audit())


@per_container
def supplier_book() -> DynamoSupplierBook:
    return DynamoSupplierBook(Table(), audit())


@per_container
def ledger() -> DynamoStockLedger:
    return DynamoStockLedger(Table(), audit())


@per_container
def watch() -> DynamoStockWatch:
    return DynamoStockWatch(Table())


@per_container
def catalogue() -> Catalogue:
    return Catalogue(items(), locations(), supplier_book(), audit(), clock.now)


@per_container
def suppliers() -> Suppliers:
    return Suppliers(supplier_book(), audit(), clock.now)


@per_container
def movements() -> StockMovements:
    return StockMovements(items(), locations(), ledger(), audit(), clock.now)


@per_container
def levels() -> StockLevels:
    return StockLevels(items(), locations(), ledger(), watch(), audit(), clock.now)


@per_container
def counts() -> Counts:
    return Counts(locations(), ledger(), DynamoCountSheets(Table(), audit()), movements(), audit(), clock.now)


@per_container
def coordinators() -> StaffCoordinators:
    return StaffCoordinators(Table(), audit())


@per_container
def expiry() -> ExpiryWatch:
    return ExpiryWatch(watch(), coordinators(), OutboxStaffNotices(), audit(), clock.now)


@per_container
def drift() -> DriftCheck:
    return DriftCheck(items(), ledger())


@per_container
def reorder_needs() -> DynamoReorderNeeds:
    """The seam ordering reads: what is below its reorder point."""
    return DynamoReorderNeeds(Table(), audit())


@per_container
def stock_receiving() -> DynamoStockReceiving:
    """The seam ordering writes through: a delivery's receipts."""
    return DynamoStockReceiving(Table(), audit())


# --- purchase orders ---------------------------------------------------------------------------------------


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
    from functions.inventory.reordering import Reordering

    return Reordering(reorder_needs(), purchase_order_book(), ordering_settings(), supplier_outbox(),
                      coordinators(), OutboxStaffNotices(), order_workflow(),
                      audit(), clock.now, lambda: practice_ids(Table()))
