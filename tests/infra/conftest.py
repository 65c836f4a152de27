"""The CDK app synthesized once per test session (no CloudFormation validation, placeholder layer), and
helpers to read its templates. Tests that need another synthesis (strict validation, cdk-nag, an
extended catalogue) do it once each.

The modules are marked xdist_group("infra") so `--dist loadgroup` can keep them on one worker; with
pytest 9.2 and pytest-xdist 3.8 that grouping is silently a no-op (pytest-dev/pytest-xdist#1386), so
under `-n 2` each worker synthesizes the session app once (about 6 s, in parallel)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

STAGE = "test"
# what an operator of the test stage sets (infra/options.py); another stage's values must not reach it
ORIGINS = ("https://app.clinic.example", "http://localhost:5173")
ALARM_EMAILS = ("oncall@clinic.example", "it@clinic.example")
ALARM_WEBHOOK = "https://chat.clinic.example/hooks/practiceflow"
OPTIONS = {
    "practiceflow:cors-origins": {STAGE: list(ORIGINS), "prod": ["https://prod.clinic.example"]},
    "practiceflow:alarm-emails": ",".join(ALARM_EMAILS),
    "practiceflow:alarm-webhook": {STAGE: ALARM_WEBHOOK},
    "practiceflow:waf": {STAGE: True},  # prod's choice, so cdk-nag and cfn-lint judge the firewall too
}
UNITS = ("Data", "Service", "Api", "Monitoring")


@dataclass(frozen=True)
class Synthesized:
    built: Any  # infra.app.PracticeFlowApp
    outdir: Path
    templates: dict[str, dict]  # "Data" / "Api" / "Monitoring" -> the template as JSON

    def resources(self, unit: str, kind: str) -> dict[str, dict]:
        return {k: r for k, r in self.templates[unit]["Resources"].items() if r["Type"] == kind}

    def target(self, value: Any) -> tuple[str, str] | None:
        """(unit, logical id) that a Ref, GetAtt or another stack's export (Fn::ImportValue) points at."""
        if isinstance(value, dict) and "Fn::ImportValue" in value:
            name = value["Fn::ImportValue"]
            for unit, template in self.templates.items():
                for output in template.get("Outputs", {}).values():
                    if output.get("Export", {}).get("Name") == name:
                        return unit, ref_id(output["Value"])
            return None
        logical_id = ref_id(value)
        return None if logical_id is None else ("?", logical_id)

    def imports(self, value: Any) -> set[tuple[str, str]]:
        """Every (unit, logical id) another stack's export inside `value` points at."""
        if isinstance(value, dict):
            if "Fn::ImportValue" in value:
                found = self.target(value)
                return {found} if found else set()
            return set().union(*(self.imports(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(self.imports(v) for v in value))
        return set()

    def template(self, unit: str):
        from aws_cdk.assertions import Template

        return Template.from_json(self.templates[unit])


def build(tmp: Path, catalog=None, *, validate: bool = False, checks: bool = False, acknowledge: bool = True):
    """The app for the test stage, with a placeholder layer and the code staged under `tmp`."""
    from infra import packaging
    from infra.app import CODE_CONTEXT, LAYER_CONTEXT, STAGE_CONTEXT, build_app
    from infra.catalog import CATALOG

    layer = packaging.placeholder_layer(tmp / "layer")
    context = {STAGE_CONTEXT: STAGE, LAYER_CONTEXT: str(layer), CODE_CONTEXT: str(tmp / "code"),
               "practiceflow:acknowledge": acknowledge, **OPTIONS}
    return build_app(catalog or CATALOG, outdir=tmp / "cdk.out", context=context, validate=validate, checks=checks)


def synthesize(tmp: Path, catalog=None, *, validate: bool = False, checks: bool = False,
               acknowledge: bool = True) -> Synthesized:
    from infra.app import stack_name

    built = build(tmp, catalog, validate=validate, checks=checks, acknowledge=acknowledge)
    built.app.synth()
    templates = {
        unit: json.loads((tmp / "cdk.out" / f"{stack_name(STAGE, unit)}.template.json").read_text())
        for unit in UNITS
    }
    return Synthesized(built, tmp / "cdk.out", templates)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> Iterator[Synthesized]:
    yield synthesize(tmp_path_factory.mktemp("synth"))


def ref_id(value: Any) -> str | None:
    """The logical id a {"Ref": x} or {"Fn::GetAtt": [x, ...]} points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]
