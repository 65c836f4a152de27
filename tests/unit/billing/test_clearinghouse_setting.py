"""The billing functions fail closed on their first invocation in a deployed stage: the simulated clearinghouse
is refused, and with no clearinghouse configured the claim workflow's first step stops before it reads or
sends anything (the execution fails and its alarm fires)."""

import pytest

from functions.billing import tasks
from functions.core import container
from functions.core.settings import SettingsError
from tests.support import LambdaContext

STEP = {"task": "check_deadline", "practice_id": "p1", "claim_id": "c1"}


@pytest.fixture
def deployed(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "practiceflow")
    monkeypatch.setenv("PAGE_TOKEN_SECRET_ARN", "arn:x")
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.delenv("BILLING_CLEARINGHOUSE", raising=False)
    container.reset()
    yield monkeypatch
    container.reset()


def test_the_claim_workflow_refuses_the_simulator_in_a_deployed_stage(deployed):
    deployed.setenv("BILLING_CLEARINGHOUSE", "simulated")
    with pytest.raises(SettingsError, match="STAGE=prod refuses BILLING_CLEARINGHOUSE=simulated"):
        tasks.handler(STEP, LambdaContext())


def test_the_claim_workflow_stops_when_no_clearinghouse_is_configured(deployed):
    with pytest.raises(SettingsError, match="no clearinghouse is configured for stage prod"):
        tasks.handler(STEP, LambdaContext())
