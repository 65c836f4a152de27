"""Packaging without Docker: the code asset is the functions/ package only, and the dependency layer is
built once per dependency list (pip replaced here by a fake installer that records its calls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import packaging

pytestmark = pytest.mark.xdist_group("infra")


class FakePip:
    def __init__(self, site: Path):
        self.site = site
        self.calls: list[list[str]] = []

    def __call__(self, requirements):
        self.calls.append(list(requirements))
        (self.site / "pydantic").mkdir(parents=True, exist_ok=True)
        (self.site / "pydantic" / "__init__.py").write_text("")
        (self.site / "pydantic" / "__pycache__").mkdir(exist_ok=True)
        (self.site / "pydantic" / "__pycache__" / "x.cpython-312.pyc").write_bytes(b"\0")
        (self.site / "bin").mkdir(exist_ok=True)
        (self.site / "bin" / "tool").write_text("#!/bin/sh\n")


def build(root: Path, dependencies: list[str], fake: FakePip | None = None) -> tuple[Path, FakePip]:
    key = packaging.layer_key(dependencies)
    fake = fake or FakePip(root / key / "python")
    fake.site = root / key / "python"
    return packaging.build_layer(dependencies, root=root, installer=fake), fake


def test_the_layer_is_built_once_per_dependency_list_and_keeps_only_packages(tmp_path):
    layer, fake = build(tmp_path, ["pydantic>=2"])
    again, _ = build(tmp_path, ["pydantic>=2"], fake)
    assert again == layer and fake.calls == [["pydantic>=2"]]
    files = sorted(str(p.relative_to(layer)) for p in layer.rglob("*"))
    assert files == ["python", "python/pydantic", "python/pydantic/__init__.py"]


def test_a_changed_dependency_list_rebuilds_the_layer_and_drops_the_old_one(tmp_path):
    old, fake = build(tmp_path, ["pydantic>=2"])
    new, _ = build(tmp_path, ["pydantic>=2", "boto3"], fake)
    assert new != old and len(fake.calls) == 2
    assert not old.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, f"{new.name}.json"])


def test_the_layer_key_follows_the_dependencies_and_the_platform_not_their_order():
    assert packaging.layer_key(["a", "b"]) == packaging.layer_key(["b", "a"])
    assert packaging.layer_key(["a"], "arm64") != packaging.layer_key(["a"], "x86_64")


def test_runtime_dependencies_are_the_pyproject_project_dependencies():
    dependencies = packaging.runtime_dependencies()
    names = {d.split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip() for d in dependencies}
    assert {"boto3", "pydantic", "aws-lambda-powertools"} <= names
    assert not names & {"aws-cdk-lib", "moto", "pytest", "cdk-nag"}


def test_the_code_asset_is_the_functions_package_without_caches(tmp_path):
    staged = packaging.stage_function_code(tmp_path / "code")
    assert [p.name for p in staged.iterdir()] == ["functions"]
    files = [p for p in staged.rglob("*") if p.is_file()]
    assert (staged / "functions" / "core" / "settings.py").is_file()
    assert not [p for p in files if p.suffix == ".pyc" or "__pycache__" in p.parts]


def test_the_pip_command_targets_the_lambda_platform(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(packaging.subprocess, "run", lambda command, check: seen.append(command))
    packaging.pip_installer(tmp_path, "arm64")(["pydantic>=2"])
    (command,) = seen
    assert command[command.index("--platform") + 1] == "manylinux2014_aarch64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert "--only-binary=:all:" in command and command[-1] == "pydantic>=2"
