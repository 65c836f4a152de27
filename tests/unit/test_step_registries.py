"""Every workflow's steps are a registry its tasks function looks up: each Task a state machine names has a step
in that registry, and no step is left that no state names."""

import importlib
import json
from pathlib import Path

import pytest

from infra.catalog import CATALOG

STATEMACHINES = Path(__file__).parents[2] / "statemachines"


def tasks_named(states: dict) -> set[str]:
    named = set()
    for state in states.values():
        if state.get("Type") == "Task":
            task = state.get("Parameters", {}).get("Payload", {}).get("task")
            if task:
                named.add(task)
        for branch in state.get("Branches", []):
            named |= tasks_named(branch["States"])
        for nested in ("Iterator", "ItemProcessor"):
            if nested in state:
                named |= tasks_named(state[nested]["States"])
    return named


@pytest.mark.parametrize("machine", CATALOG.state_machines, ids=lambda machine: machine.name)
def test_each_task_a_state_machine_names_is_a_step_of_its_registry(machine):
    (function_name,) = set(machine.functions.values())
    function = next(f for f in CATALOG.functions if f.name == function_name)
    steps = importlib.import_module(function.handler.rpartition(".")[0]).STEPS
    definition = json.loads((STATEMACHINES / machine.definition).read_text())
    assert tasks_named(definition["States"]) == set(steps)
