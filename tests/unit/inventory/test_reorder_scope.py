"""What a reorder run works on, from how it was started, and the steps function refusing what it cannot do."""

import pytest

from functions.inventory import tasks
from functions.inventory.reordering import runs_of
from tests.support import LambdaContext

NONE = {"item_id": None, "location_id": None, "orders": None}


def test_a_stock_low_event_is_one_item_at_one_place():
    event = {"detail-type": "inventory.stock-low", "source": "practiceflow.inventory",
             "detail": {"type": "inventory.stock-low", "practice_id": "p1", "entity_id": "gloves:main",
                        "data": {"item_id": "gloves", "location_id": "main", "on_hand": 4, "reorder_point": 50}}}
    assert runs_of(event, lambda: ["p1", "p2"]) == [
        {"practice_id": "p1", "trigger": "stock-low", "item_id": "gloves", "location_id": "main", "orders": None}]


def test_the_nightly_schedule_is_every_practice_and_a_manual_order_is_that_order():
    assert runs_of({"trigger": "nightly"}, lambda: ["p1", "p2"]) == [
        {"practice_id": "p1", "trigger": "nightly", **NONE}, {"practice_id": "p2", "trigger": "nightly", **NONE}]
    assert runs_of({"practice_id": "p1", "purchase_order_id": "o1"}, list) == [
        {**NONE, "practice_id": "p1", "trigger": "manual",
         "orders": [{"practice_id": "p1", "purchase_order_id": "o1"}]}]


def test_the_steps_are_a_registry_and_an_unknown_or_incomplete_step_is_refused():
    assert set(tasks.STEPS) == {"scope", "gather", "plan", "create", "route", "ask", "send"}
    with pytest.raises(ValueError, match="unknown step"):
        tasks.handler({"task": "approve_everything"}, LambdaContext())
    with pytest.raises(ValueError, match="needs"):
        tasks.handler({"task": "ask", "practice_id": "p1", "purchase_order_id": "o1"}, LambdaContext())
