"""A request's DynamoDB calls run in a session of the tenant role tagged with the caller's practice, assumed
once per container and practice and renewed before it expires; outside a request, the function's own role."""

import time

import pytest

from functions.core import table, tenancy
from functions.core.table import Table


@pytest.fixture
def assumed(cloud) -> list[dict]:
    """The AssumeRole requests made, in order."""
    calls: list[dict] = []
    tenancy._sts().meta.events.register("before-call.sts.AssumeRole",
                                        lambda params, **_: calls.append(params["body"]))
    return calls


def _read_in_request(practice_id: str) -> object:
    with tenancy.request():
        tenancy.bind(practice_id)
        table = Table()
        used = table.dynamodb
        used.get_item(TableName=table.name, Key={"pk": {"S": f"PRACTICE#{practice_id}#PATIENT#x"},
                                                 "sk": {"S": "PROFILE"}})
        return used


def test_a_request_runs_in_a_session_of_the_tenant_role_tagged_with_its_practice(cloud, assumed):
    used = _read_in_request("p1")
    assert used is not table.client()
    (request,) = assumed
    assert request["RoleArn"] == cloud.tenant_role_arn
    assert request["Tags.member.1.Key"] == "practice_id" and request["Tags.member.1.Value"] == "p1"
    assert request["RoleSessionName"] == "practice-p1"


def test_a_session_is_kept_per_practice_and_renewed_shortly_before_it_expires(cloud, assumed, monkeypatch):
    first = _read_in_request("p1")
    assert _read_in_request("p1") is first and _read_in_request("p1") is first
    assert _read_in_request("p2") is not first
    assert len(assumed) == 2
    expires = tenancy._clients["p1"].expires_at
    monkeypatch.setattr(time, "time", lambda: expires - tenancy.RENEW_BEFORE_S - 1)
    assert _read_in_request("p1") is first
    monkeypatch.setattr(time, "time", lambda: expires - tenancy.RENEW_BEFORE_S + 1)
    assert _read_in_request("p1") is not first
    assert [r["Tags.member.1.Value"] for r in assumed] == ["p1", "p2", "p1"]


def test_outside_a_request_the_functions_own_role_is_used(cloud, assumed):
    Table().get("PRACTICES", "x")  # a job walking practices
    assert Table().dynamodb is table.client()
    assert assumed == []


def test_without_a_tenant_role_a_request_uses_the_functions_own_role(cloud, assumed, monkeypatch):
    from functions.core import settings

    monkeypatch.delenv("TENANT_ROLE_ARN")
    settings.settings.cache_clear()
    assert _read_in_request("p1") is table.client()
    assert assumed == []


def test_a_dynamodb_call_before_the_callers_practice_is_known_is_refused(cloud, assumed):
    with tenancy.request(), pytest.raises(tenancy.TenancyError):
        Table().get("PRACTICE#p1#PATIENT#x", "PROFILE")
    assert assumed == []


def test_one_request_cannot_act_for_two_practices(cloud):
    with tenancy.request():
        tenancy.bind("p1")
        tenancy.bind("p1")  # the same practice again (claims, then a link naming it) is fine
        with pytest.raises(tenancy.TenancyError):
            tenancy.bind("p2")


def test_a_request_scope_ends_with_the_request(cloud, assumed):
    _read_in_request("p1")
    tenancy.bind("p2")  # outside a request: nothing to bind
    assert Table().dynamodb is table.client()


def test_the_test_guard_refuses_what_the_tenant_policy_refuses():
    from botocore.exceptions import ClientError

    from tests.tenant_guard import check

    def key(pk: str) -> dict:
        return {"pk": {"S": pk}, "sk": {"S": "X"}}

    check("p1", "GetItem", {"Key": key("PRACTICE#p1#PATIENT#1")})
    check("p1", "Query", {"IndexName": "gsi1", "KeyConditionExpression": "#pk = :pk",
                          "ExpressionAttributeNames": {"#pk": "gsi1pk"},
                          "ExpressionAttributeValues": {":pk": {"S": "PRACTICE#p1#PATIENT_NAME"}}})
    check("p1", "TransactWriteItems", {"TransactItems": [{"Put": {"Item": key("PRACTICE#p1#AUDIT")}}]})
    for operation, params in (
        ("GetItem", {"Key": key("PRACTICE#p2#PATIENT#1")}),
        ("PutItem", {"Item": key("PRACTICES")}),
        ("GetItem", {"Key": key("PRACTICE#p10#PATIENT#1")}),
        ("Scan", {}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"Item": key("PRACTICE#p1#A")}},
                                                  {"Update": {"Key": key("PRACTICE#p1#AUDIT")}}]}),
        ("DeleteItem", {"Key": key("PRACTICE#p1#AUDIT")}),
    ):
        with pytest.raises(ClientError, match="AccessDenied"):
            check("p1", operation, params)
