"""The outbox publisher: carries domain events from the table's stream to EventBridge.

The stream delivers each outbox item at least once and in order per partition; EventBridge consumers
dedupe on the event id. A record that fails is reported back (ReportBatchItemFailures), so the
stream retries from it and nothing after it is lost or skipped."""

from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit

from functions.core import business
from functions.core.container import per_container
from functions.core.events import OUTBOX_KIND, DomainEvent, to_entry
from functions.core.observability import logger, metrics
from functions.core.settings import settings
from functions.core.table import deserialize

BATCH = 10  # PutEvents takes at most 10 entries


@per_container
def _events():
    return boto3.client("events")


def outbox_events(records: list[dict[str, Any]]) -> list[tuple[str, DomainEvent]]:
    """(sequence number, event) for each newly inserted outbox item, in stream order."""
    found = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = deserialize(record["dynamodb"].get("NewImage", {}))
        if image.get("kind") != OUTBOX_KIND:
            continue
        found.append((record["dynamodb"]["SequenceNumber"], DomainEvent(**image["event"])))
    return found


def publish(events: list[tuple[str, DomainEvent]], bus_name: str, client: Any) -> list[str]:
    """Send in batches of ten; return the sequence numbers from the first failure on (to be retried)."""
    for start in range(0, len(events), BATCH):
        batch = events[start:start + BATCH]
        response = client.put_events(Entries=[to_entry(event, bus_name) for _, event in batch])
        if response.get("FailedEntryCount"):
            first_failed = next(i for i, r in enumerate(response["Entries"]) if r.get("ErrorCode"))
            logger.warning("events not accepted", extra={"failed": response["FailedEntryCount"]})
            return [seq for seq, _ in events[start + first_failed:]]
    return []


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    events = outbox_events(event.get("Records", []))
    failed = publish(events, settings().event_bus_name, _events())
    published = [event for _, event in events[:len(events) - len(failed)]]
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(published))
    # counted once carried (the failed rest is counted when the stream retries it); a batch retried whole after a
    # crash between PutEvents and the answer counts twice, as its consumers see it twice
    business.count_events(published)
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq in failed]}
