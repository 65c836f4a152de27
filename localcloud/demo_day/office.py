"""The back office's part of the day: the visits billed and their claims sent (the payer denies one, which the
denial rules correct and send again), the payments posted and a patient paying their share; supplies used below
their reorder point and reordered, the order over the spending limit approved, a delivery received."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from localcloud.demo_day.client import Client

BILLING, COORDINATOR, DESK, NURSE = "billing", "coordinator", "front_desk", "staff"
COORDINATOR_USER = "local-coordinator"  # who the coordinator's local token signs in as (localcloud/tokens.py)
PAYER = "lakeshore-health"
OPEN_ORDERS = ("awaiting_approval", "approved", "sent", "partially_received")
ORDER_STATES = (*OPEN_ORDERS, "received", "cancelled")
# What the payer does with a claim: the simulated clearinghouse's script for it (billing/clearinghouse.py)
PayerScript = Callable[[str, str], None]  # (claim id, "paid" | "denied_then_paid")


def open_the_billing_office(client: Client, demo: dict[str, Any]) -> None:
    """What the seeded practice lacks to bill: its billing provider, a payer and fees, and each patient's plan."""
    client.ok(BILLING, "PUT", "/claims/settings", {"billing_provider": {
        "name": "Demo Family Practice", "npi": "1234567893", "tax_id": "123456789", "taxonomy": "207Q00000X",
        "address": {"line": "12 Main Street", "city": "Springfield", "state": "NY", "postal_code": "12345"}}},
        headers={"If-None-Match": "*"})
    client.ok(BILLING, "PUT", f"/payers/{PAYER}", {"name": "Lakeshore Health", "electronic_id": "60054"},
              headers={"If-None-Match": "*"})
    client.ok(BILLING, "PUT", "/charges/fee-schedule", {"fees": [
        {"code": "99213", "amount_cents": 15000, "description": "office visit, established, low"},
        {"code": "36415", "amount_cents": 1500, "description": "routine venipuncture"}]},
        headers={"If-None-Match": "*"})
    for n, patient in enumerate(demo["patients"], start=1):
        client.ok(DESK, "POST", f"/patients/{patient}/coverages", {
            "payer_id": PAYER, "payer_name": "Lakeshore Health", "member_id": f"LKH{100200 + n}",
            "group_number": "G-2048", "rank": "primary", "period_start": "2024-01-01"})


def bill_the_visit(client: Client, visit: dict[str, Any], payer: PayerScript, answer: str) -> str:
    """The visit's charge, its claim, and the claim sent; `answer` is what the payer will make of it."""
    charge = client.ok(BILLING, "POST", "/charges", {
        "patient_id": visit["patient_id"], "visit_id": visit["id"], "date_of_service": visit["start"][:10],
        "diagnoses": ["E11.9", "I10"], "lines": [{"procedure_code": "99213", "diagnosis_pointers": [1, 2]},
                                                 {"procedure_code": "36415", "diagnosis_pointers": [1]}]})
    claim = client.ok(BILLING, "POST", "/claims", {"charge_id": charge["id"]})
    payer(claim["id"], answer)
    client.change(BILLING, f"/claims/{claim['id']}/submit", f"/claims/{claim['id']}")
    return claim["id"]


def take_a_payment(client: Client, claims: list[str]) -> int:
    """The first patient pays their share from the app, by card; returns the cents paid."""
    claim = client.ok(BILLING, "GET", f"/claims/{claims[0]}")
    if not claim.get("invoice_id"):
        return 0
    patient = f"patient:{claim['patient_id']}"
    invoice = client.ok(patient, "GET", f"/invoices/{claim['invoice_id']}")
    client.ok(patient, "POST", "/payments", {"invoice_id": invoice["id"], "amount_cents": invoice["balance_cents"],
                                             "method": "card", "reference": "4242"})
    return invoice["balance_cents"]


def billing_report(client: Client, claims: list[str]) -> dict[str, Any]:
    read = [client.ok(BILLING, "GET", f"/claims/{claim}") for claim in claims]
    aging = client.ok(BILLING, "GET", "/reports/ar-aging")
    return {"claims": len(read), "states": dict(Counter(c["state"] for c in read)),
            "corrected_and_resubmitted": sum(c["auto_resubmits"] for c in read),
            "billed_cents": sum(c["total_cents"] for c in read),
            "paid_by_payer_cents": sum(c["paid_cents"] for c in read),
            "patients_share_cents": sum(c["patient_responsibility_cents"] for c in read),
            "owed_to_the_practice_cents": aging["total_cents"]}


# --- supplies ---------------------------------------------------------------------------------------------------

def use_supplies(client: Client, demo: dict[str, Any], visit: dict[str, Any]) -> None:
    """The visit's gauze comes from the store room, which was at its reorder point: the first use takes it below,
    and the low-stock event starts a reorder."""
    client.ok(NURSE, "POST", "/movements", {"kind": "use", "item_id": demo["inventory"]["items"]["gauze"],
                                           "location_id": demo["inventory"]["locations"][0], "quantity": 10,
                                           "appointment_id": visit["id"]})


def approve_and_receive(client: Client) -> None:
    """The coordinator approves what waits for her (the vaccines, over the spending limit); the gloves ordered
    before the day arrive and are received in full."""
    for order in client.ok(COORDINATOR, "GET", "/purchase-orders",
                           query={"state": "awaiting_approval"})["purchase_orders"]:
        client.change(COORDINATOR, f"/purchase-orders/{order['id']}/approve", f"/purchase-orders/{order['id']}",
                      {"reason": "flu clinic next week"})
    client.ok(None, "POST", "/_local/drain")  # approved orders are sent to their suppliers
    sent = client.ok(COORDINATOR, "GET", "/purchase-orders", query={"state": "sent"})["purchase_orders"]
    for order in [o for o in sent if any(line["item_name"].startswith("Nitrile") for line in o["lines"])]:
        client.change(NURSE, f"/purchase-orders/{order['id']}/receipts", f"/purchase-orders/{order['id']}",
                      {"lines": [{"item_id": line["item_id"], "location_id": line["location_id"],
                                  "quantity": line["units"] - line["received_units"]} for line in order["lines"]]})


def supplies_report(client: Client) -> dict[str, Any]:
    orders = [order for state in ORDER_STATES for order in client.ok(
        COORDINATOR, "GET", "/purchase-orders", query={"state": state})["purchase_orders"]]
    low = client.ok(NURSE, "GET", "/stock/low")["below_reorder_point"]
    on_order = {(line["item_id"], line["location_id"]) for order in orders if order["state"] in OPEN_ORDERS
                for line in order["lines"] if line["received_units"] < line["units"]}
    return {"orders": len(orders), "states": dict(Counter(o["state"] for o in orders)),
            "by_trigger": dict(Counter(o["trigger"] for o in orders)),
            "total_cents": sum(o["total_cents"] for o in orders),
            "approved_by_the_coordinator": sum(o["decided_by"] == COORDINATOR_USER for o in orders),
            "still_below_reorder_point": len(low),
            "of_which_on_order": sum((place["item_id"], place["location_id"]) in on_order for place in low)}
