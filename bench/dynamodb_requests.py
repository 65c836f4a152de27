"""DynamoDB requests per records API call, counted with a botocore event hook on the table's client.

Runs the real handler on moto. "Cold" is a fresh container (no cached audit-chain head); "warm" is the
next call in the same container. The goal: a read is one request plus the audit write; a refused look at a
patient's record is the audit write alone."""

import json
import os

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()


def main() -> None:
    from moto import mock_aws

    from functions.core import secrets, settings, tenancy
    from functions.records import wiring as records_wiring
    from functions.records.handler import handler
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.support import LambdaContext, api_event, claims

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("records"))
        settings.settings.cache_clear()
        counter = RequestCounter()
        counter.watch(tenancy.practice_client("bench"))  # the records API's requests run in the practice's session
        secrets.page_token_key()  # a secret read, once per container: not a DynamoDB request
        who = claims("front_desk", "bench")

        def call(method: str, path: str, body=None, query=None, headers=None, caller=None,
                 expect: int | None = None) -> dict:
            response = handler(api_event(method, path, body=body, claims=caller or who, query=query,
                                         headers=headers), LambdaContext())
            assert response["statusCode"] == expect if expect else response["statusCode"] < 300, response
            return json.loads(response["body"]) if response["body"] else {}

        def new_container() -> None:
            records_wiring.reset()

        patient = {"given_name": "Bench", "family_name": "Marker", "birth_date": "1980-01-01",
                   "phone": "+14155550100", "email": "bench@example.org", "gender": "female"}
        results: dict[str, dict[str, int]] = {}
        new_container()
        counter.take()
        created = call("POST", "/patients", patient)
        results["create patient (cold container)"] = counter.take()
        pid = created["id"]
        new_container()
        call("GET", f"/patients/{pid}")
        results["read patient (cold container)"] = counter.take()
        call("GET", f"/patients/{pid}")
        results["read patient (warm)"] = counter.take()
        call("PATCH", f"/patients/{pid}", {"preferred_name": "B"}, headers={"If-Match": f'"{created["version"]}"'})
        results["update patient (warm)"] = counter.take()
        call("GET", "/patients", query={"family": "Mar"})
        results["search by name (warm)"] = counter.take()
        call("GET", "/patients", query={"phone": "+14155550100"})
        results["search by phone (warm)"] = counter.take()
        call("GET", f"/patients/{pid}/fhir")
        results["FHIR export (warm)"] = counter.take()
        another_patient = claims("patient", "bench", sub="patient-1", patient="someone-else")
        call("GET", f"/patients/{pid}", caller=another_patient, expect=403)
        results["refused read of another patient (warm)"] = counter.take()
    summary = {name: {"requests": sum(calls.values()), "by_operation": calls} for name, calls in results.items()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dynamodb_requests.json").write_text(json.dumps(summary, indent=2) + "\n")
    for name, row in summary.items():
        print(f"{name:40} {row['requests']:>2}  {row['by_operation']}")


if __name__ == "__main__":
    main()
