"""The supplies catalogue: items (what a unit of use is, how it is packed, how it is tracked), the suppliers
that sell them with their offers, and the places stock is kept."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import Email, Name, Phone, PositiveCents, Text

Segment = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Gtin = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$|^[0-9]{12,14}$")]
# NDC as printed: 10 digits in 4-4-2, 5-3-2 or 5-4-1, or the 11-digit 5-4-2 billing form
Ndc = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{2}$|^[0-9]{5}-[0-9]{3,4}-[0-9]{1,2}$")]
LocationKind = Literal["clinic", "store_room", "exam_room_cart"]


class OfferIn(Strict):
    """A supplier's offer of an item: one pack's price, how long it takes to arrive, preferred or alternate."""

    supplier_id: Segment
    pack_price_cents: PositiveCents
    lead_time_days: int = Field(ge=0, le=365)
    preferred: bool = False


def _one_preferred(offers: list[OfferIn] | None) -> None:
    if offers is None:
        return
    if sum(o.preferred for o in offers) > 1:
        raise ValueError("at most one offer is preferred; the others are alternates")
    if len({o.supplier_id for o in offers}) != len(offers):
        raise ValueError("one offer per supplier")


class ItemIn(Strict):
    name: Name
    category: Text(60)
    unit_of_use: Text(30) = Field(description='what one unit is, e.g. "each", "vial", "pair"')
    pack_size: int = Field(ge=1, le=100_000, description="units of use in one purchasable pack")
    gtin: Gtin | None = None
    ndc: Ndc | None = None
    lot_tracked: bool = False
    expiry_tracked: bool = False
    controlled: bool = False
    temperature_sensitive: bool = False
    offers: list[OfferIn] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _offers(self) -> "ItemIn":
        _one_preferred(self.offers)
        return self


class ItemPatch(Strict):
    """What may change on an item; tracking flags are fixed once stock may exist under them."""

    name: Name | None = None
    category: Text(60) | None = None
    unit_of_use: Text(30) | None = None
    pack_size: int | None = Field(default=None, ge=1, le=100_000)
    gtin: Gtin | None = None
    ndc: Ndc | None = None
    temperature_sensitive: bool | None = None
    offers: list[OfferIn] | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def _offers(self) -> "ItemPatch":
        _one_preferred(self.offers)
        return self


class Item(Stored):
    id: str
    practice_id: str
    name: str
    category: str
    unit_of_use: str
    pack_size: int
    gtin: str | None = None
    ndc: str | None = None
    lot_tracked: bool = False
    expiry_tracked: bool = False
    controlled: bool = False
    temperature_sensitive: bool = False
    offers: list[OfferIn] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str


class ItemList(Shape):
    items: list[Item]


class SupplierIn(Strict):
    name: Name
    email: Email = Field(description="where orders are sent")
    phone: Phone | None = None
    account_number: Text(40) | None = None
    language: Literal["en", "es"] = "en"


class SupplierPatch(Strict):
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    account_number: Text(40) | None = None
    language: Literal["en", "es"] | None = None


class Supplier(Stored):
    id: str
    practice_id: str
    name: str
    email: str
    phone: str | None = None
    account_number: str | None = None
    language: str = "en"
    version: int
    created_at: str
    updated_at: str


class SupplierList(Shape):
    suppliers: list[Supplier]


class LocationIn(Strict):
    name: Name
    kind: LocationKind


class LocationPatch(Strict):
    name: Name | None = None
    kind: LocationKind | None = None


class Location(Stored):
    id: str
    practice_id: str
    name: str
    kind: LocationKind
    version: int
    created_at: str
    updated_at: str


class LocationList(Shape):
    locations: list[Location]
