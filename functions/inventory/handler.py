"""The inventory API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.inventory import wiring
from functions.inventory.api import router
from functions.inventory.purchase_order_api import router as purchase_order_router
from functions.inventory.stock_api import router as stock_router

app = make_resolver(router, stock_router, purchase_order_router, audit=wiring.audit)
handler = make_handler(app)
