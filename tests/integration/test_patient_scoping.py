"""A token that carries the patient group is a patient on every route, whatever other groups it carries: every
route of every catalogue API function, called with [patient, <staff group>] tokens bound to patient A and aimed
at patient B's data, answers as it answers a patient-only token, shows nothing of B's and changes nothing of B's."""

from tests.integration.route_walk_support import MIXED_GROUPS, b_data, call, catalogue_routes
from tests.integration.route_walk_support import world_fixture as world_fixture  # noqa: F401 - the fixture

# A patient's own preferences: the patient-only call creates them, so the same unversioned body is then stale (409).
OWN_VERSIONED = {"PUT /notifications/preferences"}


def test_a_token_with_the_patient_group_reaches_no_other_patients_data_on_any_route(world):
    routes = [r for r in catalogue_routes() if not r.public]
    assert len(routes) >= 85  # every route of every area, not a sample
    before = b_data(world)
    assert len(before) > 10
    problems = []
    for route in routes:
        path, query, body, headers = world.fill(route), world.query(route), world.body(route), world.headers(route)
        alone = call(route.method, path, groups="patient", patient=world.patient_a, sub="user-a", query=query,
                     body=body, headers=headers)
        if alone.status < 300 and world.leaks(alone.text):
            problems.append(f"{route}: a patient-only token sees B's data")
        for groups in MIXED_GROUPS:
            mixed = call(route.method, path, groups=groups, patient=world.patient_a, sub="user-a", query=query,
                         body=body, headers=headers)
            if mixed.status < 300 and world.leaks(mixed.text):
                problems.append(f"{route} [{groups}]: {mixed.status} with B's data")
            elif mixed.status != alone.status and str(route) not in OWN_VERSIONED:
                problems.append(f"{route} [{groups}]: {mixed.status}, but {alone.status} for a patient-only token")
    assert problems == []
    assert b_data(world) == before, "a request aimed at B changed B's data"
