"""The inventory API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.inventory import wiring
from functions.inventory.api import router
from functions.inventory.stock_api import router as stock_router

app = make_resolver(router, stock_router, audit=wiring.audit)
handler = make_handler(app)
