"""The local server (`practice serve`) under load, over HTTP on loopback, in a real process: reads (a
patient by id) and bookings (each a different slot) per second from 4 clients on their own keep-alive
connections; a burst of 20 clients that each open a connection at the same moment (answers and resets,
and when the last answer came); and the server's resident memory before and after 10,000 requests.

`python -m bench.local_server [label] [--reads N --bookings N --total N]` writes the run under that label
(default "after") into bench/results/local_server.json, keeping the other labels, so the file holds the
before and the after. The code before issue #9 slowed with every request (each one copied the whole
table and every stream record), so its run is a smaller one; the sizes are recorded with it."""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.support import RESULTS, ROOT

CLIENTS = 4
READS = 2000
BOOKINGS = 300
BURST = 20
TOTAL = 10_000
PATIENT = {"given_name": "Bench", "family_name": "Marker", "birth_date": "1980-01-01", "gender": "female",
           "phone": "+14155550100"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


class Client:
    """One keep-alive connection, as a well-behaved API client holds one."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body)
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload else None)


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["PYTHONPATH"] = str(ROOT)
        self.log = (data_dir.parent / "server.err").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [sys.executable, "-m", "localcloud.cli", "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def token(self, role: str) -> str:
        from localcloud import tokens
        from localcloud.store import DataDir

        return tokens.mint(DataDir(self.data_dir).token_signing_key(), role, "demo")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def in_parallel(clients: list[Client], work: list[tuple[str, str, Any]]) -> tuple[float, list[int]]:
    """Spread the requests over the clients; (seconds, statuses)."""
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client: Client, share: list[tuple[str, str, Any]]) -> None:
        for method, path, body in share:
            status, _ = client.call(method, path, body)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=run, args=(c, work[i::len(clients)])) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def free_slots(client: Client, demo: dict, wanted: int) -> list[dict]:
    """Video consults (no room) that do not overlap, so each booking should be a 201."""
    type_id = demo["appointment_types"][1]
    free: dict[str, datetime] = {}  # practitioner -> when they are free again
    slots: list[dict] = []
    day = date.today() + timedelta(days=2)
    while len(slots) < wanted:
        if day.weekday() < 5:
            status, found = client.call("GET", f"/slots?type_id={type_id}&from={day}&to={day}")
            assert status == 200, found
            for slot in found["slots"]:
                start = datetime.fromisoformat(slot["start"])
                if start >= free.get(slot["practitioner_id"], start):
                    free[slot["practitioner_id"]] = start + timedelta(hours=1)
                    slots.append({"type_id": type_id, "practitioner_id": slot["practitioner_id"],
                                  "start": slot["start"]})
        day += timedelta(days=1)
    return slots[:wanted]


def burst(port: int, token: str) -> dict[str, Any]:
    """20 clients, each its own new connection, all at once."""
    answered, reset, times = [], [], []
    barrier = threading.Barrier(BURST)
    started = [0.0]

    def one() -> None:
        barrier.wait()
        if not started[0]:
            started[0] = time.perf_counter()
        try:
            client = Client(port, token)
            status, _ = client.call("GET", "/patients?family=Turing")
            answered.append(status)
            times.append(time.perf_counter())
        except OSError:
            reset.append(1)

    threads = [threading.Thread(target=one) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": BURST, "answered_200": answered.count(200), "connection_errors": len(reset),
            "last_answer_s": round(max(times) - started[0], 2) if times else None}


def tally(statuses: list[int]) -> dict[str, int]:
    return {str(status): statuses.count(status) for status in sorted(set(statuses))}


def run(reads_wanted: int = READS, bookings_wanted: int = BOOKINGS, total: int = TOTAL) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-local-server-"))
    server = Server(workdir / "data")
    try:
        token = server.token("coordinator")
        probe = Client(server.port, token)
        deadline = time.monotonic() + 60
        while probe.call("GET", "/patients?family=Turing")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        demo = json.loads((workdir / "data" / "demo.json").read_text())
        patient = demo["patients"][0]
        clients = [Client(server.port, token) for _ in range(CLIENTS)]
        count = 0
        rss_start = rss_mb(server.process.pid)

        seconds, statuses = in_parallel(clients, [("GET", f"/patients/{patient}", None)] * reads_wanted)
        count += reads_wanted
        reads = {"requests": reads_wanted, "seconds": round(seconds, 2), "per_second": round(reads_wanted / seconds, 1),
                 "statuses": tally(statuses)}

        slots = free_slots(probe, demo, bookings_wanted)
        count += 1
        work, at_same_time = [], {}
        for slot in slots:  # a patient is never booked twice at once: one patient per practitioner at a time
            sharing = at_same_time[slot["start"]] = at_same_time.get(slot["start"], -1) + 1
            work.append(("POST", "/appointments", {**slot, "patient_id": demo["patients"][sharing]}))
        seconds, statuses = in_parallel(clients, work)
        assert len(statuses) == len(work), "a client gave up"
        count += len(work)
        bookings = {"requests": len(work), "statuses": tally(statuses), "seconds": round(seconds, 2),
                    "per_second": round(len(work) / seconds, 1)}

        burst_result = burst(server.port, token)
        count += BURST

        # the rest of the 10,000: nine reads to one write, as a front desk works
        rest = total - count
        mixed = [("POST", "/patients", PATIENT) if i % 10 == 0 else ("GET", f"/patients/{patient}", None)
                 for i in range(rest)]
        seconds, statuses = in_parallel(clients, mixed)
        memory = {"requests": total, "mixed_statuses": tally(statuses), "rss_mb_start": rss_start,
                  "rss_mb_after": rss_mb(server.process.pid),
                  "mixed_per_second": round(rest / seconds, 1)}
        return {"reads": reads, "bookings": bookings, "burst": burst_result, "memory": memory}
    finally:
        server.stop()
        shutil.copy(workdir / "server.err", Path(tempfile.gettempdir()) / "bench-local-server.err")
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.local_server")
    parser.add_argument("label", nargs="?", default="after")
    parser.add_argument("--reads", type=int, default=READS)
    parser.add_argument("--bookings", type=int, default=BOOKINGS)
    parser.add_argument("--total", type=int, default=TOTAL)
    args = parser.parse_args(argv if argv is not None else [])
    label = args.label
    result = run(args.reads, args.bookings, args.total)
    path = RESULTS / "local_server.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    stored[label] = {"measured": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), **result}
    path.write_text(json.dumps(stored, indent=2) + "\n")
    print(json.dumps(stored, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
