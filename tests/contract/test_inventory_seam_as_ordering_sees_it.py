"""The seam ordering codes against (ReorderNeeds, StockReceiving), as ordering relies on it: the fake in
tests/fakes/inventory_orders.py here; at the merge the lead adds invstock's adapter to `seam`'s params (its own
suite, tests/contract/test_inventory_reorder_seam.py, holds the adapter to the same behaviour)."""

import pytest

from functions.core.auth import Caller, Role
from functions.inventory.models.reorder import ReceiptLine
from tests.unit.inventory.orders_support import low_line

PRACTICE = "practice-seam"
BY = Caller(user_id="sam", practice_id=PRACTICE, roles=frozenset({Role.STAFF}), request_id="t")


@pytest.fixture(params=["fake"])
def seam(request):
    from tests.fakes.inventory_orders import FakeStock

    stock = FakeStock()
    for n in range(5):
        stock.put(PRACTICE, low_line(f"item{n}", on_hand=n * 20, reorder_point=50))  # 0, 20, 40 low; 60, 80 not
    stock.put("other-practice", low_line("item0", on_hand=0))
    return stock


def test_below_reorder_point_is_only_the_low_lines_of_the_practice_page_by_page(seam):
    first, cursor = seam.below_reorder_point(PRACTICE, None, 2)
    rest, end = seam.below_reorder_point(PRACTICE, cursor, 2)
    assert [line.item_id for line in first + rest] == ["item0", "item1", "item2"] and end is None


def test_a_line_is_as_it_stands_now_or_none(seam):
    assert seam.line(PRACTICE, "item3", "main").on_hand == 60
    assert seam.line(PRACTICE, "nothing", "main") is None


def test_a_receipt_adds_to_on_hand_once_per_receipt_id(seam):
    lines = [ReceiptLine(item_id="item0", location_id="main", quantity=30, lot="L1")]
    seam.receive(PRACTICE, "R1", lines, BY, purchase_order_id="PO1")
    seam.receive(PRACTICE, "R1", lines, BY, purchase_order_id="PO1")
    assert seam.line(PRACTICE, "item0", "main").on_hand == 30
    assert [line.item_id for line in seam.below_reorder_point(PRACTICE)[0]] == ["item0", "item1", "item2"]
