"""Claims on the fakes: made and scrubbed at once, one state at a time, submission starting the workflow once
per version, a person's decision resuming it, and the workflow's steps moving the claim."""

from datetime import timedelta

import pytest

from functions.billing import remit
from functions.billing.clearinghouse import Acknowledgement
from functions.billing.models.claims import ClaimIn, ResolveIn
from functions.core.errors import Conflict, PreconditionFailed
from tests.unit.billing.world import BILLER, PRACTICE, world


def test_a_clean_claim_is_scrubbed_at_once_and_audited_with_its_event():
    w = world()
    claim = w.a_claim()
    assert claim.state == "scrubbed" and claim.total_cents == 15000 and claim.issues == []
    assert w.trail.actions()[-1] == "claim.create" and w.trail.event_types()[-1] == "billing.claim.created"
    with pytest.raises(Conflict) as again:
        w.claims.create(BILLER, ClaimIn(charge_id=claim.charge_id))
    assert again.value.code == "claim_exists"


def test_a_claim_past_the_filing_deadline_stays_a_draft_with_the_rule_named():
    claim = world().a_claim(days_ago=120)  # the payer allows 90 days
    assert claim.state == "draft" and any(issue.rule == "timely_filing" for issue in claim.issues)


def test_submitting_starts_the_workflow_once_per_version_and_a_stale_version_is_412():
    w = world()
    claim = w.a_claim()
    started = w.claims.submit(BILLER, claim.id, lambda: claim.version)
    assert started.execution_arn.endswith(f"{claim.id}-v2") and started.version == claim.version + 1
    assert w.engine.started == [(f"{claim.id}-v2", {"practice_id": PRACTICE, "claim_id": claim.id})]
    with pytest.raises(PreconditionFailed):
        w.claims.submit(BILLER, claim.id, lambda: claim.version)


def test_a_claim_moves_only_where_its_state_allows():
    w = world()
    claim = w.a_claim()
    w.workflow.build(PRACTICE, claim.id)
    w.workflow.submit(PRACTICE, claim.id)
    with pytest.raises(Conflict) as refused:
        w.claims.scrub(BILLER, claim.id)
    assert refused.value.code == "invalid_transition"
    submitted = w.ledger.claim(PRACTICE, claim.id)
    with pytest.raises(Conflict) as not_now:
        w.claims.submit(BILLER, claim.id, lambda: submitted.version)
    assert not_now.value.code == "invalid_transition"


def test_the_steps_take_a_clean_claim_to_submitted_then_accepted():
    w = world()
    claim = w.a_claim()
    assert w.workflow.check_deadline(PRACTICE, claim.id)["passed"] is False
    assert w.workflow.scrub(PRACTICE, claim.id) == {"clean": True, "issues": 0}
    control = w.workflow.build(PRACTICE, claim.id)["control_number"]
    assert w.files.file(PRACTICE, claim.id, "FILE", control).startswith("ISA*")
    assert w.workflow.submit(PRACTICE, claim.id) == {"submission_id": "SUB-1"}
    assert w.workflow.submit(PRACTICE, claim.id) == {"submission_id": "SUB-1"}  # a retried step sends nothing
    assert len(w.clearinghouse.submitted) == 1
    assert w.workflow.check_ack(PRACTICE, claim.id) == {"status": "accepted"}
    accepted = w.ledger.claim(PRACTICE, claim.id)
    assert accepted.state == "accepted" and accepted.submissions == 1
    assert accepted.follow_up_on == w.now().date() + timedelta(days=30)


def test_no_acknowledgement_within_a_week_asks_a_person():
    w = world()
    claim = w.a_claim()
    w.workflow.build(PRACTICE, claim.id)
    w.workflow.submit(PRACTICE, claim.id)
    w.clearinghouse.ack = Acknowledgement("pending")
    assert w.workflow.check_ack(PRACTICE, claim.id) == {"status": "pending"}
    w.clock[0] += timedelta(days=8)
    assert w.workflow.check_ack(PRACTICE, claim.id) == {"status": "no_answer"}
    assert w.ledger.claim(PRACTICE, claim.id).state == "needs_review"


def test_a_work_item_holds_the_token_and_a_persons_decision_resumes_the_workflow():
    w = world()
    claim = w.a_claim()
    w.workflow.open_work_item(PRACTICE, claim.id, "token-1", "denied (CO-50)")
    waiting = w.ledger.claim(PRACTICE, claim.id)
    assert waiting.state == "needs_review" and waiting.has_work_item
    resolved = w.claims.resolve(BILLER, claim.id, ResolveIn(action="close", note="written off"),
                                lambda: waiting.version)
    assert not resolved.has_work_item and resolved.task_token is None
    assert w.engine.resumed == [("token-1", {"action": "close", "by": "biller-1"})]


def test_a_failed_claim_is_voided_by_a_person_without_the_workflow():
    w = world()
    claim = w.a_claim()
    w.workflow.mark(PRACTICE, claim.id, "failed", "States.Timeout", "")
    failed = w.ledger.claim(PRACTICE, claim.id)
    assert failed.state == "failed" and failed.state_reason == "States.Timeout"
    voided = w.claims.resolve(BILLER, claim.id, ResolveIn(action="void"), lambda: failed.version)
    assert voided.state == "void" and w.engine.resumed == []


def test_a_denial_with_a_correctable_code_is_corrected_as_a_replacement():
    w = world()
    claim = w.a_claim()
    w.workflow.build(PRACTICE, claim.id)
    w.workflow.submit(PRACTICE, claim.id)
    sent = w.ledger.claim(PRACTICE, claim.id)
    w.clearinghouse.remits["SUB-1"] = remit.build(sent, remit.Adjudication("denied", "16", "MA130"), "ICN000000001",
                                                  sent.control_number, w.now())
    assert w.workflow.remittance.check_remit(PRACTICE, claim.id) == {"outcome": "denied"}
    decision = w.workflow.remittance.apply_denial_rules(PRACTICE, claim.id)
    assert decision["action"] == "resubmit"
    corrected = w.workflow.correct(PRACTICE, claim.id, decision["correction"], True, decision["reason"])
    assert corrected["corrected"] is True and corrected["frequency_code"] == "7"
    assert w.ledger.claim(PRACTICE, claim.id).auto_resubmits == 1
