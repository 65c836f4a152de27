"""The billing rules a practice would recognise: a charge is priced from the fee schedule, a claim bills
the coverage in force on the date of service and is scrubbed before it leaves, every claim is in exactly
one state and every change of state is audited, a denial is handled by the practice's denial rules, a
replacement quotes the payer's claim number, the patient is billed their share, and a payment retried
with the same Idempotency-Key is taken once. Plain values in, models out; storage, the patient's
records, the clearinghouse and the workflow engine come in as ports."""

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from functions.billing import denials, remit, scrub
from functions.billing.clearinghouse import Clearinghouse
from functions.billing.models.charges import Charge, ChargeIn, ChargeLine
from functions.billing.models.claims import (
    SUBMITTABLE,
    TRANSITIONS,
    Claim,
    ClaimIn,
    ClaimPage,
    ResolveIn,
    ScrubResult,
    Subscriber,
)
from functions.billing.models.money import (
    AgingReport,
    AgingRow,
    Invoice,
    InvoiceIn,
    InvoiceList,
    Payment,
    PaymentIn,
    PaymentSummary,
    Statement,
)
from functions.billing.models.setup import (
    ClaimSettings,
    ClaimSettingsIn,
    FeeSchedule,
    FeeScheduleIn,
    Payer,
    PayerIn,
    PayerList,
)
from functions.billing.x12_837 import Envelope, build
from functions.core import clock, pagination
from functions.core.auth import Caller, Role, may_reach
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, stale
from functions.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, fingerprint
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.observability import logger, metrics
from functions.core.service import AreaService
from functions.core.table import Operation

BILLERS = frozenset({Role.BILLING, Role.COORDINATOR})
SENDER_ID = "PRACTICEFLOW"
RECEIVER_ID = "CLEARINGHOUSE"
# How long the workflow waits for an acknowledgement, and then a remittance, before a person is asked.
ACK_PATIENCE = timedelta(days=7)
REMIT_PATIENCE = timedelta(days=60)
PAYMENT_ATTEMPTS = 3
BUCKETS = ("0-30", "31-60", "61-90", "90+")


class Directory(Protocol):
    """The patient's record (demographics and coverages) from the records area."""

    def record(self, practice_id: str, patient_id: str) -> Any: ...


class Workflow(Protocol):
    """The claim submission state machine."""

    def start(self, name: str, payload: dict[str, Any]) -> str: ...

    def resume(self, task_token: str, output: dict[str, Any]) -> None: ...


def workflow_caller(practice_id: str, request_id: str = "claim-submission") -> Caller:
    """Who the workflow's steps act as, in the audit trail."""
    return Caller(user_id="workflow:claim-submission", practice_id=practice_id, roles=frozenset({Role.BILLING}),
                  request_id=request_id)


def bucket(age_days: int) -> str:
    if age_days <= 30:
        return "0-30"
    if age_days <= 60:
        return "31-60"
    if age_days <= 90:
        return "61-90"
    return "90+"


class BillingService(AreaService):
    def __init__(self, repo: Any, directory: Directory, clearinghouse: Clearinghouse, workflow: Workflow | None,
                 page_key: Callable[[], bytes] = lambda: b"unset",
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.repo = repo
        self.audit = repo.audit
        self.directory = directory
        self.clearinghouse = clearinghouse
        self.workflow = workflow
        self.page_key = page_key
        self.now = now
        self.make_id = make_id

    # --- settings, fee schedule, payers ----------------------------------------------------------------
    def claim_settings(self, caller: Caller) -> ClaimSettings:
        found = self.repo.settings(caller.practice_id)
        if found is None:
            raise NotFound("the practice has no claim settings yet: PUT /claims/settings", code="no_settings")
        return found

    def put_claim_settings(self, caller: Caller, body: ClaimSettingsIn, version: int) -> ClaimSettings:
        self._known_rules(body.scrub_rules)
        at = self._at()
        settings = ClaimSettings(**body.model_dump(), version=version + 1, updated_at=at)
        self.repo.put_config(caller.practice_id, "SETTINGS", "BILLING_SETTINGS", settings.model_dump(mode="json"),
                             version, self._draft(caller, "billing.settings.put", "BILLING", "settings", None, at),
                             [self._event("billing.settings.changed", caller, "settings")])
        return settings

    def fee_schedule(self, caller: Caller) -> FeeSchedule:
        return self.repo.fee_schedule(caller.practice_id)

    def put_fee_schedule(self, caller: Caller, body: FeeScheduleIn, version: int) -> FeeSchedule:
        at = self._at()
        schedule = FeeSchedule(fees=body.fees, version=version + 1, updated_at=at)
        self.repo.put_config(caller.practice_id, "FEE_SCHEDULE", "FEE_SCHEDULE", schedule.model_dump(mode="json"),
                             version, self._draft(caller, "billing.fee_schedule.put", "BILLING", "fee-schedule",
                                                  None, at),
                             [self._event("billing.fee_schedule.changed", caller, "fee-schedule",
                                          fees=len(body.fees))])
        return schedule

    def put_payer(self, caller: Caller, payer_id: str, body: PayerIn, version: int) -> Payer:
        segment(payer_id, "payer id")
        self._known_rules(body.scrub_rules)
        at = self._at()
        payer = Payer(**body.model_dump(), id=payer_id, version=version + 1, updated_at=at)
        self.repo.put_config(caller.practice_id, f"PAYER#{payer_id}", "PAYER", payer.model_dump(mode="json"), version,
                             self._draft(caller, "billing.payer.put", "PAYER", payer_id, None, at),
                             [self._event("billing.payer.changed", caller, payer_id)])
        return payer

    def payer(self, caller: Caller, payer_id: str) -> Payer:
        found = self.repo.payer(caller.practice_id, segment(payer_id, "payer id"))
        if found is None:
            raise NotFound("no such payer", code="payer_not_found")
        return found

    def payers(self, caller: Caller) -> PayerList:
        return PayerList(payers=self.repo.payers(caller.practice_id))

    @staticmethod
    def _known_rules(table: dict) -> None:
        if unknown := scrub.unknown_rules(table):
            raise Invalid("no such scrubbing rule", {"unknown": unknown, "known": sorted(scrub.RULES)},
                          code="unknown_rule")

    # --- charges ------------------------------------------------------------------------------------------
    def create_charge(self, caller: Caller, body: ChargeIn) -> Charge:
        record = self._patient(caller.practice_id, body.patient_id)
        del record
        fees = self.repo.fee_schedule(caller.practice_id)
        lines = []
        for n, line in enumerate(body.lines, start=1):
            price = line.charge_cents
            if price is None:
                unit = fees.price(line.procedure_code, line.modifiers)
                if unit is None:
                    raise Invalid(f"line {n}: {line.procedure_code} is not in the fee schedule: add it there or send "
                                  "charge_cents", code="no_fee")
                price = unit * line.units
            lines.append(ChargeLine(**line.model_dump(exclude={"charge_cents"}), charge_cents=price))
        at = self._at()
        charge = Charge(**body.model_dump(exclude={"lines"}), lines=lines,
                        total_cents=sum(x.charge_cents for x in lines), id=self.make_id(), created_at=at,
                        created_by=caller.user_id)
        self.repo.create_charge(caller.practice_id, charge,
                                self._draft(caller, "charge.create", "CHARGE", charge.id, charge.patient_id, at),
                                [self._event("billing.charge.created", caller, charge.id, patient_id=charge.patient_id,
                                             total_cents=charge.total_cents)])
        return charge

    def charge(self, caller: Caller, charge_id: str) -> Charge:
        charge = self._charge(caller, charge_id)
        self._audit_read(caller, "charge.read", "CHARGE", charge.id, charge.patient_id)
        return charge

    def _charge(self, caller: Caller, charge_id: str) -> Charge:
        found = self.repo.charge(caller.practice_id, segment(charge_id, "charge id"))
        if found is None:
            raise NotFound("no such charge", code="charge_not_found")
        return found

    # --- claims: made, scrubbed, listed ---------------------------------------------------------------------
    def create_claim(self, caller: Caller, body: ClaimIn) -> Claim:
        practice = caller.practice_id
        charge = self._charge(caller, body.charge_id)
        subscriber, payer = self._coverage(practice, charge.patient_id, body.rank, charge.date_of_service)
        at = self._at()
        claim = Claim(
            id=self.make_id(), charge_id=charge.id, patient_id=charge.patient_id, rank=body.rank, payer_id=payer.id,
            payer_name=payer.name, payer_electronic_id=payer.electronic_id, subscriber=subscriber,
            date_of_service=charge.date_of_service, place_of_service=charge.place_of_service,
            rendering_npi=charge.rendering_npi, diagnoses=charge.diagnoses, lines=charge.lines,
            total_cents=charge.total_cents, state="draft",
            timely_filing_deadline=charge.date_of_service + timedelta(days=payer.timely_filing_days),
            version=1, created_at=at, updated_at=at,
        )
        report = self._scrub(practice, claim, payer)
        claim = claim.model_copy(update={"issues": report.issues, "state": "scrubbed" if report.clean else "draft",
                                         "state_reason": report.summary})
        self.repo.create_claim(practice, claim, self._draft(caller, "claim.create", "CLAIM", claim.id,
                                                             claim.patient_id, at),
                               [self._event("billing.claim.created", caller, claim.id, state=claim.state,
                                            payer_id=payer.id)])
        logger.info("claim created", extra={"claim_id": claim.id, "state": claim.state})
        return claim

    def claim(self, caller: Caller, claim_id: str) -> Claim:
        """A claim: the subscriber's name, birth date and member id, the diagnoses. An audited read."""
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        self._audit_read(caller, "claim.read", "CLAIM", claim.id, claim.patient_id)
        return claim

    def claim_file(self, caller: Caller, claim_id: str) -> str:
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.control_number is None:
            raise NotFound("no 837P has been built for this claim yet", code="no_file",
                           subject_patient_id=claim.patient_id)
        self._audit_read(caller, "claim.file.read", "CLAIM", claim.id, claim.patient_id)
        return self.repo.file(caller.practice_id, claim.id, "FILE", claim.control_number) or ""

    def claims(self, caller: Caller, state: str | None = None, limit: int = 50, page_token: str | None = None, *,
               patient_id: str | None = None, payer_id: str | None = None, first: date | None = None,
               last: date | None = None) -> ClaimPage:
        """The practice's claims, newest date of service first, each filter optional."""
        if state is not None and state not in TRANSITIONS:
            raise Invalid(f"state must be one of {sorted(TRANSITIONS)}", code="invalid_state")
        if first is not None and last is not None and last < first:
            raise Invalid("`to` is before `from`", code="invalid_range")
        filters = {"state": state, "patient_id": patient_id, "payer_id": payer_id, "from": first, "to": last}
        # the token is good for this practice and this exact set of filters only
        query = "claims." + hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:24]
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        claims, after = self.repo.claims(caller.practice_id, state=state, patient_id=patient_id, payer_id=payer_id,
                                         first=first, last=last, limit=limit, start_key=start)
        token = pagination.encode(after, practice_id=caller.practice_id, query=query, key=self.page_key()) if after \
            else None
        if patient_id is not None:  # one patient's claims: their record was shown
            self._audit_read(caller, "claim.list", "PATIENT", patient_id, patient_id)
        else:  # claims across patients: one entry naming the filter, no one subject
            self._audit_read(caller, "claim.list", "CLAIM_STATE", state or "any", None)
        return ClaimPage(claims=claims, next_page_token=token)

    def scrub_claim(self, caller: Caller, claim_id: str) -> ScrubResult:
        """Scrub again (after the charge, coverage or rules changed); a clean draft becomes scrubbed."""
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.state not in {"draft", "scrubbed"}:
            raise Conflict(f"a {claim.state} claim is not scrubbed from here", code="invalid_transition")
        report = self._scrub(caller.practice_id, claim)
        to = "scrubbed" if report.clean else "draft"
        claim = self._move(caller, claim, to, report.summary, "scrub", issues=report.issues)
        return ScrubResult(claim_id=claim.id, clean=report.clean, state=claim.state, issues=report.issues)

    def _scrub(self, practice_id: str, claim: Claim, payer: Payer | None = None) -> scrub.ScrubReport:
        settings = self.repo.settings(practice_id)
        payer = payer or self.repo.payer(practice_id, claim.payer_id)
        table = scrub.rule_table(settings.scrub_rules if settings else None, payer.scrub_rules if payer else None)
        context = scrub.ScrubContext(today=self._today(), duplicates=tuple(self.repo.duplicates(practice_id, claim)),
                                     billing_provider_set=settings is not None)
        report = scrub.scrub(claim, context, table)
        if claim.subscriber.relationship != "self":
            report.issues.append(scrub.Issue(
                rule="subscriber_is_patient", severity="error", field="subscriber.relationship",
                message="the coverage's subscriber is not the patient; records holds no subscriber demographics, so "
                        "this claim must be billed by hand (2000C patient loop)"))
        return report

    def _coverage(self, practice_id: str, patient_id: str, rank: str, day: date) -> tuple[Subscriber, Payer]:
        record = self._patient(practice_id, patient_id)
        of_rank = [c for c in record.coverages if c.rank == rank]
        if not of_rank:
            raise Invalid(f"the patient has no {rank} coverage: add it in the patient's record", code="no_coverage")
        active = [c for c in of_rank if c.active_on(day)]
        coverage = active[0] if active else max(of_rank, key=lambda c: c.period_start)
        payer = self.repo.payer(practice_id, coverage.payer_id)
        if payer is None:
            raise Invalid(f"payer {coverage.payer_id!r} is not set up for billing: PUT /payers/{coverage.payer_id}",
                          code="payer_not_set_up")
        address = record.address
        us_address = address is not None and address.country == "US" and address.state and len(address.state) == 2 \
            and address.postal_code
        subscriber = Subscriber(
            member_id=coverage.member_id, group_number=coverage.group_number, given_name=record.given_name,
            family_name=record.family_name, birth_date=record.birth_date, gender=record.gender,
            address_line=address.lines[0] if us_address else None, city=address.city if us_address else None,
            state=address.state.upper() if us_address else None,
            postal_code=address.postal_code.replace("-", "") if us_address else None,
            relationship=coverage.subscriber_relationship, coverage_id=coverage.id,
            coverage_start=coverage.period_start, coverage_end=coverage.period_end,
        )
        return subscriber, payer

    def _patient(self, practice_id: str, patient_id: str):
        record = self.directory.record(practice_id, segment(patient_id, "patient id"))
        if record is None or record.deleted_at is not None:
            raise NotFound("no such patient", code="patient_not_found")
        return record

    # --- claims: submission and a person's decisions -----------------------------------------------------------
    def submit_claim(self, caller: Caller, claim_id: str, version: int) -> Claim:
        """Start the submission workflow. The execution name comes from the claim's version, so a retried
        request starts (or finds) the same execution, and two racing requests cannot both start one."""
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.version != version:
            raise stale("claim")
        if claim.has_work_item:
            raise Conflict("a work item waits on this claim: resolve it (POST /claims/{id}/resolve)",
                           code="work_item_open")
        if claim.state not in SUBMITTABLE:
            raise Conflict(f"a {claim.state} claim cannot be submitted", code="invalid_transition")
        return self._start(caller, claim, "claim.submission_started")

    def _start(self, caller: Caller, claim: Claim, action: str) -> Claim:
        """Start first, then record: racing requests that read the same version name the same execution
        with the same input, which Step Functions starts once; the loser's claim write is a 409."""
        if self.workflow is None:
            raise RuntimeError("no workflow is wired")
        name = f"{claim.id}-v{claim.version + 1}"
        arn = self.workflow.start(name, {"practice_id": caller.practice_id, "claim_id": claim.id})
        return self._move(caller, claim, claim.state, claim.state_reason, action.split(".", 1)[1],
                          execution_arn=arn)

    def resolve(self, caller: Caller, claim_id: str, body: ResolveIn, expected_version: int) -> Claim:
        """A billing person's decision on a claim waiting for one: resubmit (after correcting the charge or
        coverage), void or close. A waiting workflow is resumed with it; otherwise it is acted on here."""
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.version != expected_version:
            raise stale("claim")
        note = f"{body.action} by {caller.user_id}" + (f": {body.note}" if body.note else "")
        if claim.has_work_item and claim.task_token:
            token = claim.task_token
            updated = self._move(caller, claim, claim.state, note, "resolve", has_work_item=False, task_token=None)
            self.workflow.resume(token, {"action": body.action, "by": caller.user_id})
            return updated
        if claim.state not in {"needs_review", "rejected", "failed"}:
            raise Conflict(f"a {claim.state} claim has nothing to resolve", code="nothing_to_resolve")
        if body.action == "void":
            return self._move(caller, claim, "void", note, "void")
        if body.action == "close":
            return self._move(caller, claim, "closed", note, "close")
        refreshed = self._refreshed(caller.practice_id, claim)
        return self._start(caller, refreshed, "claim.resubmission_started")

    # --- workflow steps (called by tasks.py; each returns a small dict) -------------------------------------
    def step_check_deadline(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        return {"passed": self._today() > claim.timely_filing_deadline,
                "deadline": claim.timely_filing_deadline.isoformat()}

    def step_timely_filing_missed(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        reason = (f"the payer's filing deadline {claim.timely_filing_deadline} passed before the claim could be "
                  "(re)submitted: appeal with proof of timely filing or write it off")
        if claim.state != "timely_filing_missed":
            claim = self._move(workflow_caller(practice_id), claim, "timely_filing_missed", reason,
                               "timely_filing_missed", task_token=None, has_work_item=False)
        # the alert: an error log line and a metric the monitoring alarms on; the event reaches a person
        logger.error("timely filing deadline missed", extra={"claim_id": claim_id, "practice_id": practice_id})
        metrics.add_metric(name="TimelyFilingMissed", unit="Count", value=1)
        return {"state": claim.state}

    def step_scrub(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        report = self._scrub(practice_id, claim)
        caller = workflow_caller(practice_id)
        if report.clean:
            self._move(caller, claim, "scrubbed", "clean", "scrub", issues=report.issues)
        else:
            self._move(caller, claim, "needs_review", f"scrubbing found: {report.summary}", "scrub",
                       issues=report.issues)
        return {"clean": report.clean, "issues": len([i for i in report.issues if i.severity == "error"])}

    def step_build(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        settings = self.repo.settings(practice_id)
        if settings is None:
            raise Invalid("the practice has no billing provider", code="no_settings")
        control = self.repo.next_control_number(practice_id)
        document = build(claim, settings.billing_provider, Envelope(SENDER_ID, RECEIVER_ID, control, self.now()))
        self.repo.put_file(practice_id, claim.id, "FILE", control, document, self._at())
        self._move(workflow_caller(practice_id), claim, claim.state, claim.state_reason, "build",
                   control_number=control)
        return {"control_number": control}

    def step_submit(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state == "submitted":  # a retried step whose first try got through
            return {"submission_id": claim.submission_id}
        document = self.repo.file(practice_id, claim.id, "FILE", claim.control_number or 0)
        if document is None:
            raise Invalid("no 837P was built for this claim", code="no_file")
        submission_id = self.clearinghouse.submit(practice_id, claim.control_number, document)
        today = self._today()
        settings = self.repo.settings(practice_id)
        self._move(workflow_caller(practice_id), claim, "submitted", f"sent as {submission_id}", "submit",
                   submission_id=submission_id, submissions=claim.submissions + 1, submitted_at=self._at(),
                   follow_up_on=today + timedelta(days=settings.follow_up_days if settings else 30))
        return {"submission_id": submission_id}

    def step_check_ack(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state != "submitted":
            return {"status": "accepted" if claim.state == "accepted" else claim.state}
        ack = self.clearinghouse.acknowledgement(practice_id, claim.submission_id or "")
        caller = workflow_caller(practice_id)
        if ack.status == "accepted":
            self._move(caller, claim, "accepted", "acknowledged by the payer (277CA)", "acknowledged")
        elif ack.status == "rejected":
            self._move(caller, claim, "rejected", f"rejected by the payer: {ack.reason}", "rejected")
        elif self.now() - datetime.fromisoformat(claim.submitted_at.replace("Z", "+00:00")) > ACK_PATIENCE:
            self._move(caller, claim, "needs_review", f"no acknowledgement within {ACK_PATIENCE.days} days",
                       "no_answer")
            return {"status": "no_answer"}
        return {"status": ack.status}

    def step_check_remit(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """The 835, when it has come: kept with the claim, and the claim moved to paid, partially paid or
        denied with the amounts and the CARC/RARC codes."""
        claim = self._claim(practice_id, claim_id)
        if claim.state in {"paid", "partially_paid", "denied"}:
            return {"outcome": claim.state}
        document = self.clearinghouse.remittance(practice_id, claim.submission_id or "")
        caller = workflow_caller(practice_id)
        if document is None:
            submitted = datetime.fromisoformat(claim.submitted_at.replace("Z", "+00:00"))
            if self.now() - submitted > REMIT_PATIENCE:
                self._move(caller, claim, "needs_review", f"no remittance within {REMIT_PATIENCE.days} days",
                           "no_answer")
                return {"outcome": "no_answer"}
            return {"outcome": "pending"}
        answer = remit.remittance_for(document, claim.id)
        if answer is None:
            raise Invalid("the 835 does not answer this claim", code="remit_mismatch")
        self.repo.put_file(practice_id, claim.id, "REMIT", claim.control_number or 0, document, self._at())
        outcome = answer.outcome
        reason = {"paid": "paid", "partially_paid": "partially paid: some lines denied",
                  "denied": "denied"}[outcome]
        codes = sorted({f"{a.group}-{a.carc}" for a in answer.adjustments if a.group != "PR" and a.carc != "45"})
        if codes:
            reason += f" ({', '.join(codes)}; remarks {', '.join(answer.remark_codes) or 'none'})"
        self._move(caller, claim, outcome, reason, "remit_received", paid_cents=answer.paid_cents,
                   patient_responsibility_cents=answer.patient_responsibility_cents, adjustments=answer.adjustments,
                   remark_codes=answer.remark_codes, payer_claim_control_number=answer.payer_claim_control_number,
                   answered_at=self._at())
        metrics.add_metric(name=f"Claims{outcome.title().replace('_', '')}", unit="Count", value=1)
        return {"outcome": outcome}

    def step_post_payment(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """The payer's payment, recorded once (its id is made from the claim and the submission)."""
        claim = self._claim(practice_id, claim_id)
        if claim.paid_cents <= 0:
            return {"posted_cents": 0}
        payment = Payment(id=f"ERA-{claim.id}-{claim.submissions}", invoice_id="-", patient_id=claim.patient_id,
                          amount_cents=claim.paid_cents, method="eft", reference=None, source="payer",
                          received_at=self._at(), recorded_by="workflow:claim-submission")
        caller = workflow_caller(practice_id)
        with contextlib.suppress(Conflict):  # Conflict: posted by an earlier try of this step
            self.repo.post_payer_payment(practice_id, payment,
                                         self._draft(caller, "payment.post", "CLAIM", claim.id, claim.patient_id),
                                         [self._event("billing.payment.posted", caller, payment.id, claim_id=claim.id,
                                                      amount_cents=claim.paid_cents)])
        return {"posted_cents": claim.paid_cents}

    def step_bill_patient_share(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """An invoice for the patient's responsibility on the 835 (deductible, coinsurance, copay)."""
        claim = self._claim(practice_id, claim_id)
        share = claim.patient_responsibility_cents
        if share <= 0 or claim.invoice_id:
            return {"invoice_id": claim.invoice_id, "amount_cents": share}
        at = self._at()
        invoice = Invoice(id=f"INV-{claim.id}-{claim.submissions}", patient_id=claim.patient_id, claim_id=claim.id,
                          charge_id=claim.charge_id, description=f"Your share of the visit on {claim.date_of_service}",
                          amount_cents=share, balance_cents=share, status="open", issued_on=self._today(), version=1,
                          created_at=at, updated_at=at)
        caller = workflow_caller(practice_id)
        updated = claim.model_copy(update={"invoice_id": invoice.id, "version": claim.version + 1, "updated_at": at})
        with contextlib.suppress(Conflict):  # Conflict: issued by an earlier try of this step
            self.repo.create_invoice(practice_id, invoice,
                                     self._draft(caller, "invoice.create", "INVOICE", invoice.id, claim.patient_id, at),
                                     [self._event("billing.invoice.issued", caller, invoice.id,
                                                  patient_id=claim.patient_id, amount_cents=share)],
                                     with_claim=(updated, claim.version))
        return {"invoice_id": invoice.id, "amount_cents": share}

    def step_apply_denial_rules(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        settings = self.repo.settings(practice_id)
        carcs = [(a.group, a.carc) for a in claim.adjustments if a.group != "PR" and a.carc != "45"]
        decision = denials.decide(carcs, claim.remark_codes, settings.denial_rules if settings else None,
                                  claim.auto_resubmits, settings.max_auto_resubmits if settings else 2)
        if decision.action == "close":
            self._move(workflow_caller(practice_id), claim, "closed", decision.reason, "close")
        return {"action": decision.action, "correction": decision.correction, "reason": decision.reason}

    def step_correct(self, practice_id: str, claim_id: str, correction: str, automatic: bool,
                     reason: str = "") -> dict[str, Any]:
        """Make the claim a replacement (frequency 7, quoting the payer's claim number) with the charge and
        coverage as they are now. An automatic correction that would change nothing is not sent again."""
        claim = self._claim(practice_id, claim_id)
        refreshed = self._refreshed(practice_id, claim)
        if automatic and correction == "refresh_subscriber" and refreshed.subscriber == claim.subscriber and \
                refreshed.lines == claim.lines and refreshed.diagnoses == claim.diagnoses:
            return {"corrected": False,
                    "reason": f"{reason}; the records have not changed since, so a person must correct it"}
        frequency = "7" if refreshed.payer_claim_control_number else "1"
        note = ("corrected automatically: " if automatic else "resubmitted by a person: ") + (reason or "resubmit")
        self._move(workflow_caller(practice_id), refreshed, "corrected", note[:900], "correct",
                   frequency_code=frequency, auto_resubmits=claim.auto_resubmits + (1 if automatic else 0))
        return {"corrected": True, "frequency_code": frequency, "reason": note[:900]}

    def step_open_work_item(self, practice_id: str, claim_id: str, task_token: str, reason: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        self._move(workflow_caller(practice_id), claim, "needs_review", reason[:900], "work_item",
                   task_token=task_token, has_work_item=True)
        return {"state": "needs_review"}

    def step_void(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """Void: a claim the payer adjudicated is cancelled with a frequency 8 claim quoting its number."""
        claim = self._claim(practice_id, claim_id)
        caller = workflow_caller(practice_id)
        if claim.payer_claim_control_number and claim.state != "void":
            settings = self.repo.settings(practice_id)
            voiding = claim.model_copy(update={"frequency_code": "8"})
            control = self.repo.next_control_number(practice_id)
            document = build(voiding, settings.billing_provider, Envelope(SENDER_ID, RECEIVER_ID, control, self.now()))
            self.repo.put_file(practice_id, claim.id, "FILE", control, document, self._at())
            self.clearinghouse.submit(practice_id, control, document)
            claim = self._move(caller, claim, "void", "voided with the payer (frequency 8)", "void",
                               frequency_code="8", control_number=control)
        elif claim.state != "void":
            claim = self._move(caller, claim, "void", "voided before the payer adjudicated it", "void")
        return {"state": claim.state}

    def step_close(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state != "closed":
            claim = self._move(workflow_caller(practice_id), claim, "closed", "closed by a billing person", "close")
        return {"state": claim.state}

    def step_mark(self, practice_id: str, claim_id: str, to: str, error: str, cause: str) -> dict[str, Any]:
        """The end of a failed path: the claim is left in `to` (rejected or failed) with the reason."""
        claim = self._claim(practice_id, claim_id)
        if claim.state in {"rejected", "failed", "timely_filing_missed", "void", "closed"}:
            return {"state": claim.state}  # already visible with its reason
        detail = (cause or "").strip()[:500]
        reason = f"{error}: {detail}" if detail else error
        if to not in TRANSITIONS[claim.state]:
            to = "failed" if "failed" in TRANSITIONS[claim.state] else claim.state
        if to == claim.state:  # e.g. paid, but billing the patient's share failed: say so on the claim
            reason = f"{claim.state}; then {reason}"
        claim = self._move(workflow_caller(practice_id), claim, to, reason[:900], "failed" if to != "rejected" else to,
                           task_token=None, has_work_item=False)
        logger.warning("claim submission ended", extra={"claim_id": claim_id, "state": to, "error": error})
        return {"state": claim.state}

    def follow_up(self, practice_id: str, claim: Claim, follow_up_days: int) -> str:
        """The daily job's question about a claim with no answer: a status inquiry, recorded on the claim
        and announced (so a person can chase the payer), and the next follow-up date set."""
        status = self.clearinghouse.status_inquiry(practice_id, claim.submission_id or "")
        caller = workflow_caller(practice_id, "follow-up-claims")
        self._move(caller, claim, claim.state, f"no answer yet; status inquiry: {status}", "followed_up",
                   followed_up_at=self._at(), follow_up_on=self._today() + timedelta(days=follow_up_days),
                   event_type="billing.claim.no_answer")
        return status

    # --- invoices, payments, statements, aging -------------------------------------------------------------
    def create_invoice(self, caller: Caller, body: InvoiceIn, idempotency_key: str | None = None) -> Invoice:
        self._patient(caller.practice_id, body.patient_id)
        at = self._at()
        invoice = Invoice(id=self.make_id(), patient_id=body.patient_id, charge_id=body.charge_id,
                          description=body.description, amount_cents=body.amount_cents,
                          balance_cents=body.amount_cents, status="open", issued_on=self._today(), version=1,
                          created_at=at, updated_at=at)
        claim = self._idempotency(idempotency_key, "billing.invoice.create", body, invoice)
        try:
            self.repo.create_invoice(caller.practice_id, invoice,
                                     self._draft(caller, "invoice.create", "INVOICE", invoice.id, invoice.patient_id,
                                                 at),
                                     [self._event("billing.invoice.issued", caller, invoice.id,
                                                  patient_id=invoice.patient_id, amount_cents=invoice.amount_cents)],
                                     claim=claim)
        except AlreadyDone:
            return Invoice.model_validate(self._replayed(caller, claim))
        return invoice

    def invoice(self, caller: Caller, invoice_id: str) -> Invoice:
        invoice = self._invoice(caller, invoice_id)
        self._audit_read(caller, "invoice.read", "INVOICE", invoice.id, invoice.patient_id)
        return invoice

    def _invoice(self, caller: Caller, invoice_id: str) -> Invoice:
        found = self.repo.invoice(caller.practice_id, segment(invoice_id, "invoice id"))
        # another patient's invoice is not found, not forbidden: its existence is not theirs to learn
        if found is None or not may_reach(caller, found.patient_id, BILLERS):
            raise NotFound("no such invoice", code="invoice_not_found",
                           subject_patient_id=found.patient_id if found else None)
        return found

    def invoices(self, caller: Caller, patient_id: str) -> InvoiceList:
        self._require_self_or_biller(caller, patient_id)
        invoices = self.repo.invoices_of(caller.practice_id, segment(patient_id, "patient id"))
        self._audit_read(caller, "invoice.list", "PATIENT", patient_id, patient_id)
        return InvoiceList(invoices=invoices)

    def statement(self, caller: Caller, patient_id: str) -> Statement:
        self._require_self_or_biller(caller, patient_id)
        invoices = [i for i in self.repo.invoices_of(caller.practice_id, segment(patient_id, "patient id"))
                    if i.status != "void"]
        self._audit_read(caller, "statement.read", "PATIENT", patient_id, patient_id)
        billed = sum(i.amount_cents for i in invoices)
        paid = sum(i.paid_cents for i in invoices)
        return Statement(patient_id=patient_id, as_of=self._today(), invoices=invoices, total_billed_cents=billed,
                         total_paid_cents=paid, balance_cents=sum(i.balance_cents for i in invoices))

    def pay(self, caller: Caller, body: PaymentIn, idempotency_key: str | None = None) -> Payment:
        """Record a patient payment against an invoice. With an Idempotency-Key, the key's claim is in the
        same transaction as the payment: a retry, however concurrent, gets the first payment back."""
        if caller.is_patient and body.method != "card":
            raise Forbidden("patients pay by card; cash and cheques are recorded at the desk")
        for attempt in range(PAYMENT_ATTEMPTS):
            invoice = self._invoice(caller, body.invoice_id)
            at = self._at()
            payment = Payment(id=self.make_id(), invoice_id=invoice.id, patient_id=invoice.patient_id,
                              amount_cents=body.amount_cents, method=body.method, reference=body.reference,
                              received_at=at, recorded_by=caller.user_id)
            claim = self._idempotency(idempotency_key, f"billing.payment.create:{invoice.id}", body, payment)
            if invoice.status != "open" or body.amount_cents > invoice.balance_cents:
                if claim and (stored := self.repo.replay(caller.practice_id, claim)) is not None:
                    return Payment.model_validate(stored)  # the retry of a payment that settled it
                raise Conflict(f"the invoice's balance is {invoice.balance_cents} cents; this payment is more",
                               code="overpayment")
            paid = invoice.paid_cents + body.amount_cents
            updated = invoice.model_copy(update={
                "paid_cents": paid, "balance_cents": invoice.amount_cents - paid,
                "status": "paid" if paid == invoice.amount_cents else "open",
                "payments": [*invoice.payments, PaymentSummary(id=payment.id, amount_cents=payment.amount_cents,
                                                               method=payment.method, received_at=at)],
                "version": invoice.version + 1, "updated_at": at})
            try:
                self.repo.record_payment(caller.practice_id, payment, updated, invoice.version,
                                         self._draft(caller, "payment.record", "PAYMENT", payment.id,
                                                     invoice.patient_id, at),
                                         [self._event("billing.payment.received", caller, payment.id,
                                                      invoice_id=invoice.id, amount_cents=payment.amount_cents,
                                                      method=payment.method)], claim)
            except AlreadyDone:
                return Payment.model_validate(self._replayed(caller, claim))
            except Conflict as conflict:
                if conflict.code != "invoice_changed" or attempt == PAYMENT_ATTEMPTS - 1:
                    raise
                continue
            logger.info("payment recorded", extra={"payment_id": payment.id, "method": payment.method})
            return payment
        raise AssertionError("unreachable")  # pragma: no cover

    def payment(self, caller: Caller, payment_id: str) -> Payment:
        found = self.repo.payment(caller.practice_id, segment(payment_id, "payment id"))
        if found is None or not may_reach(caller, found.patient_id, BILLERS):
            raise NotFound("no such payment", code="payment_not_found",
                           subject_patient_id=found.patient_id if found else None)
        self._audit_read(caller, "payment.read", "PAYMENT", found.id, found.patient_id)
        return found

    def ar_aging(self, caller: Caller) -> AgingReport:
        """What is owed, by how long: payers by claim (from submission, or creation if unsent) and patients
        by invoice (from issue). Two queries of sparse indexes: only open items are read."""
        today = self._today()
        by_payer: dict[str, dict[str, int]] = {}
        by_patient: dict[str, dict[str, int]] = {}
        for claim in self.repo.open_claims(caller.practice_id):
            since = date.fromisoformat((claim.submitted_at or claim.created_at)[:10])
            row = by_payer.setdefault(claim.payer_id, dict.fromkeys(BUCKETS, 0))
            row[bucket((today - since).days)] += claim.outstanding_cents
        for invoice in self.repo.open_invoices(caller.practice_id):
            row = by_patient.setdefault(invoice.patient_id, dict.fromkeys(BUCKETS, 0))
            row[bucket((today - invoice.issued_on).days)] += invoice.balance_cents

        def rows(table: dict[str, dict[str, int]]) -> list[AgingRow]:
            return [AgingRow(key=key, buckets=b, total_cents=sum(b.values())) for key, b in sorted(table.items())]

        payer_rows, patient_rows = rows(by_payer), rows(by_patient)
        # one entry for the report (amounts owed by patient id), as for other reads across many patients
        self._audit_read(caller, "billing.report.ar_aging", "REPORT", today.isoformat(), None)
        return AgingReport(as_of=today, by_payer=payer_rows, by_patient=patient_rows,
                           total_cents=sum(r.total_cents for r in payer_rows + patient_rows))

    # --- shared -------------------------------------------------------------------------------------------
    def _claim(self, practice_id: str, claim_id: str) -> Claim:
        found = self.repo.claim(practice_id, claim_id)
        if found is None:
            raise NotFound("no such claim", code="claim_not_found")
        return found

    def _refreshed(self, practice_id: str, claim: Claim) -> Claim:
        """The claim with the charge's lines and the coverage on file now (the payer stays the same)."""
        charge = self.repo.charge(practice_id, claim.charge_id)
        subscriber, _ = self._coverage(practice_id, claim.patient_id, claim.rank, claim.date_of_service)
        return claim.model_copy(update={"subscriber": subscriber, "lines": charge.lines, "diagnoses": charge.diagnoses,
                                        "total_cents": charge.total_cents, "rendering_npi": charge.rendering_npi})

    def _move(self, caller: Caller, claim: Claim, to: str, reason: str | None, action: str,
              extra: Sequence[Operation] = (), event_type: str | None = None, **changes: Any) -> Claim:
        """The one way a claim changes: allowed by TRANSITIONS, conditional on the version read, with its
        audit entry and domain event in the same transaction."""
        if to != claim.state and to not in TRANSITIONS[claim.state]:
            raise Conflict(f"a {claim.state} claim cannot become {to}", code="invalid_transition")
        at = self._at()
        updated = claim.model_copy(update={**changes, "state": to, "state_reason": reason,
                                           "version": claim.version + 1, "updated_at": at})
        event = self._event(event_type or f"billing.claim.{to if to != claim.state else action}", caller, claim.id,
                            state=to, previous=claim.state, patient_id=claim.patient_id)
        self.repo.save_claim(caller.practice_id, updated, claim.version,
                             self._draft(caller, f"claim.{action}", "CLAIM", claim.id, claim.patient_id, at),
                             [event], extra)
        return updated

    @staticmethod
    def _require_self_or_biller(caller: Caller, patient_id: str) -> None:
        if not may_reach(caller, patient_id, BILLERS):
            raise Forbidden("you may only see your own invoices", subject_patient_id=patient_id)

    def _idempotency(self, key: str | None, operation: str, body: Any, response: Any) -> IdempotencyClaim | None:
        if key is None:
            return None
        return IdempotencyClaim(key=key, fingerprint=fingerprint(operation, body.model_dump(mode="json")),
                                response=response.model_dump(mode="json"))

    def _replayed(self, caller: Caller, claim: IdempotencyClaim | None) -> dict[str, Any]:
        stored = self.repo.replay(caller.practice_id, claim) if claim else None
        if stored is None:
            raise Conflict(f"this {IDEMPOTENCY_HEADER} was just used; retry", code="idempotency_in_flux")
        return stored

    def _today(self) -> date:
        return self.now().date()


