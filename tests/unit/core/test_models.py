import pytest
from pydantic import ValidationError

from functions.core.events import DomainEvent
from functions.core.models import Stored, Strict


def test_a_request_model_is_built_on_first_use_and_still_refuses_unknown_fields():
    class Booking(Strict):
        slot: str

    assert not Booking.__pydantic_complete__  # nothing built at import (cold start)
    assert Booking(slot="s1").slot == "s1"
    with pytest.raises(ValidationError, match="extra_forbidden"):
        Booking(slot="s1", price=0)
    with pytest.raises(ValidationError, match="string_too_long"):
        Booking(slot="x" * 4097)


def test_a_stored_model_built_on_first_use_ignores_attributes_added_later():
    class Appointment(Stored):
        id: str

    assert not Appointment.__pydantic_complete__
    assert Appointment.model_validate({"id": "a1", "added_later": True}).model_dump() == {"id": "a1"}


def test_a_domain_event_validates_as_before():
    with pytest.raises(ValidationError):
        DomainEvent(type="records.patient.created", practice_id="p1")
    event = DomainEvent(type="records.patient.created", practice_id="p1", entity_id="e1")
    assert event.area == "records" and event.data == {}
