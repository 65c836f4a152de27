"""The billing API's Lambda entry point."""

from functions.billing import wiring
from functions.billing.api import router
from functions.core.api import make_handler, make_resolver

# the trail the use cases write: one cached chain head per container
app = make_resolver(router, audit=wiring.audit_trail)
handler = make_handler(app)
