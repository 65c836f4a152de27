"""Slot search for 20 practitioners over 30 days, with 500, 1,000 and 2,000 booked appointments: DynamoDB
requests (counted with a botocore hook on the table's client) and wall time, through the real handler on
moto. The goal: the request count does not grow with the bookings (one Query per practitioner for the
whole range); the time grows with what the algorithm reads, roughly linearly.

The bookings are seeded as the calendar items a booking writes (the search reads nothing else): booking
2,000 appointments through moto's transactions would measure moto (it deep-copies the table on each)."""

import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()

PRACTITIONERS = 20
DAYS = 30
FIRST_DAY = date(2026, 3, 2)  # a Monday
SIZES = (500, 1_000, 2_000)
RUNS = 5
PRACTICE = "bench"


class Stopwatch:
    """Time inside the pure slot algorithm (search + order), by wrapping the module's functions."""

    def __init__(self) -> None:
        from functions.scheduling import slot_rules as slots

        self.seconds = 0.0
        for name in ("search", "order"):
            original = getattr(slots, name)

            def timed(*args, __original=original, **kwargs):
                started = time.perf_counter()
                try:
                    return __original(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - started

            setattr(slots, name, timed)

    def take(self) -> float:
        taken, self.seconds = self.seconds, 0.0
        return taken


def seed(count: int, practitioners: list[str], type_id: str, zone) -> None:
    """`count` 30-minute bookings on weekdays 09:00-17:00, spread at random, none overlapping."""
    from functions.core import clock
    from functions.core.table import Table
    from functions.scheduling.dynamo.keys import calendar_pk
    from functions.scheduling.models.appointments import Appointment
    from functions.scheduling.slot_rules import local_instant

    rng = random.Random(count)  # noqa: S311 - a benchmark's layout, not a secret
    weekdays = [FIRST_DAY + timedelta(days=d) for d in range(DAYS) if (FIRST_DAY + timedelta(days=d)).weekday() < 5]
    free = [(p, day, minute) for p in practitioners for day in weekdays for minute in range(9 * 60, 17 * 60, 30)]
    table = Table()
    for n, (practitioner, day, minute) in enumerate(rng.sample(free, count)):
        start = local_instant(day, minute, zone)
        at = clock.iso(datetime(2026, 3, 1, tzinfo=UTC))
        appointment = Appointment(
            id=f"A{n:025d}", patient_id=f"p{n}", practitioner_id=practitioner, type_id=type_id, mode="virtual",
            visit="follow_up", start=clock.iso(start), end=clock.iso(start + timedelta(minutes=30)),
            hold_end=clock.iso(start + timedelta(minutes=30)), status="booked", booked_at=at, booked_by="bench",
            version=1, updated_at=at)
        table.put({"pk": calendar_pk(PRACTICE, practitioner), "sk": f"{appointment.start}#{appointment.id}",
                   "kind": "CALENDAR_ENTRY", **appointment.model_dump(mode="json", exclude_none=True)})


def measure(count: int) -> dict:
    from moto import mock_aws

    from functions.core import clock, container, table, tenancy
    from functions.core.keys import entity_pk
    from functions.scheduling.handler import handler
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.support import LambdaContext, api_event, claims

    moto_patches.install()
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 1, 12, tzinfo=UTC)))
    try:
        with mock_aws():
            os.environ.update(provision(CATALOG).environment("scheduling"))
            container.reset()
            who = claims("front_desk", PRACTICE)
            boss = claims("coordinator", PRACTICE)

            def call(method: str, path: str, body=None, query=None, user=who, headers=None) -> dict:
                response = handler(api_event(method, path, body=body, claims=user, query=query, headers=headers),
                                   LambdaContext())
                assert response["statusCode"] < 300, response
                return json.loads(response["body"]) if response["body"] else {}

            call("PUT", "/availability/policy", {"time_zone": "America/New_York"}, user=boss,
                 headers={"If-None-Match": "*"})
            weekly = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
            practitioners = [call("POST", "/practitioners", {"name": f"Dr {n}", "weekly": weekly}, user=boss)["id"]
                             for n in range(PRACTITIONERS)]
            type_id = call("POST", "/appointment-types", {"name": "Video", "duration_minutes": 30, "mode": "virtual",
                                                          "practitioner_ids": practitioners}, user=boss)["id"]
            from zoneinfo import ZoneInfo

            seed(count, practitioners, type_id, ZoneInfo("America/New_York"))
            counter = RequestCounter()
            stopwatch = Stopwatch()
            counter.watch(tenancy.practice_client(PRACTICE))  # the API's requests run in the practice's session
            last = (FIRST_DAY + timedelta(days=DAYS - 1)).isoformat()
            results = {}
            for order in ("best", "earliest"):
                query = {"type_id": type_id, "from": FIRST_DAY.isoformat(), "to": last, "order": order,
                         "limit": "50"}
                call("GET", "/slots", query=query)  # warm the container (the secret, imports)
                counter.take()
                counter.take_reads()
                stopwatch.take()
                times = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    found = call("GET", "/slots", query=query)
                    times.append((time.perf_counter() - started) * 1000)
                calls = counter.take()
                items, in_dynamodb = counter.take_reads()
                results[f"all practitioners, {order} first"] = {
                    "requests": sum(calls.values()) // RUNS,
                    "by_operation": {k: v // RUNS for k, v in calls.items()},
                    "items_read": items // RUNS,
                    "wall_ms_median": round(statistics.median(times), 1),
                    "wall_ms_min": round(min(times), 1),
                    "in_dynamodb_ms": round(in_dynamodb * 1000 / RUNS, 1),
                    "algorithm_ms": round(stopwatch.take() * 1000 / RUNS, 1),
                    "slots_returned": len(found["slots"]),
                }
            counter.take()
            start = next(s["start"] for s in call("GET", "/slots", query={
                "type_id": type_id, "from": FIRST_DAY.isoformat(), "to": last, "practitioner_id": practitioners[0],
                "order": "earliest", "limit": "1"})["slots"])
            # the patient must be on file in records: booking checks it inside its transaction
            table.Table().put({"pk": entity_pk(PRACTICE, "PATIENT", "bench-patient"), "sk": "PATIENT",
                               "kind": "PATIENT", "id": "bench-patient"})
            counter.take()
            started = time.perf_counter()
            call("POST", "/appointments", {"type_id": type_id, "practitioner_id": practitioners[0], "start": start,
                                           "patient_id": "bench-patient"})
            elapsed = (time.perf_counter() - started) * 1000
            calls = counter.take()
            results["book one appointment (warm)"] = {"requests": sum(calls.values()), "by_operation": calls,
                                                      "wall_ms": round(elapsed, 1)}
            counter.unwatch(tenancy.practice_client(PRACTICE))
            return results
    finally:
        clock.use(previous)


def main() -> None:
    summary = {"practitioners": PRACTITIONERS, "days": DAYS, "runs_per_search": RUNS,
               "note": ("moto in-process: request counts are what DynamoDB would serve; in_dynamodb_ms is moto's "
                        "(its Query walks the whole table), not AWS's; algorithm_ms is the pure slot search"),
               "booked": {}}
    for count in SIZES:
        summary["booked"][str(count)] = measure(count)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "slot_search.json").write_text(json.dumps(summary, indent=2) + "\n")
    for count, rows in summary["booked"].items():
        for name, row in rows.items():
            wall = row.get("wall_ms_median", row.get("wall_ms"))
            detail = (f"items {row['items_read']:>5}  in moto {row['in_dynamodb_ms']:>7} ms  "
                      f"algorithm {row['algorithm_ms']:>6} ms") if "items_read" in row else ""
            print(f"{count:>5} booked  {name:30} {row['requests']:>3} requests  {wall:>8} ms  {detail}")


if __name__ == "__main__":
    main()
