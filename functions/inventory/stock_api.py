"""HTTP routes for stock: balances and levels, movements (Idempotency-Key), low stock, the expiry watch and
physical counts. Parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import IfMatch, IfNoneMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.inventory import wiring
from functions.inventory.models.counts import CountedIn, CountIn, CountSheet
from functions.inventory.models.stock import (
    ExpiryReport,
    LevelsIn,
    LocationStock,
    LowStock,
    Movement,
    MovementIn,
    MovementList,
    StockView,
)

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Cursor = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_#-]{1,200}$",
                                     description="next_cursor from the page before")]
Limit = Annotated[int, Query(ge=1, le=200)]


# --- stock ----------------------------------------------------------------------------------------------

@router.get("/stock/low", summary="Every (item, location) below its reorder point")
def low_stock(cursor: Cursor = None, limit: Limit = 100) -> LowStock:
    return wiring.levels().low(current_caller(router), cursor, limit)


@router.get("/stock/expiring", summary="Stock expired, and expiring within N days, per location")
def expiring(within_days: Annotated[int, Query(ge=0, le=365)] = 30,
             location_id: Annotated[str | None, Query(min_length=1, max_length=64,
                                                      pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None) -> ExpiryReport:
    return wiring.expiry().report(current_caller(router), within_days, location_id)


@router.get("/stock/<item_id>/<location_id>", summary="An item at a location: on hand, lots, reorder point, par")
def stock(item_id: EntityId, location_id: EntityId) -> Response[StockView]:
    return tagged(wiring.levels().stock(current_caller(router), item_id, location_id))


@router.put("/stock/<item_id>/<location_id>/levels",
            summary="Set the reorder point and par level (coordinator; If-Match, or If-None-Match: * the first time)")
def set_levels(item_id: EntityId, location_id: EntityId, body: Annotated[LevelsIn, Body()],
               if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> Response[StockView]:
    return tagged(wiring.levels().set_levels(current_caller(router), item_id, location_id, body,
                                             precondition(if_match, if_none_match, may_create=True)))


@router.get("/locations/<location_id>/stock", summary="Everything on hand at a location, with its lots")
def location_stock(location_id: EntityId) -> LocationStock:
    return wiring.levels().at_location(current_caller(router), location_id)


# --- movements ------------------------------------------------------------------------------------------

@router.post("/movements", status_code=201,
             summary="Receive, use, adjust, transfer, expire or destroy stock (honours Idempotency-Key)")
def record_movement(body: Annotated[MovementIn, Body()]) -> Response[Movement]:
    movement = wiring.movements().record(current_caller(router), body, idempotency_key(router))
    return created(movement, f"/items/{movement.item_id}/movements/{movement.id}")


@router.get("/items/<item_id>/movements", summary="An item's ledger, newest first")
def item_movements(item_id: EntityId, cursor: Cursor = None, limit: Limit = 50) -> MovementList:
    return wiring.levels().ledger_page(current_caller(router), item_id, cursor, limit)


@router.get("/items/<item_id>/movements/<movement_id>", summary="One movement in an item's ledger")
def read_movement(item_id: EntityId, movement_id: EntityId) -> Movement:
    return wiring.levels().movement(current_caller(router), item_id, movement_id)


# --- counts ---------------------------------------------------------------------------------------------

@router.post("/counts", status_code=201, summary="Start a count sheet for a location: what the books hold there")
def open_count(body: Annotated[CountIn, Body()]) -> Response[CountSheet]:
    sheet = wiring.counts().open(current_caller(router), body)
    return created(sheet, f"/counts/{sheet.id}")


@router.get("/counts/<count_id>", summary="A count sheet")
def read_count(count_id: EntityId) -> Response[CountSheet]:
    return tagged(wiring.counts().sheet(current_caller(router), count_id))


@router.patch("/counts/<count_id>", summary="Record what was counted (If-Match)")
def record_count(count_id: EntityId, body: Annotated[CountedIn, Body()],
                 if_match: IfMatch = None) -> Response[CountSheet]:
    return tagged(wiring.counts().record(current_caller(router), count_id, body, precondition(if_match)))


@router.post("/counts/<count_id>/post", summary="Post a count: each variance as an adjustment (coordinator; If-Match)")
def post_count(count_id: EntityId, if_match: IfMatch = None) -> Response[CountSheet]:
    return tagged(wiring.counts().post(current_caller(router), count_id, precondition(if_match)))
