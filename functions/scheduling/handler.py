"""The scheduling API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.scheduling import api
from functions.scheduling.api import router

# the trail the service writes: one cached chain head per container
app = make_resolver(router, audit=lambda: api.service().audit)
handler = make_handler(app)
