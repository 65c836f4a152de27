"""DynamoDB adapters of PurchaseOrderBook and OrderingSettingsStore.

    PRACTICE#p#PURCHASE_ORDER#<id>            ORDER      gsi1 PRACTICE#p#PURCHASE_ORDERS#<state> / <created>#<id>
    PRACTICE#p#ON_ORDER#<item>#<location>     ON_ORDER   the open order holding (item, location): written with
                                                         attribute_not_exists in the order's transaction, deleted
                                                         when it is received in full or cancelled
    PRACTICE#p#INVENTORY_SETTINGS             ORDERING   the spending limit and approval hours, versioned
"""

from collections.abc import Sequence
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.keys import collection_pk, entity_pk, segment
from functions.core.table import Delete, Item, Operation, Put, Table
from functions.inventory.models.purchase_orders import OrderingSettings, PurchaseOrder
from functions.inventory.ordering import AlreadyOnOrder

ORDER, HOLD, ORDERING = "ORDER", "ON_ORDER", "ORDERING"


def order_pk(practice_id: str, order_id: str) -> str:
    return entity_pk(practice_id, "PURCHASE_ORDER", order_id)


def state_index(practice_id: str, state: str) -> str:
    return collection_pk(practice_id, "PURCHASE_ORDERS", state)


def hold_pk(practice_id: str, item_id: str, location_id: str) -> str:
    return collection_pk(practice_id, HOLD, segment(item_id, "item id"), segment(location_id, "location id"))


def settings_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "INVENTORY_SETTINGS")


class DynamoPurchaseOrderBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def order(self, practice_id: str, order_id: str) -> PurchaseOrder | None:
        """GetItem PURCHASE_ORDER#<id>/ORDER (consistent)."""
        item = self.table.get(order_pk(practice_id, order_id), ORDER, consistent=True)
        return PurchaseOrder.model_validate(item) if item else None

    def orders(self, practice_id: str, state: str, limit: int = 100) -> list[PurchaseOrder]:
        """Query gsi1 PURCHASE_ORDERS#<state>, newest first, one page of `limit`."""
        page = self.table.query(state_index(practice_id, state), index="gsi1", forward=False, limit=limit)
        return [PurchaseOrder.model_validate(item) for item in page.items]

    def holder(self, practice_id: str, item_id: str, location_id: str) -> str | None:
        """GetItem ON_ORDER#<item>#<location>/ON_ORDER (consistent)."""
        item = self.table.get(hold_pk(practice_id, item_id, location_id), HOLD, consistent=True)
        return item["purchase_order_id"] if item else None

    def create(self, order: PurchaseOrder, audit: AuditDraft, events: Sequence[DomainEvent] = (),
               claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the order (new), a hold per line where none is (attribute_not_exists: another open
        order's hold fails it with AlreadyOnOrder), [idempotency key], outbox events, audit."""
        writes: list[Operation] = [Put(self._item(order), "attribute_not_exists(pk)",
                                       on_conflict=Conflict("the purchase order exists already", code="conflict"))]
        writes += [Put({"pk": hold_pk(order.practice_id, line.item_id, line.location_id), "sk": HOLD,
                        "kind": "ON_ORDER", "purchase_order_id": order.id, "item_id": line.item_id,
                        "location_id": line.location_id},
                       "attribute_not_exists(pk)", on_conflict=AlreadyOnOrder(line.item_id, line.location_id))
                   for line in order.lines]
        if claim is not None:
            writes.append(idempotency.claim_put(order.practice_id, claim))
        self.audit.commit(audit, writes, events)

    def save(self, order: PurchaseOrder, audit: AuditDraft, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the order on the version before it (412 when it moved), [when it is received or
        cancelled: its holds deleted, those GetItem (consistent) finds are its own, on that condition],
        [idempotency key], outbox events, audit."""
        writes: list[Operation] = [Put(self._item(order), "#v = :v", names={"#v": "version"},
                                       values={":v": order.version - 1}, on_conflict=stale("purchase order"))]
        if not order.open:
            writes += [Delete({"pk": hold_pk(order.practice_id, line.item_id, line.location_id), "sk": HOLD},
                              "purchase_order_id = :id", values={":id": order.id},
                              on_conflict=stale("purchase order"))
                       for line in order.lines
                       if self.holder(order.practice_id, line.item_id, line.location_id) == order.id]
        if claim is not None:
            writes.append(idempotency.claim_put(order.practice_id, claim))
        self.audit.commit(audit, writes, events)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)

    @staticmethod
    def _item(order: PurchaseOrder) -> Item:
        return {"pk": order_pk(order.practice_id, order.id), "sk": ORDER, "kind": "PURCHASE_ORDER",
                **order.model_dump(mode="json", exclude_none=True),
                "gsi1pk": state_index(order.practice_id, order.state), "gsi1sk": f"{order.created_at}#{order.id}"}


class DynamoOrderingSettings:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def settings(self, practice_id: str) -> OrderingSettings:
        """GetItem INVENTORY_SETTINGS/ORDERING (consistent); the defaults (version 0) until first set."""
        item = self.table.get(settings_pk(practice_id), ORDERING, consistent=True)
        return OrderingSettings.model_validate(item) if item else OrderingSettings()

    def save(self, practice_id: str, settings: OrderingSettings, audit: AuditDraft) -> None:
        """TransactWriteItems: the settings over the version before them (none, for version 1), audit."""
        item = {"pk": settings_pk(practice_id), "sk": ORDERING, "kind": "ORDERING_SETTINGS",
                **settings.model_dump(mode="json")}
        if settings.version == 1:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=stale("ordering settings"))
        else:
            put = Put(item, "#v = :v", names={"#v": "version"}, values={":v": settings.version - 1},
                      on_conflict=stale("ordering settings"))
        self.audit.commit(audit, [put])
