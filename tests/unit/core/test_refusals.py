"""The one scoping rule (core.authz) and the audit entry a refused request leaves."""

from functions.core.auth import Caller, Role
from functions.core.authz import may, patient
from functions.core.errors import Forbidden, Invalid, NotFound
from functions.core.refusals import refusal

PATIENT = Caller(user_id="u-a", practice_id="p", roles=frozenset({Role.PATIENT}), patient_id="pat-a")
BILLER = Caller(user_id="u-b", practice_id="p", roles=frozenset({Role.BILLING}))
AT = "2026-03-02T14:00:00.000Z"


def test_a_patient_reaches_their_own_data_only_and_staff_only_with_their_role():
    assert may(PATIENT, "billing.invoice.list", patient("pat-a"))
    assert not may(PATIENT, "billing.invoice.list", patient("pat-b"))
    assert not may(PATIENT, "billing.invoice.list", patient(None))
    assert may(BILLER, "billing.invoice.list", patient("pat-b"))
    assert not may(BILLER, "records.patient.update", patient("pat-b"))


def test_a_caller_holding_the_patient_role_is_scoped_as_a_patient_even_with_a_staff_role():
    both = Caller(user_id="u", practice_id="p", roles=frozenset({Role.PATIENT, Role.BILLING}), patient_id="pat-a")
    assert not may(both, "billing.invoice.list", patient("pat-b"))


def test_a_refused_read_of_a_named_patient_names_them():
    entry = refusal(PATIENT, Forbidden("no"), "GET", {"patient_id": "pat-b"}, {}, None, AT)
    assert (entry.action, entry.entity, entry.entity_id, entry.subject_patient_id) == (
        "patient.read.refused", "PATIENT", "pat-b", "pat-b")
    assert (entry.actor, entry.role) == ("u-a", "patient")


def test_the_most_specific_thing_named_is_the_entity_and_the_service_knows_whose_it_was():
    entry = refusal(PATIENT, NotFound("no", subject_patient_id="pat-b"), "POST",
                    {"appointment_id": "appt-1"}, {}, {"version": 1}, AT)
    assert (entry.action, entry.entity_id, entry.subject_patient_id) == ("appointment.change.refused", "appt-1",
                                                                         "pat-b")
    consent = refusal(PATIENT, Forbidden("no"), "PATCH", {"patient_id": "pat-b", "consent_id": "c-1"}, {}, {}, AT)
    assert (consent.entity, consent.entity_id, consent.subject_patient_id) == ("CONSENT", "c-1", "pat-b")


def test_query_and_body_name_patients_too():
    by_query = refusal(PATIENT, Forbidden("no"), "GET", {}, {"patient_id": "pat-b"}, None, AT)
    assert by_query.subject_patient_id == "pat-b"
    by_ref = refusal(PATIENT, Forbidden("no"), "GET", {}, {"recipient": "family:pat-b:m-1"}, None, AT)
    assert (by_ref.entity, by_ref.entity_id, by_ref.subject_patient_id) == ("PERSON", "family:pat-b:m-1", "pat-b")
    by_body = refusal(PATIENT, Forbidden("no"), "POST", {}, {},
                      {"recipient": {"kind": "patient", "patient_id": "pat-b"}, "template": "x"}, AT)
    assert by_body.subject_patient_id == "pat-b"


def test_a_404_that_names_no_patient_and_what_is_not_a_refusal_leave_nothing():
    assert refusal(PATIENT, NotFound("no"), "GET", {"practitioner_id": "dr-1"}, {}, None, AT) is None
    assert refusal(PATIENT, NotFound("no"), "GET", {"person": "staff:u-9"}, {}, None, AT) is None
    assert refusal(PATIENT, Invalid("bad"), "GET", {"patient_id": "pat-b"}, {}, None, AT) is None


def test_every_403_is_an_entry_naming_the_thing_the_path_names():
    entry = refusal(BILLER, Forbidden("no"), "PATCH", {"practitioner_id": "dr-1"}, {}, {"name": "x"}, AT)
    assert (entry.action, entry.entity, entry.entity_id, entry.subject_patient_id) == (
        "practitioner.change.refused", "PRACTITIONER", "dr-1", None)
    assert (entry.actor, entry.role) == ("u-b", "billing")
    nested = refusal(BILLER, Forbidden("no"), "GET", {"item_id": "gloves", "location_id": "main"}, {}, None, AT)
    assert (nested.action, nested.entity, nested.entity_id) == ("location.read.refused", "LOCATION", "main")


def test_a_403_on_a_route_naming_nothing_names_the_route_and_its_mount():
    on_route = Caller(user_id="u-b", practice_id="p", roles=frozenset({Role.BILLING}), route="POST /staff/shifts")
    entry = refusal(on_route, Forbidden("no"), "POST", {}, {}, {"user_id": "x"}, AT)
    assert (entry.action, entry.entity, entry.entity_id, entry.route) == (
        "route.change.refused", "ROUTE", "staff", "POST /staff/shifts")
    staff_person = refusal(on_route, Forbidden("no"), "GET", {"person": "staff:u-9"}, {}, None, AT)
    assert (staff_person.entity, staff_person.entity_id) == ("ROUTE", "staff")
    assert refusal(BILLER, Forbidden("no"), "GET", {"user_id": "a#b"}, {}, None, AT).entity_id == "-"


def test_a_malformed_id_is_not_written_into_the_trail():
    assert refusal(PATIENT, NotFound("no"), "GET", {"patient_id": "a#b"}, {}, None, AT) is None
    forbidden = refusal(PATIENT, Forbidden("no", subject_patient_id="x#y"), "GET", {"patient_id": "a#b"}, {}, None, AT)
    assert "#" not in forbidden.model_dump_json()
    entry = refusal(PATIENT, NotFound("no", subject_patient_id="x#y"), "GET", {"claim_id": "c-1"}, {}, None, AT)
    assert entry.subject_patient_id is None
