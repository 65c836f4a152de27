"""The records API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.records import wiring
from functions.records.api import router

# refusals are audited in the same trail the use cases write (one cached chain head per container)
app = make_resolver(router, audit=wiring.audit_trail)
handler = make_handler(app)
