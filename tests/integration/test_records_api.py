"""The records API end to end on moto: the Lambda handler called with API Gateway proxy events."""

import io
import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from functions.core.audit import verify_chain
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.errors import PreconditionFailed
from functions.core.keys import collection_pk
from functions.core.table import Table
from functions.records.dynamo import DynamoPatientRecords
from functions.records.models.patients import PatientIn, PatientPatch
from functions.records.patients import Patients
from tests.support import api_event, api_url, claims, if_match, response_headers
from tests.support import race as shared_race

PRACTICE = "practice-a"
OTHER_PRACTICE = "practice-b"
ADA = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
       "phone": "+442079460000", "email": "ada@example.org", "time_zone": "Europe/London", "language": "en-GB",
       "address": {"lines": ["12 St James's Square"], "city": "London", "country": "GB"},
       "contacts": [{"name": "Mary Somerville", "relationship": "friend", "phone": "+442079460001"}],
       "family": [{"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent", "is_proxy": True}],
       "care_team": [{"user_id": "dr-1", "role": "primary_practitioner"}]}


class Api:
    """Calls the records handler as API Gateway would, as a given user."""

    def __init__(self, context) -> None:
        from functions.records.handler import handler

        self.handler = handler
        self.context = context

    def __call__(self, method: str, path: str, *, role: str = "coordinator", practice: str = PRACTICE,
                 patient: str | None = None, sub: str = "user-1", **kwargs: Any) -> tuple[int, Any]:
        event = api_event(method, path, claims=claims(role=role, practice=practice, sub=sub, patient=patient),
                          **kwargs)
        response = self.handler(event, self.context)
        self.headers = response_headers(response)
        body = response.get("body")
        return response["statusCode"], (json.loads(body) if body else None)


@pytest.fixture
def api(cloud, lambda_context) -> Api:
    return Api(lambda_context)  # each fresh moto is a cold start: the cloud fixture resets the container


def item_count() -> int:
    table = Table()
    return table.dynamodb.scan(TableName=table.name, Select="COUNT")["Count"]  # tests only: never on a request path


def audit_head(practice: str = PRACTICE) -> int:
    return AuditStore(Table()).head(practice)[0]


def audit_entries(practice: str = PRACTICE) -> list[dict]:
    return list(AuditStore(Table()).entries(practice))


def create(api: Api, **overrides) -> dict:
    status, body = api("POST", "/patients", body={**ADA, **overrides})
    assert status == 201, body
    return body


# --- the happy path ---------------------------------------------------------------------------------

def test_create_read_update_and_soft_delete(api):
    created = create(api)
    assert created["version"] == 1 and created["family"][0]["id"]
    status, read = api("GET", f"/patients/{created['id']}", role="practitioner")
    assert status == 200 and read == created

    status, updated = api("PATCH", f"/patients/{created['id']}",
                          headers=if_match(1), body={"preferred_name": "Countess", "phone": "+442079460009"})
    assert status == 200 and updated["version"] == 2 and updated["preferred_name"] == "Countess"
    assert api("GET", "/patients", query={"phone": "+442079460000"})[1]["patients"] == []
    assert [p["id"] for p in api("GET", "/patients", query={"phone": "+442079460009"})[1]["patients"]] == [
        created["id"]]

    status, body = api("DELETE", f"/patients/{created['id']}", role="front_desk")
    assert status == 403
    assert api("DELETE", f"/patients/{created['id']}")[0] == 204
    assert api("GET", f"/patients/{created['id']}")[0] == 404
    assert api("PATCH", f"/patients/{created['id']}", headers=if_match(3), body={"preferred_name": "X"})[0] == 404
    assert api("DELETE", f"/patients/{created['id']}")[0] == 404
    for query in ({"family": "love"}, {"birth_date": "1990-12-10"}, {"phone": "+442079460009"}):
        assert api("GET", "/patients", query=query)[1]["patients"] == []


def test_search_by_name_birth_date_and_phone(api):
    ada = create(api)
    create(api, given_name="Byron", family_name="Lovelace-King", birth_date="1970-01-01", phone="+442079460005")
    create(api, given_name="Charles", family_name="Babbage", birth_date="1971-12-26", phone=None)
    names = lambda query: [p["given_name"] for p in api("GET", "/patients", query=query, role="billing")[1]["patients"]]  # noqa: E731
    assert names({"family": "LOVE"}) == ["Ada", "Byron"]
    assert names({"family": "lovelace", "given": "a"}) == ["Ada"]
    assert names({"family": "lovelace king"}) == ["Byron"]
    assert names({"birth_date": "1990-12-10"}) == ["Ada"]
    assert names({"phone": ADA["phone"]}) == ["Ada"]
    assert names({"family": "turing"}) == []
    assert api("GET", "/patients", query={"given": "ada"})[0] == 422
    assert api("GET", "/patients", query={"family": "x", "phone": ADA["phone"]})[0] == 422
    assert api("GET", "/patients", query={"birth_date": "10/12/1990"})[0] == 422
    assert api("GET", "/patients", query={"family": "l", "limit": "1000"})[0] == 422
    assert ada["id"]


def test_search_lists_only_what_is_needed_to_pick_a_patient(api):
    create(api)
    [found] = api("GET", "/patients", query={"family": "lovelace"})[1]["patients"]
    assert set(found) == {"id", "given_name", "family_name", "preferred_name", "birth_date", "gender", "phone"}


def test_search_pages_through_every_match_once(api):
    ids = {create(api, given_name=f"Given{n}")["id"] for n in range(7)}
    create(api, family_name="Other")
    for query in ({"family": "lovelace"}, {"birth_date": ADA["birth_date"]}, {"phone": ADA["phone"]}):
        seen, token, pages = [], None, 0
        while True:
            status, page = api("GET", "/patients", query={**query, "limit": "3",
                                                          **({"page_token": token} if token else {})})
            assert status == 200
            seen += [p["id"] for p in page["patients"]]
            pages += 1
            token = page["next_page_token"]
            if not token:
                break
        if query.get("family"):
            assert set(seen) == ids and len(seen) == 7 and pages == 3
        else:
            assert ids <= set(seen) and len(seen) == len(set(seen)) == 8


def test_page_tokens_cannot_be_forged_or_carried_to_another_practice_or_search(api):
    for n in range(3):
        create(api, given_name=f"G{n}")
    token = api("GET", "/patients", query={"family": "lovelace", "limit": "1"})[1]["next_page_token"]
    assert token and "lovelace" not in token.lower()
    payload, _, signature = token.partition(".")
    forged = ("x" if payload[0] != "x" else "y") + payload[1:] + "." + signature
    for query, practice in (({"family": "lovelace", "page_token": forged}, PRACTICE),
                            ({"family": "lovelace", "page_token": token}, OTHER_PRACTICE),
                            ({"family": "lovelac", "page_token": token}, PRACTICE),
                            ({"birth_date": ADA["birth_date"], "page_token": token}, PRACTICE),
                            ({"family": "lovelace", "page_token": "garbage"}, PRACTICE)):
        status, body = api("GET", "/patients", query={**query, "limit": "1"}, practice=practice)
        assert status == 422 and body["error"]["code"] == "invalid_page_token", (query, practice)


# --- tenants, roles and patients -------------------------------------------------------------------

def test_another_practices_patient_is_not_found(api):
    created = create(api)
    path = f"/patients/{created['id']}"
    for method, suffix, body in (("GET", "", None), ("PATCH", "", {"preferred_name": "X"}),
                                 ("DELETE", "", None), ("GET", "/fhir", None), ("GET", "/coverages", None),
                                 ("GET", "/consents", None), ("POST", "/consents", {"kind": "treatment"})):
        status, response = api(method, path + suffix, practice=OTHER_PRACTICE, body=body, headers=if_match(1))
        assert status == 404, (method, suffix)
        assert response["error"]["code"] == "patient_not_found"
    assert api("GET", "/patients", query={"family": "lovelace"}, practice=OTHER_PRACTICE)[1]["patients"] == []
    assert api("GET", path)[1]["version"] == 1


def test_a_patient_reads_only_their_own_record(api):
    ada = create(api)
    other = create(api, given_name="Grace", family_name="Hopper")
    as_ada = {"role": "patient", "patient": ada["id"], "sub": "ada-user"}
    assert api("GET", f"/patients/{ada['id']}", **as_ada)[0] == 200
    assert api("GET", f"/patients/{ada['id']}/fhir", **as_ada)[0] == 200
    assert api("GET", f"/patients/{ada['id']}/consents", **as_ada)[0] == 200
    for path in (f"/patients/{other['id']}", f"/patients/{other['id']}/fhir", f"/patients/{other['id']}/coverages"):
        status, body = api("GET", path, **as_ada)
        assert status == 403 and body["error"]["code"] == "forbidden"
    assert api("GET", "/patients", query={"family": "hopper"}, **as_ada)[0] == 403
    assert api("PATCH", f"/patients/{ada['id']}", headers=if_match(1), body={"preferred_name": "A"},
               **as_ada)[0] == 403
    # a patient may record and withdraw their own consent
    status, consent = api("POST", f"/patients/{ada['id']}/consents", body={"kind": "communication",
                                                                            "channels": ["sms"]}, **as_ada)
    assert status == 201 and consent["recorded_by"] == "ada-user"
    assert api("POST", f"/patients/{other['id']}/consents", body={"kind": "treatment"}, **as_ada)[0] == 403


@pytest.mark.parametrize(("role", "method", "expected"), [
    ("billing", "read", 200), ("practitioner", "read", 200), ("front_desk", "read", 200), ("staff", "read", 403),
    ("billing", "create", 403), ("practitioner", "create", 403), ("front_desk", "create", 201),
    ("staff", "create", 403), ("patient", "create", 403),
])
def test_roles(api, role, method, expected):
    created = create(api)
    kwargs = {"patient": "01J0000000000000000000NOPE"} if role == "patient" else {}
    if method == "read":
        status, _ = api("GET", f"/patients/{created['id']}", role=role, **kwargs)
    else:
        status, _ = api("POST", "/patients", body=ADA, role=role, **kwargs)
    assert status == expected


def test_unsigned_in_callers_are_refused(api, lambda_context):
    from functions.records.handler import handler

    response = handler(api_event("GET", "/patients", query={"family": "x"}), lambda_context)
    assert response["statusCode"] == 401


# --- bad input changes nothing ---------------------------------------------------------------------

@pytest.mark.parametrize(("name", "request_kwargs", "expected"), [
    ("malformed json", {"raw_body": '{"given_name": "Ada", '}, 422),
    ("not an object", {"raw_body": "[1, 2, 3]"}, 422),
    ("wrong type", {"body": {**ADA, "birth_date": 19901210}}, 422),
    ("bad phone", {"body": {**ADA, "phone": "020 7946 0000"}}, 422),
    ("bad time zone", {"body": {**ADA, "time_zone": "London"}}, 422),
    ("unknown field", {"body": {**ADA, "ssn": "123-45-6789"}}, 422),
    ("unknown nested field", {"body": {**ADA, "address": {**ADA["address"], "floor": 2}}}, 422),
    ("too long", {"body": {**ADA, "given_name": "A" * 101}}, 422),
    ("empty body", {"raw_body": ""}, 422),
    ("body not UTF-8", {"binary_body": b'{"given_name": "\xff\xfe"}'}, 422),
    ("huge body", {"raw_body": json.dumps({**ADA, "preferred_name": "A" * 70_000})}, 413),
    ("bad idempotency key", {"body": ADA, "headers": {"Idempotency-Key": "no"}}, 422),
])
def test_bad_create_requests_are_4xx_with_the_error_shape_and_write_nothing(api, name, request_kwargs, expected):
    before_items, before_head = item_count(), audit_head()
    status, body = api("POST", "/patients", **request_kwargs)
    assert status == expected, body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert "Ada" not in json.dumps(body) and "Lovelace" not in json.dumps(body)
    assert (item_count(), audit_head()) == (before_items, before_head)


@pytest.mark.parametrize(("headers", "body", "expected"), [
    ({}, {"preferred_name": "no If-Match"}, 428), (if_match(1), {"family_name": None}, 422),
    ({"If-Match": "one"}, {"preferred_name": "X"}, 412), (if_match(2), {"preferred_name": "X"}, 412),
    ({"If-Match": "*"}, {"preferred_name": "X"}, 428), (if_match(1), {"version": 1, "preferred_name": "X"}, 422),
    (if_match(1), {"favourite_colour": "blue"}, 422), (if_match(1), {"phone": "12345"}, 422), (if_match(1), {}, 422),
])
def test_bad_updates_are_4xx_and_write_nothing(api, headers, body, expected):
    created = create(api)
    before_items, before_head = item_count(), audit_head()
    status, response = api("PATCH", f"/patients/{created['id']}", body=body, headers=headers)
    assert status == expected and set(response["error"]) == {"code", "message", "details"}
    assert (item_count(), audit_head()) == (before_items, before_head)
    assert api("GET", f"/patients/{created['id']}")[1]["version"] == 1


@pytest.mark.parametrize("patient_id", ["bad%23id", "x" * 65, "a.b"])
def test_a_malformed_patient_id_is_refused_without_touching_the_table(api, patient_id):
    before = audit_head()
    status, body = api("GET", f"/patients/{patient_id}")
    assert status == 422 and body["error"]["code"] in ("invalid_identifier", "validation_failed")
    assert audit_head() == before


# --- idempotency and concurrency -------------------------------------------------------------------

def test_a_retried_create_with_the_same_key_returns_the_same_patient_and_creates_one(api):
    headers = {"Idempotency-Key": "front-desk-7f3a9c21"}
    status, first = api("POST", "/patients", body=ADA, headers=headers)
    assert status == 201
    status, again = api("POST", "/patients", body=ADA, headers={"idempotency-key": "front-desk-7f3a9c21"})
    assert status == 201 and again == first
    assert [p["id"] for p in api("GET", "/patients", query={"family": "lovelace"})[1]["patients"]] == [first["id"]]
    status, body = api("POST", "/patients", body={**ADA, "given_name": "Augusta"}, headers=headers)
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    status, other = api("POST", "/patients", body=ADA, headers={"Idempotency-Key": "front-desk-00000002"})
    assert status == 201 and other["id"] != first["id"]


def container() -> Patients:
    """The patients use case wired like a separate Lambda container: its own table handle and audit head cache."""
    table = Table()
    audit = AuditStore(table)
    return Patients(DynamoPatientRecords(table, audit), audit)


def caller() -> Caller:
    return Caller(user_id="user-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="r")


def race(work, n: int = 6) -> tuple[list, list]:
    return shared_race(container, work, n)


def test_concurrent_updates_with_the_same_version_exactly_one_wins(api):
    created = create(api)
    results, errors = race(lambda patients, i: patients.update(
        caller(), created["id"], PatientPatch(preferred_name=f"Name{i}"), lambda: 1))
    assert len(results) == 1
    assert len(errors) == 5 and all(isinstance(e, PreconditionFailed) for e in errors)
    final = api("GET", f"/patients/{created['id']}")[1]
    assert final["version"] == 2 and final["preferred_name"] == results[0].preferred_name
    assert verify_chain(audit_entries(), AuditStore(Table()).head(PRACTICE)).intact
    # and through the API: the second PATCH with the ETag both read is a 412
    assert api("PATCH", f"/patients/{created['id']}", headers=if_match(2), body={"preferred_name": "A"})[0] == 200
    status, body = api("PATCH", f"/patients/{created['id']}", headers=if_match(2), body={"preferred_name": "B"})
    assert status == 412 and body["error"]["code"] == "precondition_failed"


def test_concurrent_retries_of_one_create_make_one_patient(api):
    body = PatientIn(**ADA)
    results, errors = race(lambda patients, _: patients.register(caller(), body, "retry-key-0001"), n=4)
    assert errors == []
    assert len({r.id for r in results}) == 1
    assert len(api("GET", "/patients", query={"family": "lovelace"})[1]["patients"]) == 1


# --- coverage, consent, FHIR -----------------------------------------------------------------------

COVERAGE = {"payer_id": "60054", "payer_name": "Aetna", "member_id": "W123456789", "group_number": "G-77",
            "plan_name": "Gold PPO", "rank": "primary", "period_start": "2026-01-01"}


def test_coverage_and_consent_live_under_the_patient_and_come_back_in_one_read(api):
    ada = create(api)
    base = f"/patients/{ada['id']}"
    status, coverage = api("POST", f"{base}/coverages", body=COVERAGE, headers={"Idempotency-Key": "coverage-0001"})
    assert status == 201 and coverage["version"] == 1
    assert api("POST", f"{base}/coverages", body=COVERAGE, headers={"Idempotency-Key": "coverage-0001"})[1] == coverage
    status, body = api("POST", f"{base}/coverages", body={**COVERAGE, "period_start": "2026-05-01"})
    assert status == 409 and body["error"]["code"] == "coverage_overlap"
    status, changed = api("PATCH", f"{base}/coverages/{coverage['id']}",
                          headers=if_match(1), body={"period_end": "2026-04-30"})
    assert status == 200 and changed["period_end"] == "2026-04-30" and changed["version"] == 2
    assert api("POST", f"{base}/coverages", body={**COVERAGE, "period_start": "2026-05-01"})[0] == 201
    assert api("PATCH", f"{base}/coverages/01J0000000000000000000NOPE", headers=if_match(1),
               body={"member_id": "X"})[0] == 404

    member = ada["family"][0]["id"]
    status, sharing = api("POST", f"{base}/consents", body={"kind": "data_sharing", "shares_with": [member]})
    assert status == 201 and sharing["status"] == "active"
    status, body = api("POST", f"{base}/consents", body={"kind": "data_sharing",
                                                          "shares_with": ["01J00000000000000000000000"]})
    assert status == 422 and body["error"]["code"] == "unknown_family_member"
    status, comms = api("POST", f"{base}/consents", body={"kind": "communication", "channels": ["sms", "email"]})
    assert status == 201
    status, comms = api("PATCH", f"{base}/consents/{comms['id']}", headers=if_match(1),
                        body={"channels": ["in_app"]})
    assert status == 200 and comms["channels"] == ["in_app"]
    status, body = api("PATCH", f"{base}/patients", headers=if_match(1))
    assert status == 404
    status, revoked = api("POST", f"{base}/consents/{sharing['id']}/revoke", headers=if_match(1))
    assert status == 200 and revoked["status"] == "revoked" and revoked["revoked_at"]
    assert api("POST", f"{base}/consents/{sharing['id']}/revoke", headers=if_match(2))[0] == 409  # revoked

    status, record = api("GET", base, role="billing")
    assert status == 200 and len(record["coverages"]) == 2 and len(record["consents"]) == 2
    assert api("GET", f"{base}/coverages")[1]["coverages"] == record["coverages"]
    assert api("GET", f"{base}/consents")[1]["consents"] == record["consents"]

    assert api("DELETE", base)[0] == 204
    assert api("POST", f"{base}/coverages", body={**COVERAGE, "rank": "secondary"})[0] == 404


def test_fhir_export_is_a_valid_r4_bundle(api, lambda_context):
    ada = create(api)
    base = f"/patients/{ada['id']}"
    api("POST", f"{base}/coverages", body=COVERAGE)
    api("POST", f"{base}/consents", body={"kind": "treatment"})
    from functions.records.handler import handler

    response = handler(api_event("GET", f"{base}/fhir", claims=claims(role="practitioner", practice=PRACTICE)),
                       lambda_context)
    assert response["statusCode"] == 200
    assert response["multiValueHeaders"]["Content-Type"] == ["application/fhir+json"]
    bundle = json.loads(response["body"])
    assert Bundle.model_validate(bundle).type == "collection"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "RelatedPerson", "Coverage",
                                                                        "Consent"]


# --- the audit trail, events and logs --------------------------------------------------------------

def test_every_read_and_write_appends_exactly_one_audit_entry_and_the_chain_verifies(api):
    steps = []

    def step(expected_action: str, *args, **kwargs):
        before = audit_head()
        status, body = api(*args, **kwargs)
        assert status < 300, body
        assert audit_head() == before + 1, expected_action
        steps.append(expected_action)
        return body

    ada = step("patient.create", "POST", "/patients", body=ADA, headers={"Idempotency-Key": "audit-test-0001"})
    base = f"/patients/{ada['id']}"
    step("patient.create.replayed", "POST", "/patients", body=ADA, headers={"Idempotency-Key": "audit-test-0001"})
    step("patient.read", "GET", base)
    step("patient.update", "PATCH", base, headers=if_match(1), body={"preferred_name": "Countess"})
    step("patient.search", "GET", "/patients", query={"family": "love"})
    step("patient.search", "GET", "/patients", query={"birth_date": ADA["birth_date"]})
    coverage = step("coverage.create", "POST", f"{base}/coverages", body=COVERAGE)
    step("coverage.update", "PATCH", f"{base}/coverages/{coverage['id']}", headers=if_match(1),
         body={"plan_name": "Silver"})
    step("coverage.list", "GET", f"{base}/coverages")
    consent = step("consent.grant", "POST", f"{base}/consents", body={"kind": "treatment"})
    step("consent.list", "GET", f"{base}/consents")
    step("consent.revoke", "POST", f"{base}/consents/{consent['id']}/revoke", headers=if_match(1))
    step("patient.export", "GET", f"{base}/fhir")
    step("patient.delete", "DELETE", base)

    # a refused look at the record leaves one entry too, naming whose record it was
    before = audit_head()
    assert api("GET", base)[0] == 404
    steps.append("patient.read.refused")
    assert api("GET", base, role="staff")[0] == 403
    steps.append("patient.read.refused")
    assert audit_head() == before + 2

    entries = audit_entries()
    assert [e["action"] for e in entries] == steps
    assert verify_chain(entries, AuditStore(Table()).head(PRACTICE)).intact
    for entry in entries:
        text = json.dumps(entry)
        assert "Ada" not in text and "Lovelace" not in text and ADA["phone"] not in text
        if entry["action"] != "patient.search":
            assert entry["subject_patient_id"] == ada["id"]
    # who saw or changed my record: the patient's own audit index
    of_ada = AuditStore(Table()).about_patient(PRACTICE, ada["id"], "2000", "2199", 100).entries
    assert len(of_ada) == len(steps) - 2  # every step but the two searches


def test_writes_emit_domain_events_with_ids_only(api):
    ada = create(api)
    api("PATCH", f"/patients/{ada['id']}", headers=if_match(1), body={"email": "countess@example.org"})
    api("POST", f"/patients/{ada['id']}/consents", body={"kind": "communication", "channels": ["email"]})
    api("DELETE", f"/patients/{ada['id']}")
    outbox = Table().query(collection_pk(PRACTICE, "OUTBOX"), consistent=True).items
    events = sorted((item["event"] for item in outbox), key=lambda e: e["id"])
    assert [e["type"] for e in events] == ["records.patient.created", "records.patient.updated",
                                           "records.consent.granted", "records.patient.deleted"]
    text = json.dumps(events)
    assert "Lovelace" not in text and "example.org" not in text and ADA["phone"] not in text


@pytest.fixture
def log_lines(monkeypatch, capsys):
    """What the Powertools logger writes. Its handler keeps the stdout it found at import, which capsys does
    not replace, so point that handler at a buffer for the test and read stdout too."""
    from functions.core.observability import logger

    buffer = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", buffer)

    def read() -> str:
        out, err = capsys.readouterr()
        return buffer.getvalue() + out + err

    return read


def test_no_log_line_holds_the_patients_name(api, log_lines):
    ada = create(api)
    api("GET", f"/patients/{ada['id']}")
    api("PATCH", f"/patients/{ada['id']}", headers=if_match(1), body={"preferred_name": "Countess"})
    api("PATCH", f"/patients/{ada['id']}", headers=if_match(1), body={"preferred_name": "Countess"})  # 412
    api("GET", "/patients", query={"family": "Lovelace"})
    api("POST", "/patients", body={**ADA, "birth_date": "not a date"})  # 422 quoting nothing
    api("POST", "/patients", raw_body='{"given_name": "Ada", "family_name": "Lovelace"')
    api("DELETE", f"/patients/{ada['id']}")
    logged = log_lines()
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    assert any(line.get("patient_id") == ada["id"] for line in lines), "the capture works: the id is logged"
    for secret in ("Ada", "Lovelace", "Countess", ADA["phone"], ADA["email"], "1990-12-10", "Byron"):
        assert secret not in logged, secret


# --- HTTP's versioning: ETag, If-Match, Location ----------------------------------------------------

def test_a_patient_read_carries_its_etag_and_a_change_must_send_it_back(api):
    ada = create(api)
    assert api.headers["location"] == api_url(f"/patients/{ada['id']}")  # under the API's public URL
    assert api.headers["etag"] == '"1"'
    status, read = api("GET", f"/patients/{ada['id']}")
    assert status == 200 and api.headers["etag"] == '"1"'
    status, body = api("PATCH", f"/patients/{ada['id']}", body={"preferred_name": "Countess"})
    assert status == 428 and body["error"]["code"] == "precondition_required"
    status, updated = api("PATCH", f"/patients/{ada['id']}", body={"preferred_name": "Countess"},
                          headers={"If-Match": api_etag(api, ada["id"])})
    assert status == 200 and updated["version"] == 2 and api.headers["etag"] == '"2"'
    status, body = api("PATCH", f"/patients/{ada['id']}", body={"preferred_name": "Ada"}, headers=if_match(1))
    assert status == 412 and body["error"]["code"] == "precondition_failed"
    assert api("GET", f"/patients/{ada['id']}")[1]["preferred_name"] == "Countess"
    # a weak tag names the same version: a proxy that compresses the response may have weakened it
    assert api("PATCH", f"/patients/{ada['id']}", body={"preferred_name": "Ada"},
               headers={"If-Match": 'W/"2"'})[0] == 200


def api_etag(api: Api, patient_id: str) -> str:
    api("GET", f"/patients/{patient_id}")
    return api.headers["etag"]


def test_coverage_and_consent_creates_say_where_they_live(api):
    ada = create(api)
    base = f"/patients/{ada['id']}"
    status, coverage = api("POST", f"{base}/coverages", body=COVERAGE)
    assert status == 201 and api.headers["location"] == api_url(f"{base}/coverages/{coverage['id']}")
    assert api.headers["etag"] == '"1"'
    status, consent = api("POST", f"{base}/consents", body={"kind": "treatment"})
    assert status == 201 and api.headers["location"] == api_url(f"{base}/consents/{consent['id']}")
    assert api("POST", f"{base}/consents/{consent['id']}/revoke")[0] == 428
    assert api("POST", f"{base}/consents/{consent['id']}/revoke", headers=if_match(1))[0] == 200


def test_billing_records_and_fixes_a_patients_coverage(api):
    ada = create(api)
    base = f"/patients/{ada['id']}"
    status, coverage = api("POST", f"{base}/coverages", body=COVERAGE, role="billing")
    assert status == 201, coverage
    status, changed = api("PATCH", f"{base}/coverages/{coverage['id']}", body={"member_id": "W999"},
                          headers=if_match(1), role="billing")
    assert status == 200 and changed["member_id"] == "W999" and api.headers["etag"] == '"2"'
    assert api("GET", f"{base}/coverages", role="billing")[1]["coverages"][0]["member_id"] == "W999"


def test_a_refusal_names_the_roles_that_may(api):
    ada = create(api)
    status, body = api("PATCH", f"/patients/{ada['id']}", body={"preferred_name": "X"}, headers=if_match(1),
                       role="billing")
    assert status == 403
    assert body["error"]["message"] == "your role may not do this; it is for: coordinator, front_desk"
    assert body["error"]["details"] == {"allowed_roles": ["coordinator", "front_desk"]}
    status, body = api("POST", f"/patients/{ada['id']}/coverages", body=COVERAGE, role="practitioner")
    assert status == 403 and body["error"]["details"]["allowed_roles"] == ["coordinator", "front_desk", "billing"]
