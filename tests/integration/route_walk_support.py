"""Every route of every catalogue API function, called as API Gateway would, against one practice where patient
B has something under every route: records (coverage, consent), an appointment, a waitlist entry, a charge, a
claim with its 837, an invoice, a payment, a message and preferences. Patient A has a record and nothing else.

The routes come from the merged OpenAPI document (functions.openapi), each sent to the catalogue function that
mounts its first path segment, so a new route is walked without being listed here; its path parameters are
filled from `World.params` (a new kind of parameter fails `fill` until it is added)."""

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.openapi import build_document
from infra.catalog import CATALOG
from tests.integration.scheduling_support import MONDAY_NINE, PRACTICE, WEEKDAYS_NINE_TO_FIVE
from tests.support import api_event, claims

WEDNESDAY = "2026-03-04"
TEN_AM = "2026-03-04T15:00:00Z"  # 10:00 in New York
ELEVEN_AM = "2026-03-04T16:00:00Z"
TODAY = MONDAY_NINE.date()
PROVIDER = {"name": "Elm Street Clinic", "npi": "1234567893", "tax_id": "123456789", "taxonomy": "207Q00000X",
            "address": {"line": "1 Clinic Way", "city": "Springfield", "state": "IL", "postal_code": "627011234"}}
GRACE = {"given_name": "Grace", "family_name": "Hopper", "birth_date": "1966-12-09", "gender": "female",
         "phone": "+14155550177", "email": "grace@example.org", "time_zone": "America/New_York",
         "address": {"lines": ["1 Navy Way"], "city": "Arlington", "state": "VA", "postal_code": "22201",
                     "country": "US"},
         "family": [{"given_name": "Vincent", "family_name": "Hopper", "relationship": "spouse", "is_proxy": False}]}
ADA = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
       "email": "ada@example.org"}
COVERAGE = {"payer_id": "acme-health", "payer_name": "Acme Health", "member_id": "W123456789", "group_number": "G-77",
            "plan_name": "Gold PPO", "rank": "primary", "period_start": "2020-01-01"}

WORKSHOP = {"title": "Living well", "topic": "diabetes", "description": "Food and movement.",
            "audience": {"topics": ["diabetes"]}, "capacity": 10, "facilitator_id": "staff-b",
            "registration_deadline": "2026-03-30T00:00:00Z",
            "sessions": [{"starts_at": "2026-04-01T17:00:00Z", "ends_at": "2026-04-01T18:00:00Z", "mode": "in_person",
                          "room": "Room 2", "address": "1 Elm Street"}]}

DISCLOSURE = {"disclosed_on": "2026-03-01", "recipient_name": "County Health Department",
              "description": "immunization record", "purpose": "public health reporting"}

# Tokens that carry the patient group and a staff group, each bound to patient A.
MIXED_GROUPS = ("patient,staff", "patient,billing", "patient,coordinator", "patient,privacy_officer")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as OpenAPI writes it: /claims/{claim_id}
    operation: dict

    @property
    def path_params(self) -> list[str]:
        return [p["name"] for p in self.operation.get("parameters", []) if _where(p) == "path"]

    @property
    def query_params(self) -> list[str]:
        return [p["name"] for p in self.operation.get("parameters", []) if _where(p) == "query"]

    @property
    def public(self) -> bool:
        """Served without sign-in (the catalogue's public routes): a signed link is the credential there."""
        return self.path.strip("/") in {p for f in CATALOG.api_functions() for p in f.public_routes}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _where(parameter: dict) -> str:
    # "query", or "ParameterInType.query" where the document was rendered from the enum's str()
    return str(parameter["in"]).rsplit(".", 1)[-1]


def catalogue_routes() -> list[Route]:
    document = build_document()
    return [Route(method.upper(), path, operation) for path, operations in sorted(document["paths"].items())
            for method, operation in sorted(operations.items())]


def _handler_for(path: str):
    mount = path.strip("/").split("/")[0]
    for function in CATALOG.api_functions():
        if mount in function.mounts:
            module, name = function.handler.rsplit(".", 1)
            return getattr(importlib.import_module(module), name)
    raise AssertionError(f"no catalogue function mounts {path}")


@dataclass
class Response:
    status: int
    body: Any
    text: str


def call(method: str, path: str, *, groups: str = "coordinator", patient: str | None = None, sub: str = "user-1",
         query: dict | None = None, body: Any = None, headers: dict | None = None) -> Response:
    from tests.support import LambdaContext

    who = claims(role=groups, practice=PRACTICE, sub=sub, patient=patient)
    event = api_event(method, path, claims=who, query=query, body=body, headers=headers)
    response = _handler_for(path)(event, LambdaContext())
    text = response.get("body") or ""
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return Response(response["statusCode"], parsed, text)


def ok(method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
    response = call(method, path, **kwargs)
    assert response.status == expected, (method, path, response.status, response.body)
    return response.body


@dataclass
class World:
    patient_a: str
    patient_b: str
    params: dict[str, str]  # path and query parameter -> the value that aims at B's data (or the practice's)
    versions: dict[str, int] = field(default_factory=dict)
    b_markers: set[str] = field(default_factory=set)  # strings found only in B's data

    def fill(self, route: Route) -> str:
        path = route.path
        for name in route.path_params:
            assert name in self.params, f"{route}: no value for path parameter {name}; add it to World.params"
            path = path.replace("{" + name + "}", self.params[name])
        return path

    def query(self, route: Route) -> dict[str, str]:
        """Every query parameter the route takes that names something, aimed at B."""
        skip = {"limit", "page_token", "order", "birth_date", "phone", "family", "given"}
        if str(route) == "GET /compliance/findings":
            return {"owner": "user:staff-b"}  # no patient's data: the filters only narrow the practice's findings
        found = {name: self.params[name] for name in route.query_params if name not in skip}
        if str(route) == "GET /messages":
            found.pop("source")  # one of recipient or source
        if str(route) == "GET /appointments":
            found = {"patient_id": self.params["patient_id"]}
        if str(route) == "GET /purchase-orders":
            found = {"state": "awaiting_approval"}  # an order's state, not a claim's
        return found

    def body(self, route: Route) -> Any:
        if "requestBody" not in route.operation:
            return None
        return bodies(self).get(str(route), {})

    def headers(self, route: Route) -> dict[str, str] | None:
        """The If-Match an update needs: the version of B's thing as seeded."""
        version = preconditions(self).get(str(route))
        return None if version is None else {"If-Match": f'"{version}"'}

    def leaks(self, text: str) -> set[str]:
        return {marker for marker in self.b_markers if marker in text}


FIRST = {"If-None-Match": "*"}  # the first write of a practice-wide setting: there is none yet


def bodies(world: World) -> dict[str, Any]:
    """A valid body for each write, aimed at B's data where the route can name it."""
    p = world.params
    return {
        "POST /patients": ADA,
        "PATCH /patients/{patient_id}": {"preferred_name": "Amazing"},
        "POST /patients/{patient_id}/consents": {"kind": "treatment"},
        "PATCH /patients/{patient_id}/consents/{consent_id}": {"channels": ["email"]},
        "POST /patients/{patient_id}/consents/{consent_id}/revoke": {},
        "POST /patients/{patient_id}/coverages": {**COVERAGE, "rank": "secondary", "member_id": "S1"},
        "PATCH /patients/{patient_id}/coverages/{coverage_id}": {"plan_name": "Silver"},
        "POST /appointments": {"type_id": p["type_id"], "practitioner_id": p["practitioner_id"], "start": ELEVEN_AM,
                               "patient_id": p["patient_id"]},
        "POST /appointments/{appointment_id}/reschedule": {"start": ELEVEN_AM},
        "POST /appointments/{appointment_id}/cancel": {"waive_fee": True},
        "POST /appointments/{appointment_id}/confirm": {},
        "POST /appointments/{appointment_id}/arrive": {},
        "POST /appointments/{appointment_id}/in-room": {},
        "POST /appointments/{appointment_id}/complete": {},
        "POST /appointments/{appointment_id}/no-show": {},
        "POST /waitlist": {"type_id": p["type_id"], "earliest": WEDNESDAY, "latest": WEDNESDAY,
                           "patient_id": p["patient_id"]},
        "POST /waitlist/{entry_id}/accept": {},
        "POST /waitlist/{entry_id}/decline": {},
        "POST /availability/exceptions": {"date": "2026-03-05", "kind": "holiday"},
        "POST /practitioners": {"name": "Dr C", "weekly": WEEKDAYS_NINE_TO_FIVE},
        "PATCH /practitioners/{practitioner_id}": {"name": "Dr Z"},
        "PUT /availability/{practitioner_id}": {"weekly": WEEKDAYS_NINE_TO_FIVE},
        "POST /rooms": {"name": "Room 9"},
        "POST /charges": {"patient_id": p["patient_id"], "date_of_service": str(TODAY - timedelta(days=3)),
                          "diagnoses": ["J45.909"], "lines": [{"procedure_code": "99213", "diagnosis_pointers": [1]}]},
        "POST /claims": {"charge_id": p["charge_id"]},
        "POST /claims/{claim_id}/submit": {},
        "POST /claims/{claim_id}/resolve": {"action": "close", "note": "written off"},
        "POST /invoices": {"patient_id": p["patient_id"], "amount_cents": 100, "description": "Copay"},
        "POST /payments": {"invoice_id": p["invoice_id"], "amount_cents": 100, "method": "card", "reference": "4242"},
        "PUT /claims/settings": {"billing_provider": PROVIDER},
        "PUT /charges/fee-schedule": {"fees": [{"code": "99213", "amount_cents": 1}]},
        "PUT /payers/{payer_id}": {"name": "Acme Health", "electronic_id": "60054"},
        "POST /messages": {"recipient": {"kind": "patient", "patient_id": p["patient_id"]},
                           "template": "message.general", "data": {"subject": "Hello", "body": "From A"}},
        "POST /messages/care-instructions": {"patient_id": p["patient_id"], "instructions": "Rest"},
        "PUT /notifications/preferences/{person}": {"opted_out": ["sms"]},
        "PUT /notifications/preferences": {"opted_out": ["sms"]},
        "PUT /notifications/templates/{key}/{language}": {"subject": "Hi", "text": "Hello"},
        "POST /workshops": WORKSHOP,
        "PATCH /workshops/{workshop_id}": {"title": "Eating well"},
        "POST /registrations": {"workshop_id": p["workshop_id"], "patient_id": p["patient_id"]},
        "POST /sessions/{session_id}/attendance": {"present": [p["registration_id"]]},
        "POST /notifications/templates/{key}/{language}/preview": {"data": {}},
        # inventory: no patient's data under these routes
        "POST /items": {"name": "Gauze", "category": "dressings", "unit_of_use": "each", "pack_size": 10},
        "POST /locations": {"name": "Cart 2", "kind": "exam_room_cart"},
        "POST /suppliers": {"name": "MedSupply", "email": "orders@medsupply.example"},
        "POST /movements": {"kind": "use", "item_id": p["item_id"], "location_id": p["location_id"], "quantity": 1},
        "PUT /stock/{item_id}/{location_id}/levels": {"reorder_point": 5, "par_level": 10},
        "POST /counts": {"location_id": p["location_id"]},
        "PATCH /counts/{count_id}": {"lines": [{"item_id": p["item_id"], "lot": "untracked-stock", "counted": 1}]},
        "POST /purchase-orders": {"supplier_id": "acme", "lines": [{
            "item_id": "gloves", "item_name": "Gloves", "location_id": "main", "packs": 1, "pack_size": 100,
            "pack_price_cents": 1200}]},
        "PUT /purchase-orders/settings": {"spending_limit_cents": 10000},
        # compliance: a licence of staff-b, the practice's compliance settings (no patient's data)
        "POST /certifications": {"holder_id": "staff-b", "kind": "licence", "name": "Licence", "number": "L-9",
                                 "issuing_body": "Board", "expires_on": "2027-01-01"},
        "PATCH /certifications/{certification_id}": {"number": "L-2"},
        "PUT /compliance/settings": {},
        "POST /purchase-orders/{order_id}/receipts": {"lines": [{"item_id": "gloves", "location_id": "main",
                                                                 "quantity": 1}]},
        # audit views: a disclosure of B's record
        "POST /audit/disclosures": {**DISCLOSURE, "patient_id": p["patient_id"]},

        # training and policies
        "POST /training/programmes": {"title": "Fire safety"},
        "PATCH /training/programmes/{programme_id}": {"title": "Fire safety 2026"},
        "POST /training/programmes/{programme_id}/assignments": {"roles": ["nurse"], "due_on": "2099-01-01"},
        "POST /training/assignments/{assignment_id}/uploads": {"content_type": "application/pdf"},
        "POST /training/assignments/{assignment_id}/completion": {},
        "POST /policies": {"title": "Privacy"},
        "POST /policies/{policy_id}/versions": {"text": "Speak softly.", "signers": {"roles": ["nurse"]}},
        "POST /policies/{policy_id}/acknowledgements": {"number": 1},
        # accounts: a sign-in for B (no staff invitation: it names no patient)
        "POST /accounts/invitations": {"kind": "patient", "patient_id": p["patient_id"]},
    }


def preconditions(world: World) -> dict[str, int]:
    """The version each update's If-Match names: B's thing as seeded."""
    v = world.versions
    once = ("PATCH /patients/{patient_id}/consents/{consent_id}",
            "POST /patients/{patient_id}/consents/{consent_id}/revoke",
            "PATCH /patients/{patient_id}/coverages/{coverage_id}",
            "POST /appointments/{appointment_id}/reschedule", "POST /appointments/{appointment_id}/cancel",
            "POST /appointments/{appointment_id}/confirm", "POST /appointments/{appointment_id}/arrive",
            "POST /appointments/{appointment_id}/in-room", "POST /appointments/{appointment_id}/complete",
            "POST /appointments/{appointment_id}/no-show", "POST /waitlist/{entry_id}/accept",
            "POST /waitlist/{entry_id}/decline", "PATCH /practitioners/{practitioner_id}",
            "PUT /availability/{practitioner_id}", "PUT /notifications/preferences/{person}",
            "POST /registrations/{registration_id}/cancel")
    workshop = ("PATCH /workshops/{workshop_id}", "POST /workshops/{workshop_id}/publish",
                "POST /workshops/{workshop_id}/unpublish", "POST /workshops/{workshop_id}/cancel")
    return {"PATCH /patients/{patient_id}": v["patient"], "POST /claims/{claim_id}/submit": v["claim"],
            "POST /claims/{claim_id}/resolve": v["claim"], **dict.fromkeys(once, 1),
            **dict.fromkeys(workshop, v["workshop"]), "PATCH /training/programmes/{programme_id}": 1}


def audit_head() -> int:
    return AuditStore(Table()).head(PRACTICE)[0]


def audit_after(seq: int) -> list[dict]:
    return list(AuditStore(Table()).entries(PRACTICE, after_seq=seq))


def b_data(world: World) -> dict[tuple[str, str], dict]:
    """Every item that holds B's data (the audit trail and outbox apart), keyed by pk and sk. A test may Scan."""
    items = _scan()
    return {(i["pk"], i["sk"]): i for i in items
            if "#AUDIT" not in i["pk"] and "#OUTBOX" not in i["pk"] and world.leaks(json.dumps(i, default=str))}


def _scan() -> list[dict]:
    import boto3

    from functions.core.settings import settings

    table = boto3.resource("dynamodb").Table(settings().table_name)
    items, start = [], {}
    while True:
        page = table.scan(**start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def _clear_containers() -> None:
    from functions.core import container

    container.reset()


@pytest.fixture(name="world")
def world_fixture(cloud) -> Iterator[World]:
    fixed = clock.FixedClock(MONDAY_NINE)
    previous = clock.use(fixed)
    _clear_containers()
    try:
        yield build_world()
    finally:
        _clear_containers()
        clock.use(previous)


def build_world() -> World:
    from functions.billing import wiring as billing_wiring

    # records: A and B; B with a coverage, a consent to be messaged, a family member
    a = ok("POST", "/patients", 201, body=ADA)["id"]
    grace = ok("POST", "/patients", 201, body=GRACE)
    b = grace["id"]
    coverage = ok("POST", f"/patients/{b}/coverages", 201, body=COVERAGE)["id"]
    consent = ok("POST", f"/patients/{b}/consents", 201, body={"kind": "communication",
                                                              "channels": ["email", "in_app"]})["id"]
    # scheduling: a clinic, B's appointment and waitlist entry, an exception
    ok("PUT", "/availability/policy", headers=FIRST, body={"time_zone": "America/New_York",
                                            "practice_name": "Elm Street Clinic", "late_cancel_hours": 24,
                                            "late_cancel_fee_cents": 5000, "reminder_lead_hours": 24})
    dr = ok("POST", "/practitioners", 201, body={"name": "Dr A", "weekly": WEEKDAYS_NINE_TO_FIVE})["id"]
    room = ok("POST", "/rooms", 201, body={"name": "Room 1"})["id"]
    kind = ok("POST", "/appointment-types", 201, body={
        "name": "Follow-up", "duration_minutes": 30, "visit": "follow_up", "mode": "in_person",
        "practitioner_ids": [dr], "room_ids": [room]})["id"]
    appointment = ok("POST", "/appointments", 201, body={"type_id": kind, "practitioner_id": dr, "start": TEN_AM,
                                                         "patient_id": b})["id"]
    entry = ok("POST", "/waitlist", 201, body={"type_id": kind, "earliest": WEDNESDAY, "latest": WEDNESDAY,
                                               "patient_id": b})["id"]
    exception = ok("POST", "/availability/exceptions", 201, body={"date": "2026-03-06", "kind": "holiday"})["id"]
    # billing: B's charge, claim (with its 837), invoice and payment
    ok("PUT", "/claims/settings", groups="billing", headers=FIRST, body={"billing_provider": PROVIDER})
    ok("PUT", "/payers/acme-health", groups="billing", headers=FIRST,
       body={"name": "Acme Health", "electronic_id": "60054"})
    ok("PUT", "/charges/fee-schedule", groups="billing", headers=FIRST,
       body={"fees": [{"code": "99213", "amount_cents": 15000}]})
    charge = ok("POST", "/charges", 201, groups="billing", body={
        "patient_id": b, "date_of_service": str(TODAY - timedelta(days=3)), "diagnoses": ["J45.909"],
        "lines": [{"procedure_code": "99213", "diagnosis_pointers": [1]}]})["id"]
    claim = ok("POST", "/claims", 201, groups="billing", body={"charge_id": charge})["id"]
    billing_wiring.claim_workflow().build(PRACTICE, claim)
    claim_version = ok("GET", f"/claims/{claim}", groups="billing")["version"]
    invoice = ok("POST", "/invoices", 201, groups="billing",
                 body={"patient_id": b, "amount_cents": 5000, "description": "Self-pay visit"})["id"]
    payment = ok("POST", "/payments", 201, groups="billing",
                 body={"invoice_id": invoice, "amount_cents": 1000, "method": "cash", "reference": "desk"})["id"]
    # notifications: a message to B, and B's preferences
    message = ok("POST", "/messages", 202, body={"recipient": {"kind": "patient", "patient_id": b},
                                                 "template": "message.general",
                                                 "data": {"subject": "Hello", "body": "Opening hours change"}})
    message_id = message["message_ids"][0]
    ok("PUT", f"/notifications/preferences/patient:{b}", headers=FIRST, body={"opted_out": ["sms"]})
    # audit views: a disclosure of B's record, for the accounting
    disclosure = ok("POST", "/audit/disclosures", 201, groups="privacy_officer",
                    body={**DISCLOSURE, "patient_id": b})["id"]
    params = {
        "patient_id": b, "coverage_id": coverage, "consent_id": consent, "appointment_id": appointment,
        "entry_id": entry, "charge_id": charge, "claim_id": claim, "invoice_id": invoice, "payment_id": payment,
        "message_id": message_id, "person": f"patient:{b}", "recipient": f"patient:{b}",
        "source": f"scheduling:appointment:{appointment}",
        "practitioner_id": dr, "type_id": kind, "exception_id": exception, "payer_id": "acme-health",
        "key": "message.general", "language": "en", "token": "not-a-signed-token-at-all",
        "from": WEDNESDAY, "to": WEDNESDAY, "date": WEDNESDAY, "state": "scrubbed",
        # staff: a member, a shift, a location (no patient's data is under these routes)
        "user_id": "staff-b", "shift_id": "shift-b", "location_id": "main", "location": "main",
        "leave_id": "leave-b", "draft_id": "draft-b",
        # inventory: an item, a supplier, a count, a movement (no patient's data is under these routes)
        "item_id": "item-b", "supplier_id": "supplier-b", "count_id": "count-b", "movement_id": "move-b",
        "cursor": "item-b#main", "within_days": "30",
        # inventory: a purchase order (none is seeded: no patient's data is under these routes)
        "order_id": "po-b",
        # audit views
        "disclosure_id": disclosure,

        # training and policies: none is seeded (no patient's data is under these routes)
        "programme_id": "programme-b", "assignment_id": "assignment-b", "policy_id": "policy-b", "number": "1",
    }
    # outreach: a published workshop B is registered for (seeded through the adapters: publishing would start
    # the promotion, and B's consent names no topic until records has them)
    workshop, registration = _outreach_for(b)
    # compliance: a licence of staff-b (seeded through the adapter: no patient's data is under these routes)
    params |= {"certification_id": _certification_of("staff-b"), "holder_id": "staff-b",
               "finding_id": "licence_expiry-cert-none"}
    params |= {"workshop_id": workshop.id, "session_id": workshop.sessions[0].id, "registration_id": registration,
               "status": "published"}
    markers = {b, appointment, entry, charge, claim, invoice, payment, message_id, coverage, consent, "Hopper",
               "W123456789", registration, disclosure}
    return World(a, b, params, versions={"patient": grace["version"], "claim": claim_version,
                                         "workshop": workshop.version}, b_markers=markers)


def _certification_of(holder_id: str) -> str:
    from datetime import date

    from functions.compliance import wiring as compliance
    from functions.compliance.models.certifications import Certification
    from functions.core.audit import draft
    from functions.core.auth import Caller, Role

    at = clock.iso(clock.now())
    seeder = Caller(user_id="seed", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="seed")
    certification = Certification(id="cert-b", practice_id=PRACTICE, holder_id=holder_id, kind="licence",
                                  name="Licence", number="L-1", issuing_body="Board", expires_on=date(2027, 1, 1),
                                  version=1, created_at=at, created_by="seed", updated_at=at, updated_by="seed")
    compliance.certification_book().save(certification, draft(seeder, "compliance.certification.create",
                                                              "CERTIFICATION", certification.id, at))
    return certification.id


def _outreach_for(patient_id: str):
    from functions.core.audit import draft
    from functions.core.auth import Caller, Role
    from functions.core.ids import new_id
    from functions.outreach import wiring as outreach
    from functions.outreach.models.registrations import Registration
    from functions.outreach.models.workshops import Workshop

    made = Workshop.model_validate(ok("POST", "/workshops", 201, body=WORKSHOP))
    published = made.model_copy(update={"status": "published", "version": 2})
    at = clock.iso(clock.now())
    seeder = Caller(user_id="seed", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="seed")
    outreach.catalog().save(published, draft(seeder, "workshop.publish", "WORKSHOP", made.id, at))
    registration = Registration(id=new_id(), practice_id=PRACTICE, workshop_id=made.id, patient_id=patient_id,
                                status="registered", holder=f"patient:{patient_id}", version=1, created_at=at,
                                updated_at=at)
    outreach.book().take_place(registration, draft(seeder, "registration.create", "REGISTRATION", registration.id,
                                                   at, subject_patient_id=patient_id), [])
    return published, registration.id
