"""The demo practice `practice serve` seeds on first start: fictional patients with consent to be
contacted, and a clinic ready to book (policy, two practitioners, a room, two appointment types). Made
through the areas' own handlers, so its audit trail and events are the real ones."""

from __future__ import annotations

import json
from typing import Any

DEMO_PRACTICE = "demo"
WEEKDAYS_NINE_TO_FIVE = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)]
# Fictional people; phone numbers from the range reserved for fiction (555-01xx), mail at example.org.
PATIENTS = (
    {"given_name": "Ada", "family_name": "Byron", "birth_date": "1985-12-10", "gender": "female",
     "phone": "+14155550101", "email": "ada@example.org", "time_zone": "America/Los_Angeles"},
    {"given_name": "Alan", "family_name": "Turing", "birth_date": "1972-06-23", "gender": "male",
     "phone": "+14155550102", "time_zone": "America/Los_Angeles"},
    {"given_name": "Grace", "family_name": "Hopper", "birth_date": "1946-12-09", "gender": "female",
     "phone": "+14155550103", "email": "grace@example.org", "time_zone": "America/New_York"},
    {"given_name": "Katherine", "family_name": "Johnson", "birth_date": "2012-08-26", "gender": "female",
     "phone": "+14155550104", "time_zone": "America/New_York",
     "family": [{"given_name": "James", "family_name": "Johnson", "relationship": "parent",
                 "phone": "+14155550105", "is_proxy": True}]},
)


class Seeder:
    """Calls the catalogue's API functions in-process as a coordinator of the demo practice."""

    def __init__(self, cloud: Any) -> None:
        from localcloud.tokens import authorizer_claims, claims_for

        self.cloud = cloud
        self.claims = authorizer_claims(claims_for("coordinator", DEMO_PRACTICE, sub="demo-seed"))
        self.calls = 0

    def __call__(self, method: str, path: str, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
        from localcloud.server import proxy_event, route

        function, resource, parameters = route(self.cloud.catalog.api_functions(), path)
        self.calls += 1
        event = proxy_event(method=method, path=path, query="", body=json.dumps(body).encode(),
                            headers=[("Content-Type", "application/json"),
                                     ("Idempotency-Key", f"demo-seed-{self.calls:04d}"), *headers],
                            resource=resource, path_parameters=parameters, claims=self.claims,
                            source_ip="127.0.0.1", request_id=f"demo-seed-{self.calls}")
        response = self.cloud.invoke(function.name, event)
        if response.get("statusCode") not in (200, 201):
            raise RuntimeError(f"seeding the demo failed at {method} {path}: {response.get('statusCode')} "
                               f"{response.get('body')}")
        return json.loads(response["body"]) if response.get("body") else {}


def seed(cloud: Any) -> dict[str, Any]:
    """The demo practice, made on first start; afterwards read back from the data directory."""
    demo = cloud.data.demo()
    if demo:
        return demo
    call = Seeder(cloud)
    patients = []
    for patient in PATIENTS:
        created = call("POST", "/patients", patient)
        channels = [c for c, field in (("email", "email"), ("sms", "phone")) if patient.get(field)]
        call("POST", f"/patients/{created['id']}/consents", {"kind": "communication", "channels": channels,
                                                            "topics": [WORKSHOP_TOPIC, "nutrition"]})
        patients.append(created["id"])

    call("PUT", "/availability/policy", {"time_zone": "America/New_York",
                                         "practice_name": "Demo Family Practice", "late_cancel_hours": 24,
                                         "late_cancel_fee_cents": 2500, "reminder_lead_hours": 24},
         headers=(("If-None-Match", "*"),))  # the first policy: there is none to match yet
    practitioners = [call("POST", "/practitioners", {"name": name, "weekly": WEEKDAYS_NINE_TO_FIVE})["id"]
                     for name in ("Dr. Mary Jackson", "Dr. Dorothy Vaughan")]
    room = call("POST", "/rooms", {"name": "Exam room 1"})["id"]
    types = [
        call("POST", "/appointment-types", {"name": "Follow-up", "duration_minutes": 30, "buffer_minutes": 15,
                                            "visit": "follow_up", "mode": "in_person",
                                            "practitioner_ids": practitioners, "room_ids": [room]})["id"],
        call("POST", "/appointment-types", {"name": "Video consult", "duration_minutes": 60, "visit": "new",
                                            "mode": "virtual", "practitioner_ids": practitioners})["id"],
    ]
    staff = seed_staff(call, practitioners[0])
    outreach = seed_outreach(call, patients)
    inventory = seed_inventory(call)
    inventory |= seed_ordering(call, inventory)
    training = seed_training(call)
    certifications = seed_certifications(call)
    cloud.drain()  # the stock-low events start the reorder runs: orders sent, or waiting for the coordinator
    cloud.run_job("run-compliance-checks")  # the board has findings on the first start, not after 05:00 UTC
    cloud.save()
    demo = {"practice": DEMO_PRACTICE, "patients": patients, "practitioners": practitioners,
            "appointment_types": types, "staff": staff, **outreach, "inventory": inventory, "training": training,
            **certifications}
    cloud.data.save_demo(demo)
    return demo


def seed_staff(call: Seeder, practitioner_id: str) -> list[str]:
    """The staff policy, the main location's coverage rules, and a member for each local token's default
    identity (`local-<role>`), so `/staff/me` answers for the tokens `practice serve` prints."""
    call("PUT", "/pto/policy", {"time_zone": "America/New_York", "leave_unit_hours": 1}, headers=NEW)
    call("PUT", "/coverage/rules/main", {"rules": [
        {"role": "front_desk", "min_staff": 1, "start": "08:00", "end": "18:00"},
        {"role": "assistant", "per": "practitioner", "start": "09:00", "end": "17:00"}]}, headers=NEW)
    members = (
        {"user_id": "local-coordinator", "name": "Katherine Coleman", "role": "coordinator"},
        {"user_id": "local-practitioner", "name": "Dr. Mary Jackson", "role": "practitioner",
         "practitioner_id": practitioner_id, "manager_id": "local-coordinator"},
        {"user_id": "local-front_desk", "name": "Annie Easley", "role": "front_desk",
         "manager_id": "local-coordinator"},
        {"user_id": "local-staff", "name": "Melba Mouton", "role": "assistant", "contracted_hours": 24,
         "manager_id": "local-coordinator"},
    )
    for member in members:
        call("POST", "/staff", {"contracted_hours": 40, "location_ids": ["main"],
                                "email": f"{member['user_id']}@example.org", **member})
    return [m["user_id"] for m in members]


NEW = (("If-None-Match", "*"),)  # the first policy or rules: there are none to match yet


def seed_training(call: Seeder) -> dict[str, Any]:
    """Two programmes assigned to the demo staff (one needs a score, one a certificate upload) and a policy
    for everyone to acknowledge, so the staff token sees its training and `remind-training` has work."""
    from datetime import timedelta

    from functions.core import clock

    today = clock.now().date()
    privacy = call("POST", "/training/programmes", {
        "title": "HIPAA privacy and security", "category": "privacy", "recurrence": "annual", "evidence": "score",
        "pass_mark": 80, "description": "The yearly refresher: minimum necessary, sharing, breaches."})["id"]
    call("POST", f"/training/programmes/{privacy}/assignments", {
        "roles": ["practitioner", "front_desk", "assistant"], "due_on": (today + timedelta(days=30)).isoformat()})
    life_support = call("POST", "/training/programmes", {
        "title": "Basic life support", "category": "clinical", "recurrence": "months", "every_months": 24,
        "evidence": "certificate"})["id"]
    call("POST", f"/training/programmes/{life_support}/assignments", {
        "user_ids": ["local-staff"], "due_on": (today + timedelta(days=10)).isoformat()})
    policy = call("POST", "/policies", {"title": "Acceptable use of practice systems"})["id"]
    call("POST", f"/policies/{policy}/versions", {
        "text": "Lock your screen when you step away. Never share your sign-in. Report a lost device at once.",
        "signers": {"roles": ["coordinator", "practitioner", "front_desk", "assistant"]}, "days_to_sign": 14})
    return {"programmes": [privacy, life_support], "policies": [policy]}


def seed_certifications(call: Seeder) -> dict[str, Any]:
    """Dr. Jackson's medical licence expiring in three weeks and the front desk's CPR certification lapsed last
    week: two findings on the compliance board (medium and high) once the checks have run."""
    from datetime import timedelta

    from functions.core import clock

    today = clock.now().date()
    licence = call("POST", "/certifications", {
        "holder_id": "local-practitioner", "kind": "licence", "name": "Medical licence", "number": "MD-204518",
        "issuing_body": "New York State Education Department", "issued_on": (today - timedelta(days=710)).isoformat(),
        "expires_on": (today + timedelta(days=21)).isoformat()})["id"]
    cpr = call("POST", "/certifications", {
        "holder_id": "local-front_desk", "kind": "certification", "name": "CPR and AED", "number": "CPR-88172",
        "issuing_body": "American Red Cross", "issued_on": (today - timedelta(days=735)).isoformat(),
        "expires_on": (today - timedelta(days=5)).isoformat()})["id"]
    return {"certifications": [licence, cpr]}


# --- outreach: a workshop, published, with a few registrations ----------------------------------------------
WORKSHOP_TOPIC = "diabetes"


def seed_outreach(call: Seeder, patients: list[str]) -> dict[str, Any]:
    """A diabetes workshop three weeks out (in person, then online), published (which starts its promotion), and
    the adults who consent to the topic registered."""
    from datetime import UTC, timedelta

    from functions.core import clock

    first = (clock.now() + timedelta(days=21)).astimezone(UTC).replace(hour=17, minute=0, second=0, microsecond=0)
    workshop = call("POST", "/workshops", {
        "title": "Living well with diabetes", "topic": WORKSHOP_TOPIC,
        "description": "Two evenings on food, movement and medicines, with time for questions.",
        "audience": {"topics": [WORKSHOP_TOPIC], "min_age": 18}, "capacity": 12,
        "facilitator_id": "local-practitioner",
        "registration_deadline": (first - timedelta(days=2)).isoformat(),
        "sessions": [{"starts_at": first.isoformat(), "ends_at": (first + timedelta(hours=1, minutes=30)).isoformat(),
                      "mode": "in_person", "room": "Community room", "address": "12 Main Street, Springfield"},
                     {"starts_at": (first + timedelta(days=7)).isoformat(),
                      "ends_at": (first + timedelta(days=7, hours=1)).isoformat(), "mode": "online",
                      "link": "https://meet.example.org/demo-diabetes"}]})
    call("POST", f"/workshops/{workshop['id']}/publish", None, headers=(("If-Match", f'"{workshop["version"]}"'),))
    adults = [p for p, person in zip(patients, PATIENTS, strict=True) if person["birth_date"] < "2000"]
    registrations = [call("POST", "/registrations", {"workshop_id": workshop["id"], "patient_id": p})["id"]
                     for p in adults]
    return {"workshops": [workshop["id"]], "registrations": registrations}


# --- inventory (stock) ---------------------------------------------------------------------------------------

def seed_inventory(call: Seeder) -> dict[str, Any]:
    """A small supplies catalogue: a store room and an exam-room cart, two suppliers, four items with stock; gloves
    in the cart below their reorder point and gauze at it, and vaccine lots expiring within weeks."""
    from datetime import timedelta

    from functions.core import clock

    today = clock.now().date()
    store = call("POST", "/locations", {"name": "Store room", "kind": "store_room"})["id"]
    cart = call("POST", "/locations", {"name": "Exam room 1 cart", "kind": "exam_room_cart"})["id"]
    medline = call("POST", "/suppliers", {"name": "Lakeside Medical Supply", "email": "orders@lakeside.example.org",
                                          "phone": "+14155550150", "account_number": "DFP-1001"})["id"]
    valley = call("POST", "/suppliers", {"name": "Valley Vaccines", "email": "orders@valley.example.org"})["id"]

    def offer(supplier: str, cents: int, days: int, preferred: bool = False) -> dict[str, Any]:
        return {"supplier_id": supplier, "pack_price_cents": cents, "lead_time_days": days, "preferred": preferred}

    items = {
        "gloves": call("POST", "/items", {"name": "Nitrile gloves, medium", "category": "PPE", "unit_of_use": "each",
                                          "pack_size": 100, "gtin": "00884389123459",
                                          "offers": [offer(medline, 899, 3, True), offer(valley, 1049, 5)]})["id"],
        "gauze": call("POST", "/items", {"name": "Gauze pads 4x4", "category": "wound care", "unit_of_use": "each",
                                         "pack_size": 200, "offers": [offer(medline, 1250, 3, True)]})["id"],
        "syringes": call("POST", "/items", {"name": "Syringe 3 mL", "category": "injection", "unit_of_use": "each",
                                            "pack_size": 100, "offers": [offer(medline, 2100, 4, True)]})["id"],
        "vaccine": call("POST", "/items", {"name": "Influenza vaccine, quadrivalent", "category": "vaccines",
                                           "unit_of_use": "dose", "pack_size": 10, "ndc": "49281-0421-10",
                                           "lot_tracked": True, "expiry_tracked": True,
                                           "temperature_sensitive": True,
                                           "offers": [offer(valley, 18500, 2, True)]})["id"],
    }

    def receive(item: str, location: str, quantity: int, lot: str | None = None, days: int | None = None) -> None:
        body = {"kind": "receive", "item_id": items[item], "location_id": location, "quantity": quantity}
        if lot:
            body |= {"lot": lot, "expires_on": (today + timedelta(days=days)).isoformat()}
        call("POST", "/movements", body)

    def levels(item: str, location: str, reorder_point: int, par_level: int) -> None:
        call("PUT", f"/stock/{items[item]}/{location}/levels", {"reorder_point": reorder_point,
                                                                 "par_level": par_level}, headers=NEW)

    receive("gloves", store, 600)
    receive("gloves", cart, 40)
    receive("gauze", store, 150)
    receive("syringes", store, 300)
    receive("vaccine", store, 8, lot="FLU2611A", days=12)
    receive("vaccine", store, 20, lot="FLU2703B", days=120)
    receive("vaccine", cart, 3, lot="FLU2611A", days=12)
    levels("gloves", store, 200, 800)
    levels("gloves", cart, 50, 100)  # 40 in the cart: below
    levels("gauze", store, 150, 400)  # at the point: the next use takes it below
    levels("syringes", store, 100, 400)
    levels("vaccine", store, 10, 40)
    return {"locations": [store, cart], "suppliers": [medline, valley], "items": items}



# --- inventory (purchase orders) -----------------------------------------------------------------------------

def seed_ordering(call: Seeder, inventory: dict[str, Any]) -> dict[str, Any]:
    """The practice's spending limit, and a morning's flu clinic that takes the store's vaccine below its reorder
    point. With the gloves already low in the cart, the first drain runs the low-stock reorder workflow twice:
    the gloves order (within the limit) is approved by policy and sent to Lakeside; the vaccine order (over it)
    waits for the coordinator's approval."""
    call("PUT", "/purchase-orders/settings", {"spending_limit_cents": 30_000, "approval_hours": 48}, headers=NEW)
    store = inventory["locations"][0]
    call("POST", "/movements", {"kind": "use", "item_id": inventory["items"]["vaccine"], "location_id": store,
                                "quantity": 20, "reason": "flu clinic"})
    return {"spending_limit_cents": 30_000}
