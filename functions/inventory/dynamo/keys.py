"""The inventory area's keys, its two sparse indexes, and the versioned write its adapters share.

    PRACTICE#p#INV_ITEM#<item>      ITEM                   the item; gsi1 INV_ITEMS / <name>#<item>
                                    STOCK#<loc>#LEVEL      on hand at a location, reorder point, par level;
                                                           gsi4 INV_STOCK_AT#<loc> / <item>#;
                                                           gsi2 LOW_STOCK / <item>#<loc> ONLY while below its
                                                           reorder point (sparse: set and removed with the balance)
                                    STOCK#<loc>#LOT#<lot>  a lot's balance; gsi4 INV_STOCK_AT#<loc> / <item>#LOT#<lot>;
                                                           gsi3 INV_EXPIRY / <expires>#<loc>#<item>#<lot> ONLY while
                                                           it is dated and has stock (sparse)
                                    MOVE#<movement>        the ledger, append-only (ULID ids: oldest first)
    PRACTICE#p#INV_LOCATION#<id>    LOCATION               gsi1 INV_LOCATIONS / <name>#<id>
    PRACTICE#p#INV_SUPPLIER#<id>    SUPPLIER               gsi1 INV_SUPPLIERS / <name>#<id>; its CONTACT card beside it
    PRACTICE#p#INV_COUNT#<id>       COUNT                  a count sheet
"""

from typing import Any

from functions.core.errors import Conflict, stale
from functions.core.keys import collection_pk, entity_pk, segment
from functions.core.table import Put

ITEM, LOCATION, SUPPLIER, COUNT = "ITEM", "LOCATION", "SUPPLIER", "COUNT"
LOW_STOCK_INDEX = "gsi2"
EXPIRY_INDEX = "gsi3"
STOCK_AT_INDEX = "gsi4"
CATALOGUE_INDEX = "gsi1"


def item_pk(practice_id: str, item_id: str) -> str:
    return entity_pk(practice_id, "INV_ITEM", item_id)


def items_index(practice_id: str) -> str:
    return collection_pk(practice_id, "INV_ITEMS")


def level_sk(location_id: str) -> str:
    return f"STOCK#{segment(location_id, 'location id')}#LEVEL"


def lot_sk(location_id: str, lot: str) -> str:
    return f"STOCK#{segment(location_id, 'location id')}#LOT#{segment(lot, 'lot')}"


def location_stock_prefix(location_id: str) -> str:
    return f"STOCK#{segment(location_id, 'location id')}#"


def movement_sk(movement_id: str) -> str:
    return f"MOVE#{segment(movement_id, 'movement id')}"


def low_stock_index(practice_id: str) -> str:
    return collection_pk(practice_id, "LOW_STOCK")


def expiry_index(practice_id: str) -> str:
    return collection_pk(practice_id, "INV_EXPIRY")


def stock_at_index(practice_id: str, location_id: str) -> str:
    return collection_pk(practice_id, "INV_STOCK_AT", segment(location_id, "location id"))


def location_pk(practice_id: str, location_id: str) -> str:
    return entity_pk(practice_id, "INV_LOCATION", location_id)


def locations_index(practice_id: str) -> str:
    return collection_pk(practice_id, "INV_LOCATIONS")


def supplier_pk(practice_id: str, supplier_id: str) -> str:
    return entity_pk(practice_id, "INV_SUPPLIER", supplier_id)


def suppliers_index(practice_id: str) -> str:
    return collection_pk(practice_id, "INV_SUPPLIERS")


def count_pk(practice_id: str, count_id: str) -> str:
    return entity_pk(practice_id, "INV_COUNT", count_id)


def by_name(name: str, entity_id: str) -> str:
    return f"{name.casefold()[:60]}#{entity_id}"


def versioned_put(item: dict[str, Any], what: str) -> Put:
    """Put `item` (its `version` already the new one): the first version only where nothing is, a later one
    only over the version before it (a lost race is 412)."""
    version = item["version"]
    if version == 1:
        return Put(item, "attribute_not_exists(pk)",
                   on_conflict=Conflict(f"the {what} changed meanwhile; read it again", code="conflict"))
    return Put(item, "#v = :v", names={"#v": "version"}, values={":v": version - 1}, on_conflict=stale(what))
