"""Billing benchmarks: claims built (X12 837P) and scrubbed per second, pure code; and DynamoDB requests
per claim lifecycle (create, scrub, build, submit, acknowledgement, 835, payment posted, patient billed),
counted with a botocore hook on the table's client while the service's steps run on moto in the order
the state machine runs them. The simulated clearinghouse's own table traffic is not counted: a real
clearinghouse is an HTTP/SFTP call, not DynamoDB.

Writes bench/results/claims.json."""

import json
import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()


def throughput(n: int = 3000) -> dict[str, float]:
    from functions.billing.scrub import ScrubContext, rule_table, scrub
    from functions.billing.x12_837 import Envelope, build
    from tests.unit.billing.claims import PROVIDER, TODAY, claim

    claims = [claim(id=f"01HZX3V6Q9K8W2M4N5P7R{n:05d}") for n in range(n)]
    table = rule_table()
    context = ScrubContext(today=TODAY)
    at = datetime(2024, 5, 2, tzinfo=UTC)
    started = time.perf_counter()
    for number, each in enumerate(claims, start=1):
        report = scrub(each, context, table)
        assert report.clean
        build(each, PROVIDER, Envelope("PRACTICEFLOW", "CLEARINGHOUSE", number, at))
    elapsed = time.perf_counter() - started
    return {"claims": n, "seconds": round(elapsed, 3), "claims_per_second": round(n / elapsed)}


def lifecycle() -> dict[str, object]:
    from contextlib import ExitStack
    from unittest.mock import patch

    import boto3
    from moto import mock_aws

    from functions.billing import wiring
    from functions.billing.clearinghouse import SimulatedClearinghouse
    from functions.core import container, table
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.fakes.billing import FakeClaimWorkflowEngine
    from tests.workflows.billing_support import biller, new_claim, new_patient, set_up_practice

    moto_patches.install()
    with mock_aws(), ExitStack() as stack:
        os.environ.update(provision(CATALOG).environment("billing"))
        container.reset()
        # the workflow is not started (only its steps are counted), and the simulation's requests are not counted
        engine = FakeClaimWorkflowEngine()
        simulated = SimulatedClearinghouse(table.Table(dynamodb=boto3.client("dynamodb")))
        stack.enter_context(patch.object(wiring, "workflow_engine", lambda: engine))
        stack.enter_context(patch.object(wiring, "clearinghouse", lambda: simulated))
        set_up_practice()
        patient = new_patient()
        today = datetime.now(UTC).date()
        new_claim(patient, today)  # warm: the audit chain head is cached, as in a warm container
        counter = RequestCounter()
        counter.watch(table.client())
        steps: dict[str, dict[str, int]] = {}

        charge_and_claim = new_claim(patient, today - timedelta(days=1))
        steps["create charge + claim (scrubbed at once)"] = counter.take()
        started = wiring.claims().submit(biller(), charge_and_claim.id, lambda: charge_and_claim.version)
        steps["submit (start the workflow)"] = counter.take()
        flow, practice, claim_id = wiring.claim_workflow(), biller().practice_id, started.id
        for name, step in (("check deadline", flow.check_deadline), ("scrub", flow.scrub), ("build 837P", flow.build),
                           ("submit to clearinghouse", flow.submit), ("acknowledgement", flow.check_ack),
                           ("835 remittance", flow.remittance.check_remit),
                           ("post payment", flow.remittance.post_payment),
                           ("bill patient share", flow.remittance.bill_patient_share)):
            step(practice, claim_id)
            steps[name] = counter.take()
        assert wiring.claim_ledger().claim(practice, claim_id).state == "paid"
    total = Counter()
    for counts in steps.values():
        total.update(counts)
    return {"requests_per_clean_claim_lifecycle": sum(total.values()), "by_operation": dict(total),
            "by_step": {name: sum(c.values()) for name, c in steps.items()}}


def main() -> None:
    results = {"build_and_scrub": throughput(), "dynamodb_requests": lifecycle()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "claims.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
