"""Property-based, over HTTP: schemathesis reads the OpenAPI document `practice serve` serves and sends every
operation generated requests, valid and invalid (edge values, wrong types, odd characters), once with a
coordinator's token and once with a patient's. Any 5xx fails: odd input is the caller's mistake, a 4xx.

Bounded in time: a few examples per operation, and half of the ids in paths are the demo practice's real
ones, so requests get past "not found" into the rules."""

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from localcloud import tokens
from localcloud.store import DataDir
from tests.e2e.test_serve import ROOT, Server

pytestmark = pytest.mark.e2e

# per operation, per role; PRACTICE_FUZZ_EXAMPLES=50 for a longer hunt
EXAMPLES = int(os.environ.get("PRACTICE_FUZZ_EXAMPLES", "2"))
COVERAGE = os.environ.get("PRACTICE_FUZZ_COVERAGE") == "1"
KNOWN: dict[str, list[str]] = {}  # the demo practice's ids, by the path parameter names that carry them


class Served:
    def __init__(self, server: Server, data_dir: Path) -> None:
        demo = json.loads((data_dir / "demo.json").read_text())
        key = DataDir(data_dir).token_signing_key()
        patient = demo["patients"][0]
        self.url = server.url
        self.tokens = {"coordinator": tokens.mint(key, "coordinator", demo["practice"]),
                       "patient": tokens.mint(key, "patient", demo["practice"], patient=patient)}
        KNOWN.update(patient_id=demo["patients"][:2], practitioner_id=demo["practitioners"],
                     type_id=demo["appointment_types"])
        if "inventory" in demo:
            stock = demo["inventory"]
            KNOWN.update(item_id=list(stock["items"].values()), location_id=stock["locations"],
                         supplier_id=stock["suppliers"])


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_template) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(demo_template, data_dir)  # the demo practice, seeded once per worker (conftest.py)
    server = Server(data_dir, "fuzz")
    try:
        server.wait_until_healthy()
        yield Served(server, data_dir)
    finally:
        server.kill()


# The checked-in document, which the served one must equal (checked below): loading it at collection lets
# pytest make one test per operation, spread over the workers.
schema = schemathesis.openapi.from_path(ROOT / "openapi.json", config=schemathesis.Config.from_dict({
    # fuzzing makes valid and invalid requests; the coverage phase (every boundary and wrong type of every
    # parameter, unexpected methods) is tens of requests an operation: PRACTICE_FUZZ_COVERAGE=1 adds it
    "phases": {"examples": {"enabled": False}, "stateful": {"enabled": False},
               "coverage": {"enabled": COVERAGE}},
}))


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy:
    known = {name: st.sampled_from(KNOWN[name]) for name in path_parameters or () if KNOWN.get(name)}
    if not known:
        return st.just(path_parameters)
    real = st.fixed_dictionaries(known).map(lambda ids: {**path_parameters, **ids})
    return st.one_of(st.just(path_parameters), real)


def test_the_served_document_is_the_checked_in_one(served):
    with urllib.request.urlopen(f"{served.url}/openapi.json", timeout=30) as response:  # noqa: S310 - loopback
        assert json.loads(response.read()) == json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error(case, served):
    for role, token in served.tokens.items():
        try:
            case.call_and_validate(base_url=served.url, headers={"Authorization": f"Bearer {token}"},
                                   checks=[not_a_server_error], timeout=30)
        except Exception as failure:  # schemathesis' failure group: say which token it came with
            failure.add_note(f"as the {role}")
            raise


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_a_method_api_gateway_does_not_route_is_405_not_501(served, method):
    request = urllib.request.Request(f"{served.url}/patients", method=method)  # noqa: S310 - loopback
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback
    assert refused.value.code == 405
    assert json.loads(refused.value.read())["error"]["code"] == "method_not_allowed"
