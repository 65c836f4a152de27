"""The compliance API's Lambda entry point: training, policies, certifications and the compliance board."""

from functions.compliance import wiring
from functions.compliance.board_api import router as board_router
from functions.compliance.certification_api import router as certification_router
from functions.compliance.policy_api import router as policy_router
from functions.compliance.training_api import router as training_router
from functions.core.api import make_handler, make_resolver

app = make_resolver(training_router, policy_router, certification_router, board_router, audit=wiring.audit)
handler = make_handler(app)
