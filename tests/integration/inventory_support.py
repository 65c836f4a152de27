"""The inventory API through its Lambda handler on moto, and a catalogue to move stock in."""

import json

from tests.support import api_event, claims, response_headers

PRACTICE = "practice-inventory"


def inventory_api(lambda_context):
    """Call the inventory API as a signed-in member of PRACTICE: (status, body, headers)."""
    from functions.inventory.handler import handler

    def call(method, path, body=None, role="coordinator", sub="coord-1", query=None, headers=None):
        event = api_event(method, path, body=body, claims=claims(role=role, practice=PRACTICE, sub=sub),
                          query=query, headers=headers)
        response = handler(event, lambda_context)
        found = response_headers(response)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None, found

    return call


def catalogue(api) -> dict[str, str]:
    """A store room, an exam-room cart, a supplier, gloves (untracked) and a lot-tracked vaccine."""
    store = api("POST", "/locations", {"name": "Store room", "kind": "store_room"})[1]["id"]
    cart = api("POST", "/locations", {"name": "Exam cart 1", "kind": "exam_room_cart"})[1]["id"]
    supplier = api("POST", "/suppliers", {"name": "MedSupply", "email": "orders@medsupply.example"})[1]["id"]
    gloves = api("POST", "/items", {"name": "Nitrile gloves", "category": "PPE", "unit_of_use": "each",
                                    "pack_size": 100, "offers": [{"supplier_id": supplier, "pack_price_cents": 899,
                                                                  "lead_time_days": 3, "preferred": True}]})[1]["id"]
    vaccine = api("POST", "/items", {"name": "Flu vaccine", "category": "vaccines", "unit_of_use": "dose",
                                     "pack_size": 10, "lot_tracked": True, "expiry_tracked": True,
                                     "temperature_sensitive": True, "ndc": "49281-0421-10"})[1]["id"]
    return {"store": store, "cart": cart, "supplier": supplier, "gloves": gloves, "vaccine": vaccine}
