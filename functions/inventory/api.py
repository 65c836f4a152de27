"""HTTP routes for the supplies catalogue: items, locations and suppliers. Parse, call one use case, shape the
answer. Stock, movements and counts are in stock_api.py; purchase orders in purchase_order_api.py."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from functions.core.api import IfMatch, created, current_caller, precondition, tagged
from functions.inventory import wiring
from functions.inventory.models.catalogue import (
    Item,
    ItemIn,
    ItemList,
    ItemPatch,
    Location,
    LocationIn,
    LocationList,
    LocationPatch,
    Supplier,
    SupplierIn,
    SupplierList,
    SupplierPatch,
)

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]


# --- items ----------------------------------------------------------------------------------------------

@router.post("/items", status_code=201, summary="Add a supply item to the catalogue (coordinator)")
def add_item(body: Annotated[ItemIn, Body()]) -> Response[Item]:
    item = wiring.catalogue().add_item(current_caller(router), body)
    return created(item, f"/items/{item.id}")


@router.get("/items", summary="The practice's supply items, by name")
def list_items() -> ItemList:
    return wiring.catalogue().all_items(current_caller(router))


@router.get("/items/<item_id>", summary="A supply item, its offers and how it is tracked")
def read_item(item_id: EntityId) -> Response[Item]:
    return tagged(wiring.catalogue().item(current_caller(router), item_id))


@router.patch("/items/<item_id>", summary="Change a supply item or its offers (coordinator; If-Match)")
def update_item(item_id: EntityId, body: Annotated[ItemPatch, Body()], if_match: IfMatch = None) -> Response[Item]:
    return tagged(wiring.catalogue().update_item(current_caller(router), item_id, body, precondition(if_match)))


# --- locations ------------------------------------------------------------------------------------------

@router.post("/locations", status_code=201,
             summary="Add a place stock is kept: clinic, store room, exam-room cart (coordinator)")
def add_location(body: Annotated[LocationIn, Body()]) -> Response[Location]:
    location = wiring.catalogue().add_location(current_caller(router), body)
    return created(location, f"/locations/{location.id}")


@router.get("/locations", summary="The places stock is kept")
def list_locations() -> LocationList:
    return wiring.catalogue().all_locations(current_caller(router))


@router.get("/locations/<location_id>", summary="A place stock is kept")
def read_location(location_id: EntityId) -> Response[Location]:
    return tagged(wiring.catalogue().location(current_caller(router), location_id))


@router.patch("/locations/<location_id>", summary="Rename a location or change its kind (coordinator; If-Match)")
def update_location(location_id: EntityId, body: Annotated[LocationPatch, Body()],
                    if_match: IfMatch = None) -> Response[Location]:
    return tagged(wiring.catalogue().update_location(current_caller(router), location_id, body,
                                                     precondition(if_match)))


# --- suppliers ------------------------------------------------------------------------------------------

@router.post("/suppliers", status_code=201, summary="Add a supplier; orders go to its email (coordinator)")
def add_supplier(body: Annotated[SupplierIn, Body()]) -> Response[Supplier]:
    supplier = wiring.suppliers().add(current_caller(router), body)
    return created(supplier, f"/suppliers/{supplier.id}")


@router.get("/suppliers", summary="The practice's suppliers, by name")
def list_suppliers() -> SupplierList:
    return wiring.suppliers().everyone(current_caller(router))


@router.get("/suppliers/<supplier_id>", summary="A supplier")
def read_supplier(supplier_id: EntityId) -> Response[Supplier]:
    return tagged(wiring.suppliers().read(current_caller(router), supplier_id))


@router.patch("/suppliers/<supplier_id>", summary="Change a supplier (coordinator; If-Match)")
def update_supplier(supplier_id: EntityId, body: Annotated[SupplierPatch, Body()],
                    if_match: IfMatch = None) -> Response[Supplier]:
    return tagged(wiring.suppliers().update(current_caller(router), supplier_id, body, precondition(if_match)))
