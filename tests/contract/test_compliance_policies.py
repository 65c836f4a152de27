"""PolicyBook and AcknowledgementBook: the fakes and the DynamoDB adapters behave alike (versions published once,
requests written once, superseded only while unsigned, a signature once, the sparse unsigned list)."""

from datetime import date

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from tests.contract.compliance_training_support import (
    PRACTICE,
    audit,
    policy,
    policy_version,
    ports,
    request,
)


@pytest.fixture(params=["fake", "dynamo"])
def books(request):
    return ports(request, ("FakePolicyBook", "FakeAcknowledgementBook"),
                 ("functions.compliance.dynamo.policies.DynamoPolicyBook",
                  "functions.compliance.dynamo.policies.DynamoAcknowledgementBook"))


def test_policies_are_listed_by_title_and_a_version_is_published_once(books):
    policies, _ = books
    policies.save(policy("PB", "Privacy"), audit())
    policies.save(policy("PA", "acceptable use"), audit())
    assert [p.id for p in policies.policies(PRACTICE)] == ["PA", "PB"]
    policies.publish(policy("PA", version=2, current=1), policy_version("PA", 1), audit())
    assert policies.policy(PRACTICE, "PA").current_version == 1
    assert policies.version(PRACTICE, "PA", 1).text == "Lock screens."
    assert policies.version(PRACTICE, "PA", 2) is None
    with pytest.raises(PreconditionFailed):  # a second publisher who read the policy at version 1
        policies.publish(policy("PA", version=2, current=1), policy_version("PA", 1), audit())
    with pytest.raises(Conflict):  # the policy moved on, but version 1 exists already
        policies.publish(policy("PA", version=3, current=1), policy_version("PA", 1), audit())
    assert policies.policy(PRACTICE, "PA").version == 2


def test_requests_are_written_once_and_listed_per_version(books):
    _, acks = books
    acks.ask([request("PA", 1, "nurse-2"), request("PA", 1, "nurse-1"), request("PA", 2, "nurse-1")], [])
    acks.ask([request("PA", 1, "nurse-1", sign_by=date(2030, 1, 1))], [])  # a retry changes nothing
    assert [r.user_id for r in acks.requests(PRACTICE, "PA", 1)] == ["nurse-1", "nurse-2"]
    assert acks.request(PRACTICE, "PA", 1, "nurse-1").sign_by == date(2026, 3, 15)
    assert acks.request(PRACTICE, "PA", 3, "nurse-1") is None


def test_signing_takes_a_request_off_the_unsigned_list_once(books):
    _, acks = books
    acks.ask([request("PA", 1, "n1", sign_by=date(2026, 3, 10)), request("PA", 1, "n2", sign_by=date(2026, 3, 20))],
             [])
    assert [r.user_id for r in acks.due_by(PRACTICE, date(2026, 3, 20))] == ["n1", "n2"]
    assert [r.user_id for r in acks.unsigned(PRACTICE, date(2026, 3, 11))] == ["n1"]
    assert acks.unsigned(PRACTICE, date(2026, 3, 10)) == []
    signed = acks.request(PRACTICE, "PA", 1, "n1").model_copy(update={"status": "signed", "version": 2,
                                                                     "signed_at": "2026-03-12T09:00:00.000Z"})
    acks.sign(signed, audit())
    with pytest.raises(Conflict):
        acks.sign(signed.model_copy(update={"version": 3}), audit())
    with pytest.raises(Conflict):
        acks.sign(signed, audit())
    assert acks.unsigned(PRACTICE, date(2026, 4, 1))[0].user_id == "n2"
    assert acks.request(PRACTICE, "PA", 1, "n1").status == "signed"


def test_superseding_touches_only_unsigned_requests(books):
    _, acks = books
    acks.ask([request("PA", 1, "n1"), request("PA", 1, "n2")], [])
    acks.sign(acks.request(PRACTICE, "PA", 1, "n1").model_copy(update={"status": "signed", "version": 2}), audit())
    stale = [r.model_copy(update={"status": "superseded", "version": r.version + 1})
             for r in [request("PA", 1, "n1"), acks.request(PRACTICE, "PA", 1, "n2")]]
    acks.ask([request("PA", 2, "n1")], stale)
    assert [(r.user_id, r.status) for r in acks.requests(PRACTICE, "PA", 1)] == [("n1", "signed"),
                                                                                  ("n2", "superseded")]
    assert [(r.number, r.user_id) for r in acks.due_by(PRACTICE, date(2026, 12, 31))] == [(2, "n1")]


def test_a_reminder_is_kept_on_the_request_and_a_stale_one_refused(books):
    _, acks = books
    acks.ask([request("PA", 1, "n1")], [])
    reminded = acks.request(PRACTICE, "PA", 1, "n1").model_copy(update={"reminded": ["due-3"], "version": 2})
    acks.remind(reminded, audit(), [])
    assert acks.request(PRACTICE, "PA", 1, "n1").reminded == ["due-3"]
    with pytest.raises(Conflict):
        acks.remind(reminded, audit(), [])
