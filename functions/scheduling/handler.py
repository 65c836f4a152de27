"""The scheduling API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.scheduling.api import router

app = make_resolver(router)
handler = make_handler(app)
