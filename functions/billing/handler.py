"""The billing API's Lambda entry point."""

from functions.billing.api import router
from functions.core.api import make_handler, make_resolver

app = make_resolver(router)
handler = make_handler(app)
