"""PromotionWorkflow: the fake and the Step Functions adapter (on moto, executions recorded, not run) start one
execution per publication however often asked, and stop only the workshop's running one."""

import json
from types import SimpleNamespace

import pytest

PRACTICE = "practice-promo"
WORKSHOP = "01HWORKSHOPSTARTSTOP000000"
OTHER = "01HWORKSHOPOTHER0000000000"


@pytest.fixture(params=["fake", "stepfunctions"])
def engine(request, monkeypatch):
    if request.param == "fake":
        from tests.fakes.outreach import FakePromotionWorkflow

        fake = FakePromotionWorkflow()
        return SimpleNamespace(workflow=fake, running=lambda: fake.running)
    request.getfixturevalue("cloud")
    import boto3

    from functions.core.settings import state_machine_arn_variable
    from functions.outreach.workflow import StepFunctionsPromotion

    client = boto3.client("stepfunctions")
    waits = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 86400, "End": True}}}
    arn = client.create_state_machine(name="workshop-promotion", definition=json.dumps(waits),
                                      roleArn="arn:aws:iam::123456789012:role/promotion")["stateMachineArn"]
    monkeypatch.setenv(state_machine_arn_variable("workshop-promotion"), arn)

    def running():
        return {e["name"] for e in client.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]}

    return SimpleNamespace(workflow=StepFunctionsPromotion(client), running=running)


def test_a_retried_start_is_the_same_execution(engine):
    engine.workflow.start(PRACTICE, WORKSHOP, 2)
    engine.workflow.start(PRACTICE, WORKSHOP, 2)
    assert engine.running() == {f"promote-{WORKSHOP}-v2"}


def test_stop_ends_only_that_workshops_run_and_a_new_publication_starts_again(engine):
    engine.workflow.start(PRACTICE, WORKSHOP, 2)
    engine.workflow.start(PRACTICE, OTHER, 1)
    engine.workflow.stop(PRACTICE, WORKSHOP)
    assert engine.running() == {f"promote-{OTHER}-v1"}
    engine.workflow.start(PRACTICE, WORKSHOP, 4)  # published again
    assert engine.running() == {f"promote-{OTHER}-v1", f"promote-{WORKSHOP}-v4"}
    engine.workflow.stop(PRACTICE, "01HNOTHINGRUNNING000000000")  # nothing to stop: no error
