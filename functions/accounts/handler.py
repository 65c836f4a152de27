"""The accounts API's Lambda entry point."""

from functions.accounts import wiring
from functions.accounts.api import router
from functions.core.api import make_handler, make_resolver

app = make_resolver(router, audit=wiring.audit)
handler = make_handler(app)
