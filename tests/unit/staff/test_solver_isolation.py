"""No API handler (nor any other entry point but the solver's own function) imports OR-Tools: each catalogue
function's module is imported in a fresh interpreter, and ortools must not be among the modules loaded."""

import json
import subprocess
import sys
from pathlib import Path

from infra.catalog import CATALOG

ROOT = Path(__file__).resolve().parents[3]
SOLVER_FUNCTIONS = {"staff-solver"}

PROBE = """
import importlib, json, sys
found = {}
for module in sys.argv[1:]:
    importlib.import_module(module)
    found[module] = sorted(m for m in sys.modules if m == "ortools" or m.startswith("ortools."))[:3]
print(json.dumps(found))
"""


def loaded_by(modules: list[str]) -> dict[str, list[str]]:
    environment = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1",
                   "POWERTOOLS_DEV": "false"}
    result = subprocess.run([sys.executable, "-c", PROBE, *modules], cwd=ROOT,  # noqa: S603 - our own modules
                            capture_output=True, text=True, check=True, env=environment)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_handler_but_the_solvers_own_imports_ortools():
    modules = sorted({f.module for f in CATALOG.functions if f.name not in SOLVER_FUNCTIONS})
    assert "functions.staff.handler" in modules and "functions.staff.tasks" in modules
    assert loaded_by(modules) == {module: [] for module in modules}


def test_the_solvers_function_does_load_it():
    (solver,) = [f.module for f in CATALOG.functions if f.name in SOLVER_FUNCTIONS]
    import_solver = f"{solver}; import functions.staff.wiring as w; w.roster_solver()"
    result = subprocess.run([sys.executable, "-c", f"import {import_solver}; import sys; "  # noqa: S603
                             "print('ortools' in sys.modules)"], cwd=ROOT, capture_output=True, text=True,
                            check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                             "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.stdout.strip().endswith("True")
