"""The reordering rules, pure: how much to order of a low line, from which supplier, grouped into one order per
supplier; and which state a purchase order may move to."""

from collections.abc import Iterable

from functions.core.errors import Conflict
from functions.inventory.models.purchase_orders import MOVES, Plan, ProposedLine, ProposedOrder, Unresolved
from functions.inventory.models.reorder import ReorderLine, SupplierOffer

# an order's CSV rides in one message variable (at most 4,096 characters): a longer list is several orders
MAX_ORDER_LINES = 25


def packs_to_order(par_level: int, on_hand: int, on_order: int, pack_size: int) -> int:
    """Par minus on-hand minus what is already on order, rounded UP to whole packs; nothing when that is zero or
    less. A line below par by one unit orders a whole pack: stock comes in packs."""
    if pack_size <= 0:
        raise ValueError("a pack holds at least one unit")
    short = par_level - on_hand - on_order
    if short <= 0:
        return 0
    return -(-short // pack_size)


def supplier_for(offers: Iterable[SupplierOffer]) -> SupplierOffer | None:
    """The preferred offer; else the cheapest alternate (then the shortest lead time, then by supplier id, so the
    choice is the same on every run). None when no supplier offers the item."""
    offers = list(offers)
    preferred = [o for o in offers if o.preferred]
    if preferred:
        return preferred[0]
    if not offers:
        return None
    return min(offers, key=lambda o: (o.pack_price_cents, o.lead_time_days, o.supplier_id))


def plan(lines: Iterable[ReorderLine], held: set[tuple[str, str]]) -> Plan:
    """One proposed order per supplier (several past MAX_ORDER_LINES), its lines in item order. A line at or
    above its reorder point orders nothing (it was restocked since it was found low); a line an open order
    holds already is counted, not ordered again; a line no supplier offers is reported for the coordinator,
    never dropped."""
    by_supplier: dict[str, list[ProposedLine]] = {}
    unresolved: list[Unresolved] = []
    covered = 0
    seen: set[tuple[str, str]] = set()
    for line in lines:
        place = (line.item_id, line.location_id)
        if place in seen or line.on_hand >= line.reorder_point:
            continue
        seen.add(place)
        if place in held:  # its open order is the one order: nothing more is on order or ordered
            covered += 1
            continue
        packs = packs_to_order(line.par_level, line.on_hand, 0, line.pack_size)
        if packs == 0:
            continue
        offer = supplier_for(line.offers)
        if offer is None:
            unresolved.append(Unresolved(item_id=line.item_id, item_name=line.item_name, location_id=line.location_id,
                                         units=packs * line.pack_size, reason="no supplier offers this item"))
            continue
        by_supplier.setdefault(offer.supplier_id, []).append(ProposedLine(
            item_id=line.item_id, item_name=line.item_name, location_id=line.location_id, packs=packs,
            pack_size=line.pack_size, pack_price_cents=offer.pack_price_cents))
    orders = []
    for supplier, found in sorted(by_supplier.items()):
        found.sort(key=lambda p: (p.item_id, p.location_id))
        orders.extend(ProposedOrder(supplier_id=supplier, lines=found[start:start + MAX_ORDER_LINES])
                      for start in range(0, len(found), MAX_ORDER_LINES))
    return Plan(orders=orders, unresolved=unresolved, on_order=covered)


def move(state: str, to: str) -> str:
    """`to`, when a purchase order in `state` may go there; a 409 otherwise."""
    if to not in MOVES[state]:
        raise Conflict(f"a purchase order that is {state} cannot become {to}", code="purchase_order_state")
    return to


class AlreadyOnOrder(Conflict):
    """Another open purchase order holds this (item, location): there is never a second one."""

    def __init__(self, item_id: str, location_id: str) -> None:
        super().__init__(f"item {item_id} at {location_id} is on an open purchase order already",
                         details={"item_id": item_id, "location_id": location_id}, code="already_on_order")
        self.place = (item_id, location_id)
