"""The inventory API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.inventory import wiring
from functions.inventory.purchase_order_api import router as purchase_order_router

app = make_resolver(purchase_order_router, audit=wiring.audit)
handler = make_handler(app)
