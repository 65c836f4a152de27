"""What tenant-scoped credentials cost a request: the records API's "read patient" on moto, with the tenant
role (each request's DynamoDB calls in a session tagged with the caller's practice) and without it (the
function's own role), in the same container and run.

Cold: a practice's first request in a container (one AssumeRole, one DynamoDB client built). Warm: its
next requests (the session is cached; no STS call). Moto answers AssumeRole in-process, so its wall time
is the client-side cost only; AWS's own AssumeRole latency is given as an estimate, not measured here."""

import json
import os
import statistics
import time

from bench.support import RESULTS, local_environment

local_environment()

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
PRACTICES = 12  # cold requests: each the first of a new practice in the container
# Not measured: AssumeRole is a regional STS call; in-region it commonly takes some tens of milliseconds.
AWS_ASSUME_ROLE_ESTIMATE_MS = "about 20-60 ms per AssumeRole in-region (estimate, not measured here)"


def main() -> None:
    from moto import mock_aws

    from functions.core import settings, table, tenancy
    from functions.records import wiring as records_wiring
    from functions.records.handler import handler
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.support import LambdaContext, api_event, claims

    moto_patches.install()
    with mock_aws():
        resources = provision(CATALOG)
        os.environ.update(resources.environment("records"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        tenancy.forget()
        sts_calls: list[float] = []
        real_assume = tenancy._assume

        def counted_assume(role_arn: str, practice_id: str):
            started = time.perf_counter()
            held = real_assume(role_arn, practice_id)
            sts_calls.append(time.perf_counter() - started)
            return held

        tenancy._assume = counted_assume

        def call(method: str, path: str, practice: str, body=None) -> tuple[dict, float]:
            started = time.perf_counter()
            response = handler(api_event(method, path, body=body, claims=claims("front_desk", practice)),
                               LambdaContext())
            elapsed = time.perf_counter() - started
            assert response["statusCode"] < 300, response
            return json.loads(response["body"]), elapsed

        def with_tenant_role(enabled: bool) -> None:
            if enabled:
                os.environ["TENANT_ROLE_ARN"] = resources.tenant_role_arn
            else:
                os.environ.pop("TENANT_ROLE_ARN", None)
            settings.settings.cache_clear()

        patient = {"given_name": "Bench", "family_name": "Marker", "birth_date": "1980-01-01", "gender": "female"}
        practices = [f"bench-{n}" for n in range(PRACTICES)]
        ids = {}
        for practice in practices:  # set up (and warm imports, the secret, the audit heads) without timing
            with_tenant_role(False)
            ids[practice] = call("POST", "/patients", practice, patient)[0]["id"]
            call("GET", f"/patients/{ids[practice]}", practice)
        records_wiring.reset()

        def read(practice: str) -> float:
            return call("GET", f"/patients/{ids[practice]}", practice)[1] * 1000

        for practice in practices:  # a warm container: service built, every practice's audit head cached
            read(practice)

        # the first of these in the process also builds the STS client (a new container's true first request)
        with_tenant_role(True)
        sts_calls.clear()
        first_ever = read(practices[0])
        first_ever_sts_ms = sts_calls[0] * 1000
        cold = [read(p) for p in practices[1:]]
        cold_sts_ms = [s * 1000 for s in sts_calls[1:]]
        cold_assume_calls = len(sts_calls)
        warm_with, warm_without = [], []
        for _ in range(RUNS):  # interleaved, so drift in machine load hits both alike
            with_tenant_role(True)
            warm_with.append(read(practices[0]))
            with_tenant_role(False)
            warm_without.append(read(practices[0]))
        warm_assume_calls = len(sts_calls) - cold_assume_calls
        with_tenant_role(True)
        lookups = 20_000
        with tenancy.request():
            tenancy.bind(practices[0])
            started = time.perf_counter()
            for _ in range(lookups):
                tenancy.scoped_client()
            lookup_us = (time.perf_counter() - started) / lookups * 1e6
        tenancy._assume = real_assume

    median = statistics.median
    results = {
        "measured_on": "moto (in-process), records API GET /patients/{id}; medians",
        "cold_first_request_of_a_practice": {
            "sts_assume_role_calls_per_practice": cold_assume_calls / (len(cold) + 1),
            "practices": len(cold) + 1,
            "assume_role_and_client_ms_median": round(median(cold_sts_ms), 2),
            "first_in_container_incl_sts_client_ms": round(first_ever_sts_ms, 2),
            "request_wall_ms_median": round(median(cold), 2),
            "first_in_container_request_wall_ms": round(first_ever, 2),
        },
        "warm_request": {
            "sts_assume_role_calls": warm_assume_calls,  # over all the runs
            "runs": RUNS,
            "request_wall_ms_median_with_tenant_role": round(median(warm_with), 2),
            "request_wall_ms_median_without_tenant_role": round(median(warm_without), 2),
            "added_ms_median": round(median(warm_with) - median(warm_without), 2),
            "session_lookup_us_per_dynamodb_call": round(lookup_us, 2),
        },
        "cold_added_ms_vs_warm_median": round(median(cold) - median(warm_with), 2),
        "aws_assume_role_latency": AWS_ASSUME_ROLE_ESTIMATE_MS,
        "note": ("request wall times on moto vary by tens of ms run to run on a shared machine: the warm and cold "
                 "request differences are within that noise; the AssumeRole+client time and the per-call lookup "
                 "are timed directly"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tenant_credentials.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
