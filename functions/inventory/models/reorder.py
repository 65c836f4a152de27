"""The seam between stock and ordering: what is below its reorder point, and what a receipt posts.

Quantities are integers in the item's unit of use; `pack_size` is units of use per purchasable pack."""

from datetime import date

from functions.core.models import Shape


class SupplierOffer(Shape):
    supplier_id: str
    pack_price_cents: int  # price of one pack
    lead_time_days: int
    preferred: bool


class ReorderLine(Shape):
    item_id: str
    item_name: str
    location_id: str
    on_hand: int  # units of use, this location, all lots
    reorder_point: int
    par_level: int
    pack_size: int
    offers: list[SupplierOffer]  # preferred first


class ReceiptLine(Shape):
    item_id: str
    location_id: str
    quantity: int  # units of use, > 0
    lot: str | None = None  # required when the item is lot-tracked
    expires_on: date | None = None  # required when the item is expiry-tracked
