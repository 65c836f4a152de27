"""A caller refused on a route hears 403 whatever If-Match it sent: the use case authorizes before it judges the
precondition, so a missing If-Match never turns a refusal into a 428, and a refusal on a patient's data is still
audited against them. Every catalogue route that reads If-Match is walked."""

from typing import Any

from tests.integration.route_walk_support import Route, World, audit_after, audit_head, call, catalogue_routes
from tests.integration.route_walk_support import world_fixture as world_fixture  # noqa: F401 - the fixture

PATIENT_A = "patient"  # patient A's token, aimed at patient B's data
# A caller each route refuses: a role without the right, or patient A on B's data (a refusal audited against B).
REFUSED = {
    "PATCH /patients/{patient_id}": PATIENT_A,
    "PATCH /patients/{patient_id}/coverages/{coverage_id}": PATIENT_A,
    "PATCH /patients/{patient_id}/consents/{consent_id}": PATIENT_A,
    "POST /patients/{patient_id}/consents/{consent_id}/revoke": PATIENT_A,
    "PUT /availability/policy": "billing",
    "PUT /availability/{practitioner_id}": "front_desk",
    "PATCH /practitioners/{practitioner_id}": "front_desk",
    "PUT /appointment-types/{type_id}": "billing",
    "POST /appointments/{appointment_id}/reschedule": "billing",
    "POST /appointments/{appointment_id}/cancel": "billing",
    "POST /appointments/{appointment_id}/confirm": "practitioner",
    "POST /appointments/{appointment_id}/arrive": "billing",
    "POST /appointments/{appointment_id}/in-room": "billing",
    "POST /appointments/{appointment_id}/complete": "billing",
    "POST /appointments/{appointment_id}/no-show": "billing",
    "POST /waitlist/{entry_id}/accept": "billing",
    "POST /waitlist/{entry_id}/decline": "billing",
    "PUT /claims/settings": "front_desk",
    "PUT /charges/fee-schedule": "front_desk",
    "PUT /payers/{payer_id}": "front_desk",
    "POST /claims/{claim_id}/submit": "front_desk",
    "POST /claims/{claim_id}/resolve": "practitioner",
    "PUT /notifications/templates/{key}/{language}": "front_desk",
    "PUT /notifications/preferences/{person}": PATIENT_A,
    "PATCH /staff/{user_id}": "front_desk",
    "DELETE /shifts/{shift_id}": "billing",
    "PUT /coverage/rules/{location_id}": "practitioner",
    "PUT /pto/policy": "front_desk",
    "PATCH /workshops/{workshop_id}": "billing",
    "POST /workshops/{workshop_id}/publish": "billing",
    "POST /workshops/{workshop_id}/unpublish": "billing",
    "POST /workshops/{workshop_id}/cancel": "billing",
    "POST /registrations/{registration_id}/cancel": "billing",
    "PATCH /items/{item_id}": "staff",
    "PATCH /locations/{location_id}": "front_desk",
    "PATCH /suppliers/{supplier_id}": "practitioner",
    "PUT /stock/{item_id}/{location_id}/levels": "staff",
    "PATCH /counts/{count_id}": "billing",
    "POST /counts/{count_id}/post": "staff",
    "PUT /purchase-orders/settings": "staff",
    "POST /purchase-orders/{order_id}/approve": "staff",
    "POST /purchase-orders/{order_id}/reject": "front_desk",
    "POST /purchase-orders/{order_id}/cancel": "practitioner",
    "PATCH /certifications/{certification_id}": "front_desk",  # staff-b's licence: not theirs
    "DELETE /certifications/{certification_id}": "billing",
    "PUT /compliance/settings": "staff",

    "PATCH /training/programmes/{programme_id}": "staff",
}
# Anyone signed in may change their own preferences: nobody is refused there.
NOBODY_REFUSED = {"PUT /notifications/preferences"}


def reads_if_match(route: Route) -> bool:
    return any(str(p["in"]).endswith("header") and p["name"].lower() == "if-match"
               for p in route.operation.get("parameters", []))


def body(world: World, route: Route) -> Any:
    """A valid body (an invalid one is 422 before anyone is asked who the caller is)."""
    if str(route) == "PUT /appointment-types/{type_id}":
        return {"name": "Video visit", "duration_minutes": 30, "mode": "virtual",
                "practitioner_ids": [world.params["practitioner_id"]]}
    if str(route) == "PUT /coverage/rules/{location_id}":
        return {"rules": [{"role": "front_desk", "start": "08:00", "end": "12:00"}]}
    if str(route) == "PUT /pto/policy":
        return {"time_zone": "America/New_York"}
    if str(route) == "PUT /purchase-orders/settings":
        return {"spending_limit_cents": 10000}
    if str(route) == "PATCH /certifications/{certification_id}":
        return {"number": "L-2"}
    return world.body(route)


def test_a_refused_caller_without_if_match_hears_403_on_every_route_that_reads_it(world):
    """One world for the whole walk: a refused call changes nothing. A refusal of patient A aimed at patient B's
    data leaves one entry naming B."""
    routes = [route for route in catalogue_routes() if reads_if_match(route)]
    assert {str(route) for route in routes} == set(REFUSED) | NOBODY_REFUSED  # a new one needs a refused caller
    problems = []
    for route in (r for r in routes if str(r) in REFUSED):
        groups = REFUSED[str(route)]
        before = audit_head()
        response = call(route.method, world.fill(route), groups=groups, sub="user-a",
                        patient=world.patient_a if groups == PATIENT_A else None,
                        query=world.query(route), body=body(world, route))
        if response.status != 403:
            problems.append(f"{route} [{groups}]: {response.status} {response.body['error']['code']}")
            continue
        refusals = [e.get("subject_patient_id") for e in audit_after(before) if e["action"].endswith(".refused")]
        if groups == PATIENT_A and refusals != [world.patient_b]:
            problems.append(f"{route} [{groups}]: refusals audited against {refusals}")
    assert problems == []
