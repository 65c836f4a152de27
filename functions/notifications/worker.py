"""The notifications worker: `notification.requested` events from EventBridge (invoked asynchronously, so
Lambda retries a raised error twice with backoff and then hands the event to the dead-letter queue), and
SNS notifications: SES bounces and inbound SMS replies (STOP / START)."""

import json
from typing import Any

from pydantic import ValidationError

from functions.core.events import DomainEvent
from functions.core.observability import logger, metrics
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.notifications import wiring
from functions.notifications.models.messages import NotificationRequest, Outcome, TransientFailure
from functions.notifications.request import REQUESTED
from functions.notifications.wiring import Notifications


def _invalid(error: ValidationError) -> None:
    # field names and error types only: the input may hold a patient's data
    problems = [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]} for e in error.errors()]
    logger.error("notification request refused", extra={"problems": problems[:10]})
    metrics.add_metric(name="NotificationRequestsInvalid", unit="Count", value=1)


def requested(detail: dict[str, Any], notifications: Notifications) -> list[Outcome]:
    """One `notification.requested` event: messages stored by the API (ids only on the bus), or a request
    another area put on the bus. Every message is tried before a transient failure is raised for retry."""
    try:
        event = DomainEvent.model_validate(detail)
        if event.type != REQUESTED:
            return []
        stored = event.data.get("stored")
        if stored is not None:
            work = [("stored", str(message_id)) for message_id in stored]
        else:
            work = [("request", NotificationRequest.model_validate(
                {**event.data.get("request", {}), "practice_id": event.practice_id}))]
    except ValidationError as error:
        _invalid(error)  # a retry would fail the same way: refuse it, loudly
        return []
    outcomes, retry = [], None
    for kind, item in work:
        try:
            if kind == "stored":
                outcomes.append(notifications.delivery.deliver(event.practice_id, item))
            else:
                outcomes.append(notifications.sending.accept(item))
        except TransientFailure as failure:
            retry = retry or failure
    if retry is not None:
        raise retry
    return outcomes


def sns_notification(record: dict[str, Any], notifications: Notifications, table: Table) -> Outcome | None:
    """An SES bounce (the message's tags name the practice and message) or an inbound SMS reply."""
    try:
        body = json.loads(record.get("Sns", {}).get("Message") or "{}")
    except ValueError:
        logger.warning("unreadable SNS notification")
        return None
    if body.get("notificationType") == "Bounce" or body.get("eventType") == "Bounce":
        tags = body.get("mail", {}).get("tags", {})
        practice_id = (tags.get("practice_id") or [None])[0]
        message_id = (tags.get("message_id") or [None])[0]
        if not practice_id or not message_id:
            logger.warning("bounce without our tags")
            return None
        permanent = body.get("bounce", {}).get("bounceType") == "Permanent"
        return notifications.delivery.record_bounce(practice_id, message_id, permanent)
    if "originationNumber" in body and "messageBody" in body:
        notifications.sms_replies.receive(practice_ids(table), body["originationNumber"], body["messageBody"])
        return None
    logger.info("SNS notification ignored", extra={"type": body.get("notificationType") or body.get("eventType")})
    return None


def process(event: dict[str, Any], notifications: Notifications, table: Table | None = None) -> dict[str, Any]:
    if "Records" in event:
        outcomes = [sns_notification(r, notifications, table or Table()) for r in event["Records"]
                    if r.get("EventSource") == "aws:sns" or "Sns" in r]
        return {"outcomes": [o.model_dump() for o in outcomes if o is not None]}
    outcomes = requested(event.get("detail") or {}, notifications)
    return {"outcomes": [o.model_dump() for o in outcomes]}


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process(event, wiring.notifications())
