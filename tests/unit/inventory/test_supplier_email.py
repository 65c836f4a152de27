"""The order as the supplier reads it: a CSV in the email's text, every line and the total, within the
4,096 characters a message variable holds even at the most lines an order has."""

from functions.inventory.models.purchase_orders import OrderLine, PurchaseOrder
from functions.inventory.ordering import MAX_ORDER_LINES
from functions.inventory.supplier_email import EmailSupplierOutbox, order_csv
from functions.notifications.models.messages import NotificationRequest
from functions.notifications.templates import builtin, render


def order(lines: int = 2, name: str = "Nitrile gloves, medium") -> PurchaseOrder:
    return PurchaseOrder(
        id="01J0000000000000000000000A", practice_id="p1", supplier_id="lakeside", trigger="nightly", run="night",
        created_at="2026-03-02T04:30:00Z", created_by="workflow",
        lines=[OrderLine(item_id=f"01J00000000000000000000{n:03d}", item_name=name, location_id="store-room-01",
                         packs=12, pack_size=100, pack_price_cents=899) for n in range(lines)])


def test_the_email_carries_the_order_as_csv_with_every_line_and_the_total():
    event = EmailSupplierOutbox().order_message(order())
    request = NotificationRequest.model_validate({"practice_id": "p1", **event.data["request"]})
    assert request.recipient.kind == "contact" and request.recipient.contact_id == "lakeside"
    rendered = render(builtin("inventory.purchase_order", "en"), request.data)
    rows = rendered.text.split("\n\n", 2)[2].splitlines()
    assert rows[0] == "order_id,item_id,item_name,location_id,packs,pack_size,units,pack_price,line_total"
    assert rows[1].endswith('"Nitrile gloves, medium",store-room-01,12,100,1200,8.99,107.88')
    assert rows[-1].endswith("TOTAL,,,,,,215.76") and len(rows) == 4
    assert "total 215.76" in rendered.text and rendered.subject == "Purchase order 01J0000000000000000000000A"


def test_the_longest_order_with_the_longest_names_fits_one_message_variable():
    csv = order_csv(order(MAX_ORDER_LINES, "x" * 200))
    assert len(csv) <= 4096
    NotificationRequest.model_validate({"practice_id": "p1", **EmailSupplierOutbox().order_message(
        order(MAX_ORDER_LINES, "x" * 200)).data["request"]})
