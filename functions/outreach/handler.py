"""The outreach API's Lambda entry point."""

from functions.core.api import make_handler, make_resolver
from functions.outreach import wiring
from functions.outreach.api import router
from functions.outreach.link_api import router as link_router
from functions.outreach.reach_api import router as reach_router

# the public link routes first: "/registrations/signup/<token>" before "/registrations/<id>/..."
app = make_resolver(link_router, router, reach_router, audit=wiring.audit)
handler = make_handler(app)
