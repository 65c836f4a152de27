"""Suppliers: who sells the practice its supplies and where their orders go. Saving a supplier also saves its
contact card, the one way notifications reaches someone who is neither patient nor staff."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.inventory.models.catalogue import Supplier, SupplierIn, SupplierList, SupplierPatch
from functions.inventory.ports import SupplierBook

ENTITY = "INVENTORY_SUPPLIER"
REQUIRED = frozenset({"name", "email", "language"})


class Suppliers(AreaService):
    def __init__(self, suppliers: SupplierBook, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.suppliers, self.audit, self.now = suppliers, audit, now

    def add(self, caller: Caller, body: SupplierIn) -> Supplier:
        authz.authorize(caller, "inventory.supplier.create")
        at = self._at()
        supplier = Supplier(id=new_id(), practice_id=caller.practice_id, **body.model_dump(), version=1,
                            created_at=at, updated_at=at)
        self.suppliers.save(supplier, self._draft(caller, "inventory.supplier.create", ENTITY, supplier.id, at=at))
        return supplier

    def read(self, caller: Caller, supplier_id: str) -> Supplier:
        authz.authorize(caller, "inventory.supplier.read")
        supplier = self.suppliers.supplier(caller.practice_id, supplier_id)
        if supplier is None:
            raise NotFound("no such supplier")
        return supplier

    def everyone(self, caller: Caller) -> SupplierList:
        authz.authorize(caller, "inventory.supplier.read")
        return SupplierList(suppliers=self.suppliers.suppliers(caller.practice_id))

    def update(self, caller: Caller, supplier_id: str, patch: SupplierPatch, expected: ExpectedVersion) -> Supplier:
        authz.authorize(caller, "inventory.supplier.update")
        version = expected()
        supplier = self.read(caller, supplier_id)
        if supplier.version != version:
            raise stale("supplier")
        changes = patch.model_dump(exclude_unset=True)
        if cleared := sorted(k for k, v in changes.items() if v is None and k in REQUIRED):
            raise Invalid(f"{', '.join(cleared)} cannot be cleared", {"fields": cleared}, code="required_field")
        at = self._at()
        updated = supplier.model_copy(update={**changes, "version": supplier.version + 1, "updated_at": at})
        self.suppliers.save(updated, self._draft(caller, "inventory.supplier.update", ENTITY, supplier_id, at=at))
        return updated
