"""The billing API's Lambda entry point."""

from functions.billing import api
from functions.billing.api import router
from functions.core.api import make_handler, make_resolver

# the trail the service writes: one cached chain head per container
app = make_resolver(router, audit=lambda: api.service().audit)
handler = make_handler(app)
