"""The audit API's Lambda entry point: the privacy officer's views of the audit trail, and disclosures."""

from functions.compliance import wiring
from functions.compliance.audit_api import router
from functions.core.api import make_handler, make_resolver

app = make_resolver(router, audit=wiring.audit)
handler = make_handler(app)
