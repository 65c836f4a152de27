"""Stock over HTTP against `practice serve`: the demo's catalogue is there with gloves low in the exam-room cart,
the store's vaccine low after a flu clinic and vaccine expiring soon; the reorder workflow has run on them (the
gloves order sent to the supplier, the dearer vaccine order waiting for the coordinator); a nurse uses the last
gloves (a use past the stock is a 409 that changes nothing); the low list and the expiry watch say so."""

import pytest

from tests.e2e.test_serve import Server, practice, request

pytestmark = pytest.mark.e2e


def test_the_demo_catalogue_moves_stock_over_http(demo_data):
    data_dir = demo_data
    server = Server(data_dir, "inventory")
    try:
        server.wait_until_healthy()
        nurse = practice("token", "--role", "staff", "--practice", "demo", data_dir=data_dir).stdout.strip()
        coordinator = practice("token", "--role", "coordinator", "--practice", "demo", data_dir=data_dir).stdout.strip()
        status, items = request(f"{server.url}/items", token=nurse)
        assert status == 200 and len(items["items"]) == 4
        gloves = next(i["id"] for i in items["items"] if i["name"].startswith("Nitrile"))
        locations = {loc["kind"]: loc["id"] for loc in request(f"{server.url}/locations", token=nurse)[1]["locations"]}
        cart = locations["exam_room_cart"]

        vaccine = next(i["id"] for i in items["items"] if i["name"].startswith("Influenza"))
        store = locations["store_room"]
        low = request(f"{server.url}/stock/low", token=nurse)[1]["below_reorder_point"]
        assert sorted((s["item_id"], s["location_id"], s["on_hand"]) for s in low) == sorted(
            [(gloves, cart, 40), (vaccine, store, 8)])
        [sent] = request(f"{server.url}/purchase-orders?state=sent", token=nurse)[1]["purchase_orders"]
        assert [(line["item_id"], line["location_id"]) for line in sent["lines"]] == [(gloves, cart)]
        [waiting] = request(f"{server.url}/purchase-orders?state=awaiting_approval",
                            token=coordinator)[1]["purchase_orders"]
        assert [line["item_id"] for line in waiting["lines"]] == [vaccine] and waiting["total_cents"] > 30_000
        expiring = request(f"{server.url}/stock/expiring?within_days=30", token=nurse)[1]
        assert {lot["lot"] for lot in expiring["expiring"]} == {"FLU2611A"}

        use = {"kind": "use", "item_id": gloves, "location_id": cart, "quantity": 41}
        status, refused = request(f"{server.url}/movements", "POST", use, token=nurse)
        assert status == 409 and refused["error"]["code"] == "insufficient_stock"
        status, used = request(f"{server.url}/movements", "POST", {**use, "quantity": 40}, token=nurse,
                               headers={"Idempotency-Key": "e2e-use-gloves-0001"})
        assert status == 201 and used["legs"][0]["delta"] == -40
        status, again = request(f"{server.url}/movements", "POST", {**use, "quantity": 40}, token=nurse,
                                headers={"Idempotency-Key": "e2e-use-gloves-0001"})
        assert again["id"] == used["id"]
        status, stock = request(f"{server.url}/stock/{gloves}/{cart}", token=nurse)
        assert status == 200 and stock["on_hand"] == 0 and stock["low"] is True
        assert request(f"{server.url}/stock/{gloves}/{cart}/levels", "PUT", {"reorder_point": 10, "par_level": 60},
                       token=nurse, headers={"If-Match": '"1"'})[0] == 403
        assert request(f"{server.url}/stock/{gloves}/{cart}/levels", "PUT", {"reorder_point": 10, "par_level": 60},
                       token=coordinator, headers={"If-Match": '"1"'})[0] == 200
        assert server.stop() == 0
    finally:
        server.kill()
