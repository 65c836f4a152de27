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
