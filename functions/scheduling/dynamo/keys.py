"""The scheduling keys and the item shapes the adapters share."""

from datetime import datetime
from typing import Any

from functions.core import clock
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Item

SCHEDULING = "SCHEDULING"


def config_pk(practice_id: str) -> str:
    return collection_pk(practice_id, SCHEDULING)


def appointment_pk(practice_id: str, appointment_id: str) -> str:
    return entity_pk(practice_id, "APPOINTMENT", appointment_id)


def calendar_pk(practice_id: str, practitioner_id: str) -> str:
    return f"{entity_pk(practice_id, 'PRACTITIONER', practitioner_id)}#BOOKINGS"


def room_calendar_pk(practice_id: str, room_id: str) -> str:
    return f"{entity_pk(practice_id, 'ROOM', room_id)}#BOOKINGS"


def waitlist_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "WAITLIST")


def iso(moment: datetime) -> str:
    return clock.iso(moment)


def attributes(model: Any) -> Item:
    return {k: v for k, v in model.model_dump(mode="json").items() if v is not None}
