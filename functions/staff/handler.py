"""The staff API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.staff import wiring
from functions.staff.api import router

app = make_resolver(router, audit=wiring.audit)
handler = make_handler(app)
