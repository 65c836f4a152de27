"""Lambda packaging without Docker: the `functions/` package staged as the code asset, and the runtime
dependencies from pyproject.toml installed as manylinux wheels into a layer, cached until the list changes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
PYTHON_VERSION = "3.12"  # the Lambda runtime; the layer's wheels are built for it
# arm64 (Graviton) costs less per GB-second; the wheels must match, so both come from here.
ARCHITECTURE = "arm64"
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
CODE_IGNORE = ("__pycache__", "*.pyc", "*.pyo", "tests", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.egg-info")
# Lambda's runtime already has these on the path, and neither is ever imported by a function.
LAYER_PRUNE = ("bin", "__pycache__")

Installer = Callable[[Sequence[str]], None]


def runtime_dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The [project] dependencies: what the functions import at run time."""
    return list(tomllib.loads(pyproject.read_text())["project"]["dependencies"])


def stage_function_code(target: Path = BUILD / "code") -> Path:
    """Copy `functions/` (and nothing else) into `target`, so the asset is the package and its hash is
    the code's, not the byte-code's. Handlers resolve as `functions.<area>.<module>.handler`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(ROOT / "functions", target / "functions", ignore=shutil.ignore_patterns(*CODE_IGNORE))
    return target


def layer_key(dependencies: Sequence[str], architecture: str = ARCHITECTURE) -> str:
    """What the layer's contents depend on: the requirement list, the platform and the Python version."""
    spec = {"dependencies": sorted(dependencies), "platform": PLATFORMS[architecture], "python": PYTHON_VERSION}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def pip_installer(target: Path, architecture: str) -> Installer:
    def install(requirements: Sequence[str]) -> None:
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
            "--target", str(target), "--platform", PLATFORMS[architecture], "--implementation", "cp",
            "--python-version", PYTHON_VERSION, "--only-binary=:all:", "--upgrade", *requirements,
        ]
        subprocess.run(command, check=True)  # noqa: S603 - a fixed pip command line, no shell

    return install


def _prune(site: Path) -> None:
    for name in LAYER_PRUNE:
        for path in sorted(site.rglob(name), reverse=True):
            if path.is_dir():
                shutil.rmtree(path)
    for path in site.rglob("*.pyc"):
        path.unlink()


def build_layer(
    dependencies: Sequence[str] | None = None,
    architecture: str = ARCHITECTURE,
    root: Path = BUILD / "layer",
    installer: Installer | None = None,
) -> Path:
    """The layer directory (its `python/` holds the packages). Built once per dependency list: a second
    call with the same list returns the cached directory without running pip."""
    dependencies = runtime_dependencies() if dependencies is None else list(dependencies)
    key = layer_key(dependencies, architecture)
    layer = root / key
    stamp = root / f"{key}.json"  # beside the layer, not in it, so the asset holds only packages
    if stamp.exists() and layer.is_dir():
        return layer
    if layer.exists():
        shutil.rmtree(layer)  # a half-built layer from an interrupted run
    site = layer / "python"
    site.mkdir(parents=True)
    (installer or pip_installer(site, architecture))(dependencies)
    _prune(site)
    stamp.write_text(json.dumps({"dependencies": sorted(dependencies), "architecture": architecture}))
    for stale in root.iterdir():  # keep only the current layer on disk
        if stale.name not in (key, stamp.name):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    return layer


def placeholder_layer(target: Path = BUILD / "layer-placeholder") -> Path:
    """A tiny stand-in for the dependency layer, for template tests that never run the code."""
    site = target / "python"
    site.mkdir(parents=True, exist_ok=True)
    (site / "PLACEHOLDER").write_text("template tests only: the real layer is built by infra.packaging.build_layer\n")
    return target
