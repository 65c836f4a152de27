"""DynamoDB adapters of the catalogue ports: items, locations, suppliers (with their contact cards), count
sheets, and the coordinators read from the staff area's records."""

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.contacts import ContactCard, contact_put
from functions.core.table import Item as Row
from functions.core.table import Table
from functions.inventory.dynamo import keys
from functions.inventory.models.catalogue import Item, Location, Supplier
from functions.inventory.models.counts import CountSheet


class DynamoItemCatalogue:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def item(self, practice_id: str, item_id: str) -> Item | None:
        """GetItem INV_ITEM#<item>/ITEM (consistent)."""
        row = self.table.get(keys.item_pk(practice_id, item_id), keys.ITEM, consistent=True)
        return Item.model_validate(row) if row else None

    def items(self, practice_id: str) -> list[Item]:
        """Query gsi1 INV_ITEMS (the practice's items, by name), every page."""
        return [Item.model_validate(row) for row in
                self.table.query_all(keys.items_index(practice_id), index=keys.CATALOGUE_INDEX)]

    def save(self, item: Item, audit: AuditDraft) -> None:
        """TransactWriteItems: the item on its previous version (or where none is), audit."""
        row: Row = {"pk": keys.item_pk(item.practice_id, item.id), "sk": keys.ITEM, "kind": "INVENTORY_ITEM",
                    **item.model_dump(mode="json", exclude_none=True),
                    "gsi1pk": keys.items_index(item.practice_id), "gsi1sk": keys.by_name(item.name, item.id)}
        self.audit.commit(audit, [keys.versioned_put(row, "item")])


class DynamoLocationBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def location(self, practice_id: str, location_id: str) -> Location | None:
        """GetItem INV_LOCATION#<id>/LOCATION (consistent)."""
        row = self.table.get(keys.location_pk(practice_id, location_id), keys.LOCATION, consistent=True)
        return Location.model_validate(row) if row else None

    def locations(self, practice_id: str) -> list[Location]:
        """Query gsi1 INV_LOCATIONS (by name), every page."""
        return [Location.model_validate(row) for row in
                self.table.query_all(keys.locations_index(practice_id), index=keys.CATALOGUE_INDEX)]

    def save(self, location: Location, audit: AuditDraft) -> None:
        """TransactWriteItems: the location on its previous version (or where none is), audit."""
        row: Row = {"pk": keys.location_pk(location.practice_id, location.id), "sk": keys.LOCATION,
                    **location.model_dump(mode="json", exclude_none=True),
                    "gsi1pk": keys.locations_index(location.practice_id),
                    "gsi1sk": keys.by_name(location.name, location.id)}
        self.audit.commit(audit, [keys.versioned_put(row, "location")])


class DynamoSupplierBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def supplier(self, practice_id: str, supplier_id: str) -> Supplier | None:
        """GetItem INV_SUPPLIER#<id>/SUPPLIER (consistent)."""
        row = self.table.get(keys.supplier_pk(practice_id, supplier_id), keys.SUPPLIER, consistent=True)
        return Supplier.model_validate(row) if row else None

    def suppliers(self, practice_id: str) -> list[Supplier]:
        """Query gsi1 INV_SUPPLIERS (by name), every page."""
        return [Supplier.model_validate(row) for row in
                self.table.query_all(keys.suppliers_index(practice_id), index=keys.CATALOGUE_INDEX)]

    def save(self, supplier: Supplier, audit: AuditDraft) -> None:
        """TransactWriteItems: the supplier on its previous version (or where none is), its contact card (the
        address orders go to, email only), audit."""
        row: Row = {"pk": keys.supplier_pk(supplier.practice_id, supplier.id), "sk": keys.SUPPLIER,
                    "kind": "INVENTORY_SUPPLIER", **supplier.model_dump(mode="json", exclude_none=True),
                    "gsi1pk": keys.suppliers_index(supplier.practice_id),
                    "gsi1sk": keys.by_name(supplier.name, supplier.id)}
        card = ContactCard(name=supplier.name, email=supplier.email, phone=supplier.phone,
                           language=supplier.language, channels=["email"], owner="inventory.supplier",
                           version=supplier.version)
        self.audit.commit(audit, [keys.versioned_put(row, "supplier"),
                                  contact_put(supplier.practice_id, supplier.id, card)])


class DynamoCountSheets:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def sheet(self, practice_id: str, count_id: str) -> CountSheet | None:
        """GetItem INV_COUNT#<id>/COUNT (consistent)."""
        row = self.table.get(keys.count_pk(practice_id, count_id), keys.COUNT, consistent=True)
        return CountSheet.model_validate(row) if row else None

    def save(self, sheet: CountSheet, audit: AuditDraft) -> None:
        """TransactWriteItems: the sheet on its previous version (or where none is), audit."""
        row: Row = {"pk": keys.count_pk(sheet.practice_id, sheet.id), "sk": keys.COUNT, "kind": "INVENTORY_COUNT",
                    **sheet.model_dump(mode="json", exclude_none=True)}
        self.audit.commit(audit, [keys.versioned_put(row, "count sheet")])
