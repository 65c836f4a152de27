"""`practice serve` end to end: a real process, HTTP over loopback, a token from `practice token`, data
that survives a stop (SIGTERM) and a start on the same data directory."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATIENT = {"given_name": "Ada", "family_name": "Byron", "birth_date": "1985-12-10", "gender": "female",
           "phone": "+14155550101"}

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_NAME", "PAGE_TOKEN", "EVENT_BUS"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def practice(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "localcloud.cli", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=check)


def request(url: str, method: str = "GET", body=None, token: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, method=method, data=data)  # noqa: S310 - loopback test server
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Server:
    def __init__(self, data_dir: Path, log_name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout = data_dir.parent / f"{log_name}.out"
        self.stderr = data_dir.parent / f"{log_name}.err"
        with self.stdout.open("w") as out, self.stderr.open("w") as err:
            command = [sys.executable, "-m", "localcloud.cli", "serve", "--port", str(self.port),
                       "--data-dir", str(data_dir)]
            self.process = subprocess.Popen(command, cwd=ROOT, env=environment(), stdout=out, stderr=err)  # noqa: S603

    def wait_until_healthy(self, timeout_s: float = 90) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}: {self.stderr.read_text()[-2000:]}")
            try:
                status, health = request(f"{self.url}/_local/health")
                if status == 200:
                    return health
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not healthy in {timeout_s} s: {self.stderr.read_text()[-2000:]}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def test_serve_keeps_patients_across_a_restart(tmp_path):
    data_dir = tmp_path / "data"
    first = Server(data_dir, "first")
    try:
        first.wait_until_healthy()
        banner = first.stdout.read_text()
        for role in ("coordinator", "practitioner", "front_desk", "billing", "staff", "patient"):
            assert f"    {role} " in banner
        assert f"{first.url}/openapi.json" in banner and f"{first.url}/docs" in banner

        token = practice("token", "--role", "front_desk", "--practice", "demo", data_dir=data_dir).stdout.strip()
        assert request(f"{first.url}/patients", "POST", PATIENT)[0] == 401
        status, created = request(f"{first.url}/patients", "POST", PATIENT, token=token)
        assert status == 201, created
        patient_id = created["id"]
        status, found = request(f"{first.url}/patients/{patient_id}", token=token)
        assert status == 200 and found["family_name"] == "Byron"
        status, search = request(f"{first.url}/patients?family=Turing", token=token)
        assert status == 200 and len(search["patients"]) == 1  # the demo practice was seeded

        # the seeded clinic is bookable: the first slot, booked for the new patient, is gone from the search
        demo = json.loads((data_dir / "demo.json").read_text())
        day = date.today() + timedelta(days=7)
        while day.weekday() >= 5:  # the demo clinic opens on weekdays
            day += timedelta(days=1)
        slots_query = f"{first.url}/slots?type_id={demo['appointment_types'][0]}&from={day}&to={day}"
        status, slots = request(slots_query, token=token)
        assert status == 200 and slots["slots"], slots
        first_slot = slots["slots"][0]
        booking = {"type_id": demo["appointment_types"][0], "practitioner_id": first_slot["practitioner_id"],
                   "start": first_slot["start"], "patient_id": patient_id}
        status, appointment = request(f"{first.url}/appointments", "POST", booking, token=token)
        assert status == 201, appointment
        assert request(f"{first.url}/appointments", "POST", booking, token=token)[0] == 409

        job = practice("job", "run", "verify-audit-chains", data_dir=data_dir)  # through the running server
        assert json.loads(job.stdout)["broken"] == 0
        assert first.stop() == 0
    finally:
        first.kill()
    assert not (data_dir / "server.json").exists()

    audit = practice("audit", "verify", data_dir=data_dir, check=False)
    assert audit.returncode == 0 and "demo: intact" in audit.stdout, audit.stdout + audit.stderr

    second = Server(data_dir, "second")
    try:
        second.wait_until_healthy()
        status, found = request(f"{second.url}/patients/{patient_id}", token=token)
        assert status == 200 and found["given_name"] == "Ada"
        status, search = request(f"{second.url}/patients?family=Turing", token=token)
        assert len(search["patients"]) == 1  # seeded once, not again on the second start
        status, kept = request(f"{second.url}/appointments/{appointment['id']}", token=token)
        assert status == 200 and kept["status"] == "booked"
        assert second.stop() == 0
    finally:
        second.kill()
