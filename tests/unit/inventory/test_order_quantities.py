"""How much to order and from whom: par minus on-hand minus on order, in whole packs; the preferred supplier,
else the cheapest alternate; one order per supplier; a line no one offers is reported."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.inventory.ordering import MAX_ORDER_LINES, packs_to_order, plan, supplier_for
from tests.unit.inventory.orders_support import low_line, offer

quantities = st.integers(min_value=0, max_value=100_000)
packs = st.integers(min_value=1, max_value=1_000)


@given(par=quantities, on_hand=quantities, on_order=quantities, pack=packs)
def test_an_order_covers_the_shortfall_in_the_fewest_whole_packs(par, on_hand, on_order, pack):
    ordered = packs_to_order(par, on_hand, on_order, pack)
    short = par - on_hand - on_order
    if short <= 0:
        assert ordered == 0
    else:
        assert ordered * pack >= short  # enough
        assert (ordered - 1) * pack < short  # and not a pack more than needed


@given(par=quantities, on_hand=quantities, pack=packs)
def test_more_on_order_never_orders_more(par, on_hand, pack):
    assert packs_to_order(par, on_hand, 1, pack) <= packs_to_order(par, on_hand, 0, pack)


def test_one_unit_short_orders_a_whole_pack():
    assert packs_to_order(200, 199, 0, 100) == 1
    assert packs_to_order(200, 0, 0, 100) == 2
    assert packs_to_order(200, 0, 1, 100) == 2
    assert packs_to_order(200, 100, 100, 100) == 0


def test_a_pack_of_no_units_is_refused():
    with pytest.raises(ValueError):
        packs_to_order(10, 0, 0, 0)


def test_the_preferred_supplier_wins_even_when_dearer():
    chosen = supplier_for([offer("cheap", 500), offer("usual", 900, preferred=True)])
    assert chosen.supplier_id == "usual"


def test_without_a_preferred_supplier_the_cheapest_then_the_quickest_is_chosen():
    assert supplier_for([offer("b", 900), offer("a", 500, lead=9), offer("c", 500, lead=2)]).supplier_id == "c"
    assert supplier_for([]) is None


def test_lines_are_grouped_into_one_order_per_supplier():
    lines = [low_line("gloves", offers=[offer("acme", 1200, preferred=True)]),
             low_line("masks", offers=[offer("acme", 800, preferred=True)]),
             low_line("gauze", offers=[offer("medco", 300), offer("acme", 400)])]
    planned = plan(lines, set())
    assert [(o.supplier_id, [line.item_id for line in o.lines]) for o in planned.orders] == [
        ("acme", ["gloves", "masks"]), ("medco", ["gauze"])]
    gloves = planned.orders[0].lines[0]
    assert (gloves.packs, gloves.pack_size, gloves.pack_price_cents) == (2, 100, 1200)


def test_a_line_no_supplier_offers_is_reported_not_dropped():
    planned = plan([low_line("swabs", offers=[])], set())
    assert planned.orders == []
    assert [(u.item_id, u.units) for u in planned.unresolved] == [("swabs", 200)]


def test_a_line_an_open_order_holds_is_counted_not_ordered_again():
    planned = plan([low_line("gloves"), low_line("masks")], {("gloves", "main")})
    assert [line.item_id for o in planned.orders for line in o.lines] == ["masks"] and planned.on_order == 1


def test_a_line_restocked_since_it_was_found_low_orders_nothing():
    assert plan([low_line(on_hand=60, reorder_point=50)], set()).orders == []


def test_a_long_list_for_one_supplier_becomes_several_orders():
    lines = [low_line(f"item{i:03d}") for i in range(MAX_ORDER_LINES * 2 + 1)]
    sizes = [len(o.lines) for o in plan(lines, set()).orders]
    assert sizes == [MAX_ORDER_LINES, MAX_ORDER_LINES, 1]
