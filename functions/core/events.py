"""Domain events out, through an outbox: the event is written in the same transaction as the change it
describes, and the table's stream carries it to EventBridge. A crash between the two loses nothing."""

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.core import clock
from functions.core.ids import new_id
from functions.core.keys import collection_pk
from functions.core.table import Put

OUTBOX = "OUTBOX"
OUTBOX_KIND = "OUTBOX_EVENT"
SOURCE = "practiceflow"
# Outbox items only need to live until the stream has carried them (24 h); TTL tidies them.
RETENTION = timedelta(days=2)


class DomainEvent(BaseModel):
    """A fact other areas may react to. Ids and codes only, never health data."""

    # built on first use (core.models says why): a request that changes nothing never needs it
    model_config = ConfigDict(frozen=True, defer_build=True)

    type: str  # "<area>.<entity>.<verb>", e.g. "records.patient.created"
    practice_id: str
    entity_id: str
    data: dict[str, Any] = Field(default_factory=dict)
    id: str = Field(default_factory=new_id)
    occurred_at: str = Field(default_factory=lambda: clock.iso(clock.now()))

    @property
    def area(self) -> str:
        return self.type.split(".", 1)[0]


def outbox_put(event: DomainEvent) -> Put:
    expires = int((clock.now() + RETENTION).timestamp())
    return Put(
        item={
            "pk": collection_pk(event.practice_id, OUTBOX),
            "sk": f"EVENT#{event.id}",
            "kind": OUTBOX_KIND,
            "event": event.model_dump(),
            "ttl": expires,
        },
        condition="attribute_not_exists(pk)",
    )


def to_entry(event: DomainEvent, bus_name: str) -> dict[str, Any]:
    """The EventBridge PutEvents entry for a domain event."""
    import json

    return {
        "Source": f"{SOURCE}.{event.area}",
        "DetailType": event.type,
        "Detail": json.dumps(event.model_dump()),
        "EventBusName": bus_name,
    }
