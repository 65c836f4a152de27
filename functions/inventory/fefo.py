"""Which lots a use takes: first-expiring first (FEFO), never an expired lot, unless the user names one."""

from datetime import date

from functions.core.errors import Conflict
from functions.inventory.models.stock import UNTRACKED, LotBalance


def bucket(lot: str | None, expires_on: date | None) -> str:
    """The balance a unit sits in: its lot; without one, its expiry date; without either, the untracked one."""
    if lot:
        return lot
    if expires_on:
        return f"exp-{expires_on:%Y%m%d}"
    return UNTRACKED


def first_expiring(lots: list[LotBalance]) -> list[LotBalance]:
    """Lots in the order FEFO takes them: earliest expiry first, undated last, then by lot name."""
    return sorted(lots, key=lambda b: (b.expires_on is None, b.expires_on or date.max, b.lot))


def shortage(wanted: int, available: int, where: str) -> Conflict:
    return Conflict(f"only {available} on hand {where}; {wanted} asked for", {"on_hand": available, "asked": wanted},
                    code="insufficient_stock")


def take(lots: list[LotBalance], quantity: int, today: date, lot: str | None = None,
         include_expired: bool = False) -> list[tuple[LotBalance, int]]:
    """(lot, units) to take `quantity` units: from the named lot only, else first-expiring first across lots.
    Expired lots are passed over unless `include_expired` (stock being expired or destroyed). Not enough: 409,
    and nothing is taken."""
    if lot is not None:
        named = next((b for b in lots if b.lot == lot), None)
        available = named.on_hand if named else 0
        if named is not None and not include_expired and named.expires_on is not None and named.expires_on < today:
            raise Conflict(f"lot {lot} expired on {named.expires_on.isoformat()}", code="lot_expired")
        if available < quantity:
            raise shortage(quantity, available, f"in lot {lot}")
        return [(named, quantity)]
    usable = [b for b in first_expiring(lots) if b.on_hand > 0
              and (include_expired or b.expires_on is None or b.expires_on >= today)]
    available = sum(b.on_hand for b in usable)
    if available < quantity:
        raise shortage(quantity, available, "at this location" if include_expired else "unexpired at this location")
    taken, left = [], quantity
    for balance in usable:
        units = min(left, balance.on_hand)
        taken.append((balance, units))
        left -= units
        if left == 0:
            break
    return taken
