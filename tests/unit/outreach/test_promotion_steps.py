"""The promotion state machine and its step registry agree: every Task names a step STEPS knows, every step
is used, every Task is outreach-tasks, the Map's concurrency is bounded and the Waits read the plan."""

import json
from pathlib import Path

from functions.outreach.models.promotion import Plan
from functions.outreach.tasks import STEPS

ASL = json.loads((Path(__file__).parents[3] / "statemachines" / "workshop_promotion.asl.json").read_text())


def states(machine: dict):
    for name, state in machine["States"].items():
        yield name, state
        if state["Type"] == "Map":
            yield from states(state["ItemProcessor"])


def test_every_task_is_a_known_step_of_outreach_tasks_and_every_step_is_used():
    tasks = [state for _, state in states(ASL) if state["Type"] == "Task"]
    assert {t["Resource"] for t in tasks} == {"arn:aws:states:::lambda:invoke"}
    assert {t["Parameters"]["FunctionName"] for t in tasks} == {"${OutreachTasks}"}
    assert {t["Parameters"]["Payload"]["task"] for t in tasks} == set(STEPS)


def test_invitations_go_in_a_map_with_bounded_concurrency():
    [invite] = [state for _, state in states(ASL) if state["Type"] == "Map"]
    assert 1 <= invite["MaxConcurrency"] <= 10


def test_each_wait_reads_a_time_the_plan_gives():
    waits = [state["TimestampPath"] for _, state in states(ASL) if state["Type"] == "Wait"]
    assert sorted(path.rsplit(".", 1)[1] for path in waits) == sorted(Plan.model_fields)
