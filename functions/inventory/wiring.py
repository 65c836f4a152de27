"""The inventory area's one composition root: adapters built from core settings, use cases handed to every
entry point, each once per container (`functions.core.container.reset()` forgets them)."""

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.table import Table
from functions.inventory.catalogue import Catalogue
from functions.inventory.counts import Counts
from functions.inventory.drift import DriftCheck
from functions.inventory.dynamo.catalogue import (
    DynamoCountSheets,
    DynamoItemCatalogue,
    DynamoLocationBook,
    DynamoSupplierBook,
    StaffCoordinators,
)
from functions.inventory.dynamo.seam import DynamoReorderNeeds, DynamoStockReceiving
from functions.inventory.dynamo.stock import DynamoStockLedger, DynamoStockWatch
from functions.inventory.expiry import ExpiryWatch
from functions.inventory.ledger import StockMovements
from functions.inventory.levels import StockLevels
from functions.inventory.suppliers import Suppliers

# --- stock (invstock) ------------------------------------------------------------------------------------


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
def expiry() -> ExpiryWatch:
    return ExpiryWatch(watch(), StaffCoordinators(Table(), audit()), audit(), clock.now)


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
