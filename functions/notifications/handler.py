"""The notifications API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.notifications.api import router
from functions.notifications.wiring import notifications

# the trail the use cases write: one cached chain head per container
app = make_resolver(router, audit=lambda: notifications().audit)
handler = make_handler(app)
