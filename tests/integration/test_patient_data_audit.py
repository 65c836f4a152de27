"""Every catalogue route that names a patient's data leaves exactly one audit entry when it shows that data and
exactly one when it refuses to: the read names whose data it was, and so does the refusal (when the request or
the service knows), without the response saying whether the thing exists."""

import json

import pytest

from functions.core.audit import verify_chain
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tests.integration.route_walk_support import (
    PRACTICE,
    Route,
    audit_after,
    audit_head,
    b_data,
    call,
    catalogue_routes,
)
from tests.integration.route_walk_support import world_fixture as world_fixture  # noqa: F401 - the fixture

pytestmark = pytest.mark.user_pool  # the moto cloud makes the Cognito user pool (tests/conftest.py)

# What names a patient's data in a route, and the entity its refusal is recorded against (path, query or body).
ENTITY = {"patient_id": "PATIENT", "person": "PERSON", "recipient": "PERSON", "coverage_id": "COVERAGE",
          "consent_id": "CONSENT", "appointment_id": "APPOINTMENT", "entry_id": "WAITLIST_ENTRY",
          "charge_id": "CHARGE", "claim_id": "CLAIM", "invoice_id": "INVOICE", "payment_id": "PAYMENT",
          "message_id": "MESSAGE", "source": "SOURCE", "disclosure_id": "DISCLOSURE"}
# Writes whose body names the patient (or a patient's entity): field -> entity
BODY_NAMES = {"POST /appointments": "patient_id", "POST /waitlist": "patient_id", "POST /charges": "patient_id",
              "POST /claims": "charge_id", "POST /invoices": "patient_id", "POST /payments": "invoice_id",
              "POST /messages": "recipient", "POST /messages/care-instructions": "patient_id",
              "POST /registrations": "patient_id", "POST /audit/disclosures": "patient_id",
              "POST /accounts/invitations": "patient_id"}
# The audited read each route that shows a patient's data makes, and the staff group that may make it.
READS = {
    "GET /patients/{patient_id}": ("patient.read", "coordinator"),
    "GET /patients/{patient_id}/fhir": ("patient.export", "coordinator"),
    "GET /patients/{patient_id}/coverages": ("coverage.list", "coordinator"),
    "GET /patients/{patient_id}/consents": ("consent.list", "coordinator"),
    "GET /appointments": ("appointment.list", "coordinator"),
    "GET /appointments/no-shows": ("appointment.no_shows", "coordinator"),
    "GET /appointments/{appointment_id}": ("appointment.read", "coordinator"),
    "GET /appointments/{appointment_id}/fhir": ("appointment.export", "coordinator"),
    "GET /charges/{charge_id}": ("charge.read", "billing"),
    "GET /claims": ("claim.list", "billing"),  # filtered to one patient: their claims were shown
    "GET /claims/{claim_id}": ("claim.read", "billing"),
    "GET /claims/{claim_id}/837": ("claim.file.read", "billing"),
    "GET /invoices": ("invoice.list", "billing"),
    "GET /invoices/statement": ("statement.read", "billing"),
    "GET /invoices/{invoice_id}": ("invoice.read", "billing"),
    "GET /payments/{payment_id}": ("payment.read", "billing"),
    "GET /messages": ("message.list", "coordinator"),
    "GET /messages/{message_id}": ("message.read", "coordinator"),
    "GET /notifications/preferences/{person}": ("preferences.read", "coordinator"),
    "GET /registrations": ("registration.list", "coordinator"),  # a patient's workshop registrations
    "GET /audit/patients/{patient_id}": ("audit.patient.read", "privacy_officer"),  # who saw B's record
    "GET /audit/patients/{patient_id}/disclosures": ("disclosure.accounting", "privacy_officer"),
    "GET /audit/patients/{patient_id}/disclosures/{disclosure_id}": ("disclosure.read", "privacy_officer"),
    # the slot search only hides the times the patient is booked: no entry (see the note in the report)
    "GET /slots": (None, "coordinator"),
}
# Reads across many patients: one entry each, with no one subject.
REPORTS = {
    "GET /reports/ar-aging": "billing.report.ar_aging",
    "GET /waitlist": "waitlist.list",
}


def names_a_patient(route: Route, sent_query: list[str] | None = None) -> str | None:
    """The most specific parameter naming a patient's data: path (last), then query, then body."""
    in_path = [p for p in route.path_params if p in ENTITY]
    if in_path:
        return in_path[-1]
    in_query = [p for p in (route.query_params if sent_query is None else sent_query) if p in ENTITY]
    if in_query:
        return in_query[-1]
    return BODY_NAMES.get(str(route))


def only_new_entry(before: int, what: str) -> dict:
    entries = audit_after(before)
    assert len(entries) == 1, (what, [e["action"] for e in entries])
    return entries[0]


def test_every_route_that_names_a_patient_is_walked():
    named = {str(r) for r in catalogue_routes() if not r.public and names_a_patient(r)}
    reads = {r for r in named if r.startswith("GET ")}
    assert reads == set(READS), "a new read of a patient's data: say which audit entry it leaves"
    assert len(named) >= 45


def test_each_read_of_a_patients_data_leaves_one_entry_naming_them(world):
    routes = {str(r): r for r in catalogue_routes()}
    for name, (action, groups) in READS.items():
        route = routes[name]
        before = audit_head()
        response = call("GET", world.fill(route), groups=groups, sub="staff-1", query=world.query(route))
        assert response.status == 200, (name, response.body)
        if action is None:
            assert audit_after(before) == [], name
            continue
        entry = only_new_entry(before, name)
        assert (entry["action"], entry["actor"], entry.get("subject_patient_id")) == (action, "staff-1",
                                                                                  world.patient_b), name
    for name, action in REPORTS.items():
        route = routes[name]
        before = audit_head()
        response = call("GET", world.fill(route), groups="billing" if "waitlist" not in name else "coordinator",
                        query=world.query(route))
        assert response.status == 200, (name, response.body)
        entry = only_new_entry(before, name)
        assert entry["action"] == action and entry.get("subject_patient_id") is None, name


def test_each_refusal_on_a_patients_data_leaves_one_entry(world):
    """Patient A aims every such route at B's data: each is refused, and each refusal is in the trail (and in
    B's "who looked at my record", where the request or the service knew it was B's)."""
    b = world.patient_b
    for route in catalogue_routes():
        parameter = None if route.public else names_a_patient(route, list(world.query(route)))
        if parameter is None:
            continue
        before = audit_head()
        response = call(route.method, world.fill(route), groups="patient", patient=world.patient_a, sub="user-a",
                        query=world.query(route), body=world.body(route), headers=world.headers(route))
        assert response.status in (403, 404), (str(route), response.status, response.body)
        assert b not in response.text and not world.leaks(response.text), str(route)
        entry = only_new_entry(before, str(route))
        verb = "read" if route.method == "GET" else "change"
        entity = ENTITY[parameter]
        assert entry["action"] == f"{entity.lower()}.{verb}.refused", (str(route), entry["action"])
        assert (entry["entity"], entry["actor"], entry["role"]) == (entity, "user-a", "patient"), str(route)
        named_directly = parameter in ("patient_id", "person", "recipient")
        if named_directly or response.status == 404:
            assert entry.get("subject_patient_id") == b, (str(route), entry)
        else:  # refused by role before anything was read: only the entity's id is known
            assert entry.get("subject_patient_id") in (None, b), (str(route), entry)
            assert entry["entity_id"] == world.params[parameter], (str(route), entry)
    trail = list(AuditStore(Table()).entries(PRACTICE))
    assert verify_chain(trail, AuditStore(Table()).head(PRACTICE)).intact
    assert "Hopper" not in json.dumps(trail) and "Lovelace" not in json.dumps(trail)


def test_a_refusal_does_not_say_whether_the_thing_exists(world):
    """Another patient's appointment and one that never was: the same 404, each audited once."""
    other = call("GET", f"/appointments/{world.params['appointment_id']}", groups="patient",
                 patient=world.patient_a)
    before = audit_head()
    missing = call("GET", "/appointments/01NOSUCHAPPOINTMENT0000000", groups="patient", patient=world.patient_a)
    assert (other.status, other.body) == (missing.status, missing.body) == (404, missing.body)
    entry = only_new_entry(before, "missing")
    assert (entry["action"], entry.get("subject_patient_id")) == ("appointment.read.refused", None)
    of_b = AuditStore(Table()).about_patient(PRACTICE, world.patient_b, "2026", "2026", 50).entries
    assert "appointment.read.refused" in {e.action for e in of_b}


def test_the_privacy_officer_on_every_route_is_refused_or_served_and_each_refusal_is_audited(world):
    """The privacy officer's role reaches the audit views and compliance (and their own inbox and preferences),
    not the practice's other work: there it is a 403 that leaves one entry naming them (wherever the route points,
    a patient's data or not), shows nothing of B's and changes nothing. (Other 4xx: a body the world has no valid
    one for, the officer's own staff profile or inbox message that does not exist.)"""
    before_data = b_data(world)
    served, problems = [], []
    for route in catalogue_routes():
        if route.public:
            continue
        before = audit_head()
        response = call(route.method, world.fill(route), groups="privacy_officer", sub="po-1",
                        query=world.query(route), body=world.body(route), headers=world.headers(route))
        if response.status == 403:
            written = audit_after(before)
            if [(e["actor"], e["role"], e["action"].endswith(".refused"), e["route"]) for e in written] != [
                    ("po-1", "privacy_officer", True, str(route))]:
                problems.append(f"{route}: {[e['action'] for e in written]}")
        elif response.status < 300:
            served.append(str(route))
        elif response.status >= 500:
            problems.append(f"{route}: {response.status} {response.text[:160]}")
    assert problems == [], "\n".join(problems)
    assert {r.split(" ")[1].split("/")[1] for r in served} <= {"audit", "training", "policies", "certifications",
                                                                "compliance", "notifications", "inbox"}, served
    after = b_data(world)  # only the disclosure the officer recorded of B (POST /audit/disclosures) is new
    assert {key: item for key, item in after.items() if "#DISCLOSURES#" not in key[0]} == {
        key: item for key, item in before_data.items() if "#DISCLOSURES#" not in key[0]}
    assert len(after) == len(before_data) + 1 and "POST /audit/disclosures" in served
