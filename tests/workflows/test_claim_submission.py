"""The claim submission state machine executed on moto, its steps' handlers in-process, against the
simulated clearinghouse: the paths a claim can take, each ending with the claim in a visible state. Business
outcomes (scrub failure, rejection, no answer, a missed filing deadline) end in Succeed with the outcome in the
execution's output; only faults end in Fail, the state the failed-executions alarm watches."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from functions.billing.clearinghouse import Adjudicated, Script, SimulatedClearinghouse
from functions.billing.models.claims import ResolveIn
from infra.catalog import CATALOG
from localcloud import moto_patches
from localcloud.cloud import LocalCloud
from tests.unit.billing.x12check import pyx12_errors
from tests.workflows.billing_support import PRACTICE, biller, new_claim, new_patient, set_up_practice

# a day's Wait is 86 ms, six hours' 22 ms; Retry backoff (30 s, 60 s, ...) a few ms
SCALE = 1e-6


@pytest.fixture
def local(tmp_path):
    # a fresh cloud per test: moto copies the whole table on every transaction, so a small table is a fast one
    with LocalCloud(CATALOG, tmp_path, persist=False) as cloud, moto_patches.wait_scale(SCALE):
        yield cloud


@pytest.fixture
def world(local):
    from functions.billing import wiring

    set_up_practice()
    return wiring, SimulatedClearinghouse(local.table())


def today() -> "datetime.date":
    return datetime.now(UTC).date()


def run(local, billing, claim, timeout_s: float = 20.0) -> dict:
    started = billing.claims().submit(biller(), claim.id, lambda: claim.version)
    return local.wait_for_execution(started.execution_arn, timeout_s)


def ended_with(done: dict, outcome: str, state: str) -> None:
    """The execution succeeded on a business outcome, and says which and what the claim was left in."""
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"])["outcome"] == {"outcome": outcome, "state": state}


def audited_actions(billing, claim_id: str) -> list[str]:
    """What happened to the claim (the test's own audited reads of it left out)."""
    audit = billing.audit_trail()
    return [e["action"] for e in audit.entries(PRACTICE) if e["entity"] == "CLAIM" and e["entity_id"] == claim_id
            and not e["action"].endswith(".read")]


def test_clean_claim_is_paid_posted_and_the_patient_billed_their_share(local, world):
    billing, _ = world
    claim = new_claim(new_patient(), today())
    assert claim.state == "scrubbed", claim.issues

    done = run(local, billing, claim)

    assert done["status"] == "SUCCEEDED", done
    paid = billing.claims().claim(biller(), claim.id)
    assert paid.state == "paid" and paid.frequency_code == "1"
    # 99213 150.00 + J3420 2 x 15.25: allowed 80 %, the patient's coinsurance 20 % of that
    assert paid.total_cents == 18050 and paid.paid_cents == 11552 and paid.patient_responsibility_cents == 2888
    invoice = billing.invoicing().invoice(biller(), paid.invoice_id)
    assert (invoice.amount_cents, invoice.balance_cents, invoice.claim_id) == (2888, 2888, claim.id)
    assert billing.payment_ledger().payment(PRACTICE, f"ERA-{claim.id}-1").amount_cents == 11552
    assert pyx12_errors(billing.claims().file(biller(), claim.id)) == []
    assert audited_actions(billing, claim.id) == [
        "claim.create", "claim.submission_started", "claim.scrub", "claim.build", "claim.submit",
        "claim.acknowledged", "claim.remit_received", "payment.post"]


def test_transient_outage_is_retried_with_backoff_then_succeeds(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today())
    clearinghouse.script(PRACTICE, Script(submit=["timeout", "throttle", "timeout", "ok"]), claim.id)

    done = run(local, billing, claim)

    assert done["status"] == "SUCCEEDED", done
    assert billing.claims().claim(biller(), claim.id).state == "paid"
    script = clearinghouse.table.get(f"PRACTICE#{PRACTICE}#CLEARINGHOUSE", f"SCRIPT#{claim.id}")
    assert script["submit_calls"] == 4 and script["accepted"] == 1  # three faults, then one submission taken


def test_permanent_rejection_leaves_the_claim_rejected_with_the_reason(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today())
    clearinghouse.script(PRACTICE, Script(submit=["reject"]), claim.id)

    done = run(local, billing, claim)

    ended_with(done, "rejected", "rejected")
    rejected = billing.claims().claim(biller(), claim.id)
    assert rejected.state == "rejected"
    assert rejected.state_reason.startswith("SubmissionRejected: 999 rejected")
    script = clearinghouse.table.get(f"PRACTICE#{PRACTICE}#CLEARINGHOUSE", f"SCRIPT#{claim.id}")
    assert script["submit_calls"] == 1  # a permanent fault is not retried


def test_denial_with_a_correctable_code_is_resubmitted_as_a_replacement(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today())
    clearinghouse.script(PRACTICE, Script(remits=[Adjudicated(outcome="denied", carc="16", rarc="MA130"),
                                                  Adjudicated(outcome="paid")]), claim.id)

    done = run(local, billing, claim)

    assert done["status"] == "SUCCEEDED", done
    final = billing.claims().claim(biller(), claim.id)
    assert final.state == "paid" and final.frequency_code == "7" and final.auto_resubmits == 1
    assert final.submissions == 2
    first, replacement = billing.claim_files().files(PRACTICE, claim.id, "FILE")
    assert "*11:B:1*" in first and "REF*F8" not in first
    assert "*11:B:7*" in replacement
    remit = billing.claim_files().files(PRACTICE, claim.id, "REMIT")[0]
    denial_icn = json.loads(json.dumps(remit)).split("*12*")[1][:13]
    assert f"REF*F8*{denial_icn}~" in replacement
    assert pyx12_errors(replacement) == []
    actions = audited_actions(billing, claim.id)
    assert actions.count("claim.correct") == 1 and actions.count("claim.submit") == 2


def test_denial_for_a_person_waits_on_the_task_token_and_resumes(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today())
    # CARC 31 (patient not identified) asks for the coverage on file; it has not changed, so a person decides
    clearinghouse.script(PRACTICE, Script(remits=[Adjudicated(outcome="denied", carc="31"),
                                                  Adjudicated(outcome="paid")]), claim.id)
    execution = billing.claims().submit(biller(), claim.id, lambda: claim.version).execution_arn

    # polled from the repository: each read through the service is audited, and 50 a second would crowd the trail
    waiting = wait_for(lambda: billing.claim_ledger().claim(PRACTICE, claim.id), lambda c: c.has_work_item)
    assert waiting.state == "needs_review" and "a person must correct it" in waiting.state_reason
    assert local._sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"

    billing.claims().resolve(biller(), claim.id, ResolveIn(action="resubmit", note="member id checked"),
                            lambda: waiting.version)
    done = local.wait_for_execution(execution, 20)

    assert done["status"] == "SUCCEEDED", done
    final = billing.claims().claim(biller(), claim.id)
    assert final.state == "paid" and final.frequency_code == "7" and not final.has_work_item
    assert "claim.resolve" in audited_actions(billing, claim.id)


def test_a_claim_past_the_filing_deadline_stops_before_submission(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today(), days_ago=120)  # the payer allows 90 days
    assert claim.state == "draft" and any(i.rule == "timely_filing" for i in claim.issues)

    done = run(local, billing, claim)

    ended_with(done, "timely_filing_missed", "timely_filing_missed")
    final = billing.claims().claim(biller(), claim.id)
    assert final.state == "timely_filing_missed" and "filing deadline" in final.state_reason
    assert not [call for call in clearinghouse.calls if call[1] == claim.id]
    assert billing.claim_files().files(PRACTICE, claim.id, "FILE") == []


def test_scrub_failure_and_no_answer_end_succeeded_with_the_claim_waiting_for_a_person(local, world):
    billing, clearinghouse = world
    # the coverage on file starts after the date of service: scrubbing fails again in the workflow
    unscrubbable = new_claim(new_patient(member_id="ABC987654", coverage_start=today()), today())
    assert unscrubbable.state == "draft" and any(i.rule == "coverage_active" for i in unscrubbable.issues)
    unanswered = new_claim(new_patient(), today())
    clearinghouse.script(PRACTICE, Script(ack_pending_polls=10**6), unanswered.id)  # the payer never acknowledges

    scrubbing = billing.claims().submit(biller(), unscrubbable.id, lambda: unscrubbable.version).execution_arn
    waiting = billing.claims().submit(biller(), unanswered.id, lambda: unanswered.version).execution_arn
    wait_for(lambda: billing.claim_ledger().claim(PRACTICE, unanswered.id), lambda c: c.state == "submitted")
    local.clock.advance(timedelta(days=8))  # past the week the workflow waits for an acknowledgement
    moto_patches.clock_moved()

    ended_with(local.wait_for_execution(scrubbing, 20), "scrub_failed", "needs_review")
    assert "scrubbing found" in billing.claim_ledger().claim(PRACTICE, unscrubbable.id).state_reason
    ended_with(local.wait_for_execution(waiting, 20), "no_answer", "needs_review")
    assert "no acknowledgement within 7 days" in billing.claim_ledger().claim(PRACTICE, unanswered.id).state_reason


def test_the_acknowledgement_is_asked_for_every_six_hours_then_the_remittance_daily(local, world):
    billing, clearinghouse = world
    claim = new_claim(new_patient(), today())
    clearinghouse.script(PRACTICE, Script(ack_pending_polls=1), claim.id)  # the second ask finds it

    def asks() -> int:
        submission = billing.claim_ledger().claim(PRACTICE, claim.id).submission_id
        polled = clearinghouse.table.get(f"PRACTICE#{PRACTICE}#CLEARINGHOUSE", f"SUBMISSION#{submission}")
        return int(polled.get("ack_polls", 0))

    def wakes_at(execution: str) -> datetime:
        local.drain()
        (deadline,) = moto_patches.parked_executions()[execution]
        return deadline

    def about(span: timedelta, expected: timedelta) -> bool:
        return abs(span - expected) < timedelta(seconds=30)

    with moto_patches.wait_scale(1):  # the Waits at full length, on the local clock
        execution = billing.claims().submit(biller(), claim.id, lambda: claim.version).execution_arn
        wait_for(lambda: billing.claim_ledger().claim(PRACTICE, claim.id), lambda c: c.state == "submitted")
        first = wakes_at(execution)
        assert about(first - local.clock.now(), timedelta(hours=6))

        local.advance(first - local.clock.now() - timedelta(minutes=1))
        assert asks() == 0  # nobody asks within the six hours
        local.advance(timedelta(minutes=2))
        assert asks() == 1 and billing.claim_ledger().claim(PRACTICE, claim.id).state == "submitted"
        second = wakes_at(execution)
        assert about(second - first, timedelta(hours=6))

        local.advance(second - local.clock.now() + timedelta(minutes=1))
        assert asks() == 2 and billing.claim_ledger().claim(PRACTICE, claim.id).state == "accepted"
        assert about(wakes_at(execution) - second, timedelta(days=1))  # then the 835, asked for daily

        local.advance(timedelta(days=1))
    done = local.wait_for_execution(execution, 20)
    assert done["status"] == "SUCCEEDED", done
    assert billing.claims().claim(biller(), claim.id).state == "paid"


def wait_for(read, done, timeout_s: float = 10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        time.sleep(0.02)
    raise TimeoutError("the condition did not come true")
