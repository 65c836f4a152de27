"""Every Lambda in the catalogue publishes the metrics its code adds: Powertools buffers EMF metrics until
`log_metrics` flushes them, so a handler without it drops every metric (and the alarm on it never fires)."""

import ast

import pytest

from infra.catalog import CATALOG, ROOT

# handlers built by these core factories flush metrics themselves
FLUSHING_FACTORIES = {"make_handler", "job_handler"}


def _flushes(function_name: str, module: str, attribute: str) -> bool:
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return any(ast.unparse(d) == "metrics.log_metrics" for d in node.decorator_list)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == attribute for t in node.targets):
            call = node.value
            return isinstance(call, ast.Call) and getattr(call.func, "id", None) in FLUSHING_FACTORIES
    raise AssertionError(f"{function_name}: no {attribute} in {module}")


@pytest.mark.parametrize("function", CATALOG.functions, ids=lambda f: f.name)
def test_every_lambda_handler_flushes_its_metrics(function):
    module, attribute = function.handler.rsplit(".", 1)
    assert _flushes(function.name, module, attribute), f"{function.handler} never publishes its metrics"
