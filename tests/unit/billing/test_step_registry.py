"""The claim workflow's step registry: every Task the state machine names has a step, each step is reached
through tasks.run, and a task the registry does not know is refused."""

import json
import re
from pathlib import Path

import pytest

from functions.billing import tasks
from functions.billing.claim_workflow import STEPS
from tests.unit.billing.world import PRACTICE, world

ASL = Path(__file__).parents[3] / "statemachines" / "claim_submission.asl.json"


def test_every_task_the_state_machine_names_has_a_step_and_no_step_is_unused():
    named = set(re.findall(r'"task"\s*:\s*"([a-z_]+)"', ASL.read_text()))
    assert named == set(STEPS)


def test_a_step_is_looked_up_by_its_task_and_answers_the_state_machine():
    w = world()
    claim = w.a_claim()
    event = {"task": "check_deadline", "practice_id": PRACTICE, "claim_id": claim.id}
    assert tasks.run(event, w.workflow) == {"passed": False, "deadline": claim.timely_filing_deadline.isoformat()}
    failed = {"task": "mark_failed", "practice_id": PRACTICE, "claim_id": claim.id,
              "error": {"Error": "Boom", "Cause": json.dumps({"errorMessage": "the clearinghouse said no"})}}
    assert tasks.run(failed, w.workflow) == {"state": "failed"}
    assert w.ledger.claim(PRACTICE, claim.id).state_reason == "Boom: the clearinghouse said no"


def test_an_unknown_task_is_refused():
    with pytest.raises(ValueError, match="unknown task"):
        tasks.run({"task": "teleport", "practice_id": PRACTICE, "claim_id": "c1"}, world().workflow)


def test_a_work_item_needs_its_task_token():
    with pytest.raises(ValueError, match="task token"):
        tasks.run({"task": "open_work_item", "practice_id": PRACTICE, "claim_id": "c1"}, world().workflow)


def test_a_business_outcome_is_counted_by_outcome_and_leaves_the_claim_as_it_is(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "billing")  # what the function's environment sets
    w = world()
    claim = w.a_claim()
    event = {"task": "record_outcome", "practice_id": PRACTICE, "claim_id": claim.id, "outcome": "scrub_failed"}

    assert tasks.run(event, w.workflow) == {"outcome": "scrub_failed", "state": claim.state}

    (emf,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "PracticeFlow"
    assert directive["Metrics"] == [{"Name": "ClaimOutcome", "Unit": "Count"}]
    assert directive["Dimensions"] == [["outcome", "service"]]
    assert (emf["outcome"], emf["service"], emf["ClaimOutcome"]) == ("scrub_failed", "billing", [1.0])
    assert w.ledger.claim(PRACTICE, claim.id).version == claim.version


def test_an_outcome_the_workflow_does_not_know_is_a_fault():
    w = world()
    claim = w.a_claim()
    with pytest.raises(ValueError, match="unknown outcome"):
        tasks.run({"task": "record_outcome", "practice_id": PRACTICE, "claim_id": claim.id, "outcome": "paid"},
                  w.workflow)
