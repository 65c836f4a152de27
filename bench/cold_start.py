"""Cold start: how long importing each API handler takes, against importing boto3 alone.

Each sample is a fresh interpreter (as a new Lambda container is) timing only the import, in the same
run, so the ratio holds on any machine. The interpreter sees what a Lambda sees: the standard library,
the runtime dependencies alone (installed into build/bench-runtime, as the layer is) and functions/ —
not the development venv, whose hundreds of packages would slow pydantic's plugin discovery and every
path search. Byte-code is compiled first, as it is in a Lambda package.

Wall time is what a caller waits; on a shared, busy machine it also holds the time other processes had the
CPU, so the CPU time each import took is reported beside it (its ratio moves less with the machine's load)."""

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
# -X importtime runs per handler for the breakdown (slower per run, and it inflates times: read it as shares)
PROFILE_ROUNDS = int(os.environ.get("BENCH_PROFILE_ROUNDS", "5"))
TOP = 8
PROBE = ("import time; t = time.perf_counter(); c = time.process_time(); import {module}; "
         "print(time.perf_counter() - t, time.process_time() - c)")
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


def _run(module: str, packages: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**LAMBDA_ENV, "PYTHONPATH": f"{packages}:{ROOT}", "PATH": os.environ.get("PATH", "")}
    # the base interpreter with -S: no site-packages but the ones on PYTHONPATH, as in a Lambda
    python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    return subprocess.run([str(python), "-S", *options, "-c", PROBE.format(module=module)],  # noqa: S603
                          env=env, cwd=ROOT, capture_output=True, text=True, check=True)


def sample(module: str, packages: Path) -> tuple[float, float]:
    """(wall, CPU) seconds one fresh interpreter took to import `module`."""
    wall, cpu = _run(module, packages).stdout.split()
    return float(wall), float(cpu)


def import_times(module: str, packages: Path) -> dict[str, tuple[float, float]]:
    """(self, cumulative) seconds per module imported, from one `-X importtime` run."""
    times = {}
    for line in _run(module, packages, "-X", "importtime").stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            times[fields[2].strip()] = (int(fields[0]) / 1e6, int(fields[1]) / 1e6)
    return times


def breakdown(module: str, packages: Path) -> dict[str, dict[str, float]]:
    """Where a handler's import goes, as median milliseconds over PROFILE_ROUNDS runs: the modules with the most
    time of their own (any package), and the project's modules by time including what they import first."""
    runs = [import_times(module, packages) for _ in range(PROFILE_ROUNDS)]

    def median_ms(name: str, which: int) -> float:
        return round(statistics.median(run.get(name, (0.0, 0.0))[which] for run in runs) * 1000, 1)

    names = set().union(*runs)
    own = sorted(names, key=lambda n: -median_ms(n, 0))[:TOP]
    ours = sorted((n for n in names if n.split(".")[0] == "functions"), key=lambda n: -median_ms(n, 1))[:TOP]
    return {"top_self_ms": {n: median_ms(n, 0) for n in own},
            "functions_cumulative_ms": {n: median_ms(n, 1) for n in ours}}


def measure(modules: list[str]) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per module."""
    packages = runtime_packages()
    for module in modules:  # warm the byte-code cache and the page cache
        sample(module, packages)
    samples: dict[str, list[tuple[float, float]]] = {m: [] for m in modules}
    for _ in range(ROUNDS):  # interleaved, so drift in machine load hits every module alike
        for module in modules:
            samples[module].append(sample(module, packages))
    return {m: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for m, s in samples.items()}


def main() -> None:
    from infra.catalog import CATALOG

    handlers = [f.module for f in CATALOG.functions]
    load_before = os.getloadavg()[0]
    medians = measure(["boto3", *handlers])
    (base, base_cpu), packages = medians["boto3"], runtime_packages()
    result = {
        "rounds": ROUNDS,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_before_and_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "boto3_import_ms": round(base * 1000, 1),
        "boto3_import_cpu_ms": round(base_cpu * 1000, 1),
        "handlers": {m: {"import_ms": round(wall * 1000, 1), "ratio_to_boto3": round(wall / base, 2),
                         "import_cpu_ms": round(cpu * 1000, 1), "cpu_ratio_to_boto3": round(cpu / base_cpu, 2)}
                     for m, (wall, cpu) in ((m, medians[m]) for m in handlers)},
        "breakdown": {"note": f"median of {PROFILE_ROUNDS} `python -X importtime` runs; importtime inflates every "
                              "figure, so compare shares, not these with import_ms",
                      **{m: breakdown(m, packages) for m in handlers}} if PROFILE_ROUNDS else {},
        "goal": "each handler's import at most 1.5x `import boto3`",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cold_start.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
