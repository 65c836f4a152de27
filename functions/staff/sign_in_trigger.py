"""The Cognito PostAuthentication trigger (`staff-sign-in`): a staff member's sign-in is kept on their profile.

Cognito waits for this function before the sign-in completes and fails the sign-in when it raises, so a
failure here is logged (by type) and counted, never raised: keeping the date must not lock anyone out. The
event goes back to Cognito unchanged, as the trigger's contract asks."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.core import tenancy
from functions.core.keys import is_segment
from functions.core.observability import log_unhandled, logger, metrics
from functions.staff import wiring

PRACTICE_ATTRIBUTE = "custom:practice_id"
PATIENT_ATTRIBUTE = "custom:patient_id"


@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    attributes = (event.get("request") or {}).get("userAttributes") or {}
    practice_id, user_id = attributes.get(PRACTICE_ATTRIBUTE, ""), attributes.get("sub", "")
    if PATIENT_ATTRIBUTE in attributes or not (is_segment(practice_id) and is_segment(user_id)):
        return event  # a patient, or an account bound to no practice: not a staff sign-in
    try:
        with tenancy.request():  # the table through the tenant role, held to this practice's keys
            tenancy.bind(practice_id)
            kept = wiring.sign_ins().signed_in(practice_id, user_id, getattr(context, "aws_request_id", "sign-in"))
    except Exception as error:  # noqa: BLE001 (see the module's docstring)
        log_unhandled(error)
        metrics.add_metric(name="StaffSignInNotKept", unit=MetricUnit.Count, value=1)
        return event
    if not kept:
        logger.info("sign-in of an account with no staff profile", extra={"practice_id": practice_id})
    return event
