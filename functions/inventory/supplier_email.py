"""The SupplierOutbox adapter: an order reaches its supplier as an email through notifications, to the
supplier's contact card (`Recipient(kind="contact")`, the card inventory keeps with the supplier), the order
written out as CSV in the message body.

Why the body and not an attachment: notifications sends a template's subject and text through SES SendEmail,
which has no attachments; a CSV in the plain-text body is readable by a person and by a supplier's order
desk alike, and needs no change in notifications. Its variables are bounded (4,096 characters), which is why
an order holds at most ordering.MAX_ORDER_LINES lines."""

import csv
import io

from functions.core.events import DomainEvent
from functions.inventory.models.purchase_orders import PurchaseOrder
from functions.notifications.request import notification_requested

COLUMNS = ("order_id", "item_id", "item_name", "location_id", "packs", "pack_size", "units", "pack_price",
           "line_total")
NAME_CHARS = 60


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def order_csv(order: PurchaseOrder) -> str:
    """One row per line, then a total row; prices in dollars with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in order.lines:
        writer.writerow([order.id, line.item_id, line.item_name[:NAME_CHARS], line.location_id, line.packs,
                         line.pack_size, line.units, money(line.pack_price_cents), money(line.total_cents)])
    writer.writerow([order.id, "", "TOTAL", "", "", "", "", "", money(order.total_cents)])
    return out.getvalue()


class EmailSupplierOutbox:
    def _message(self, order: PurchaseOrder, template: str, what: str, **data: str | int) -> DomainEvent:
        return notification_requested(
            practice_id=order.practice_id, recipient={"kind": "contact", "contact_id": order.supplier_id},
            template=template, source={"area": "inventory", "entity": "purchase_order", "entity_id": order.id},
            idempotency_key=f"po-{order.id}-{what}", data={"order_id": order.id, **data})

    def order_message(self, order: PurchaseOrder) -> DomainEvent:
        """The same order is one message, however often it is sent."""
        return self._message(order, "inventory.purchase_order", "sent", order_csv=order_csv(order),
                             total=money(order.total_cents), lines=len(order.lines))

    def cancel_message(self, order: PurchaseOrder) -> DomainEvent:
        return self._message(order, "inventory.purchase_order.cancelled", "cancelled")
