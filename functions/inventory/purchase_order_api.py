"""HTTP routes for purchase orders and the ordering settings: parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core.api import IfMatch, IfNoneMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.inventory import wiring
from functions.inventory.models.purchase_orders import (
    DecisionIn,
    OrderingSettingsIn,
    OrderingSettingsView,
    PurchaseOrderIn,
    PurchaseOrderList,
    PurchaseOrderView,
    ReceiptIn,
    State,
)

router = Router()

OrderId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                              description="the purchase order")]
StateQuery = Annotated[State, Query(description="the orders in this state, newest first (at most 100)")]


# the settings first: "/purchase-orders/settings" is not an order id
@router.get("/purchase-orders/settings", summary="The ordering settings: the spending limit above which the "
                                                 "coordinator approves an order")
def read_settings() -> Response[OrderingSettingsView]:
    return tagged(wiring.purchase_orders().ordering_settings(current_caller(router)))


@router.put("/purchase-orders/settings", summary="Set the spending limit and approval hours (coordinator; "
                                                 "If-Match, or If-None-Match: * the first time)")
def set_settings(body: Annotated[OrderingSettingsIn, Body()], if_match: IfMatch = None,
                 if_none_match: IfNoneMatch = None) -> Response[OrderingSettingsView]:
    return tagged(wiring.purchase_orders().set_ordering_settings(
        current_caller(router), body, precondition(if_match, if_none_match, may_create=True)))


@router.get("/purchase-orders", summary="Purchase orders in a state (awaiting_approval: the coordinator's queue)")
def list_orders(state: StateQuery = "awaiting_approval") -> PurchaseOrderList:
    return wiring.purchase_orders().list(current_caller(router), state)


@router.post("/purchase-orders", status_code=201,
             summary="A manual purchase order (coordinator; honours Idempotency-Key); it is "
                                         "approved and sent like the reorder run's")
def create_order(body: Annotated[PurchaseOrderIn, Body()]) -> Response[PurchaseOrderView]:
    order = wiring.purchase_orders().create(current_caller(router), body, idempotency_key(router))
    return created(order, f"/purchase-orders/{order.id}")


@router.get("/purchase-orders/<order_id>", summary="A purchase order, its lines and what has been received")
def read_order(order_id: OrderId) -> Response[PurchaseOrderView]:
    return tagged(wiring.purchase_orders().read(current_caller(router), order_id))


@router.post("/purchase-orders/<order_id>/approve", summary="Approve an order awaiting approval (coordinator; "
                                                            "If-Match); it is sent to the supplier")
def approve_order(order_id: OrderId, body: Annotated[DecisionIn, Body()],
                  if_match: IfMatch = None) -> Response[PurchaseOrderView]:
    return tagged(wiring.purchase_orders().approve(current_caller(router), order_id, precondition(if_match),
                                                   body.reason))


@router.post("/purchase-orders/<order_id>/reject", summary="Reject an order awaiting approval (coordinator; "
                                                           "If-Match); it is cancelled")
def reject_order(order_id: OrderId, body: Annotated[DecisionIn, Body()],
                 if_match: IfMatch = None) -> Response[PurchaseOrderView]:
    return tagged(wiring.purchase_orders().reject(current_caller(router), order_id, precondition(if_match),
                                                  body.reason))


@router.post("/purchase-orders/<order_id>/cancel", summary="Cancel an open order (coordinator; If-Match); its "
                                                           "items may be ordered again")
def cancel_order(order_id: OrderId, body: Annotated[DecisionIn, Body()],
                 if_match: IfMatch = None) -> Response[PurchaseOrderView]:
    return tagged(wiring.purchase_orders().cancel(current_caller(router), order_id, precondition(if_match),
                                                  body.reason))


@router.post("/purchase-orders/<order_id>/receipts", summary="Receive all or part of a sent order, with lots and "
                                                             "expiry (honours Idempotency-Key)")
def receive(order_id: OrderId, body: Annotated[ReceiptIn, Body()]) -> Response[PurchaseOrderView]:
    return tagged(wiring.order_receiving().receive(current_caller(router), order_id, body, idempotency_key(router)))
