"""The scheduling API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.scheduling.api import router
from functions.scheduling.link_api import router as link_router
from functions.scheduling.setup_api import router as setup_router
from functions.scheduling.wiring import scheduling

# the trail the use cases write: one cached chain head per container
app = make_resolver(link_router, setup_router, router, audit=lambda: scheduling().audit)
handler = make_handler(app)
