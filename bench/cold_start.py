"""Cold start: how long importing each API handler takes, against importing boto3 alone.

Each sample is a fresh interpreter (as a new Lambda container is) timing only the import, in the same
run, so the ratio holds on any machine. The interpreter sees what a Lambda sees: the standard library,
the runtime dependencies alone (installed into build/bench-runtime, as the layer is) and functions/ —
not the development venv, whose hundreds of packages would slow pydantic's plugin discovery and every
path search. Byte-code is compiled first, as it is in a Lambda package."""

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

from bench.support import RESULTS, ROOT

RUNTIME = ROOT / "build" / "bench-runtime"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
LAMBDA_ENV = {
    "TABLE_NAME": "practiceflow", "EVENT_BUS_NAME": "practiceflow", "PAGE_TOKEN_SECRET_ARN": "arn:secret",
    "POWERTOOLS_SERVICE_NAME": "records", "AWS_DEFAULT_REGION": "us-east-1", "STAGE": "bench",
}


def runtime_packages() -> Path:
    """The runtime dependencies alone, installed once per dependency list."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    stamp = hashlib.sha256("\n".join(dependencies).encode()).hexdigest()[:16]
    target = RUNTIME / stamp
    if not target.exists():
        shutil.rmtree(RUNTIME, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",  # noqa: S603
                        "--target", str(target), *dependencies], check=True)
    return target


def sample(module: str, packages: Path) -> float:
    env = {**LAMBDA_ENV, "PYTHONPATH": f"{packages}:{ROOT}", "PATH": os.environ.get("PATH", "")}
    # the base interpreter with -S: no site-packages but the ones on PYTHONPATH, as in a Lambda
    python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    out = subprocess.run([str(python), "-S", "-c", PROBE.format(module=module)], env=env, cwd=ROOT,  # noqa: S603
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def measure(modules: list[str]) -> dict[str, float]:
    packages = runtime_packages()
    for module in modules:  # warm the byte-code cache and the page cache
        sample(module, packages)
    samples: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(ROUNDS):  # interleaved, so drift in machine load hits every module alike
        for module in modules:
            samples[module].append(sample(module, packages))
    return {m: statistics.median(s) for m, s in samples.items()}


def main() -> None:
    from infra.catalog import CATALOG

    handlers = [f.module for f in CATALOG.functions]
    medians = measure(["boto3", *handlers])
    base = medians["boto3"]
    result = {
        "rounds": ROUNDS,
        "python": sys.version.split()[0],
        "boto3_import_ms": round(base * 1000, 1),
        "handlers": {m: {"import_ms": round(medians[m] * 1000, 1), "ratio_to_boto3": round(medians[m] / base, 2)}
                     for m in handlers},
        "goal": "records handler import at most 1.5x `import boto3`",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cold_start.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
