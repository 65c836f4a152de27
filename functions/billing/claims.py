"""Claims as billing people work them: made from a charge for the coverage of a rank and scrubbed at once, read
(an audited read of the patient's data), listed, scrubbed again, submitted (the workflow started), and a
person's decision on a claim waiting for one (resubmit, void, close)."""

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta

from functions.billing.claim_moves import ClaimMoves
from functions.billing.coverage import Coverages
from functions.billing.models.claims import SUBMITTABLE, TRANSITIONS, Claim, ClaimIn, ClaimPage, ResolveIn, ScrubResult
from functions.billing.ports import BillingSetup, ChargeBook, ClaimFiles, ClaimLedger, ClaimWorkflowEngine
from functions.core import authz, clock, pagination
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.observability import logger
from functions.core.service import AuditTrail
from functions.core.types import ExpectedVersion


class Claims(ClaimMoves):
    def __init__(self, claims: ClaimLedger, charges: ChargeBook, files: ClaimFiles, setup: BillingSetup,
                 coverages: Coverages, engine: ClaimWorkflowEngine, audit: AuditTrail,
                 page_key: Callable[[], bytes], now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id) -> None:
        super().__init__(claims, setup, audit, now)
        self.charges = charges
        self.files = files
        self.coverages = coverages
        self.engine = engine
        self.page_key = page_key
        self.make_id = make_id

    def create(self, caller: Caller, body: ClaimIn) -> Claim:
        authz.authorize(caller, "billing.claim.create")
        practice = caller.practice_id
        charge = self.charges.charge(practice, segment(body.charge_id, "charge id"))
        if charge is None:
            raise NotFound("no such charge", code="charge_not_found")
        subscriber, payer = self.coverages.subscriber(practice, charge.patient_id, body.rank, charge.date_of_service)
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
        self.claims.open(practice, claim, self._draft(caller, "claim.create", "CLAIM", claim.id, claim.patient_id, at),
                         [self._event("billing.claim.created", caller, claim.id, state=claim.state,
                                      payer_id=payer.id)])
        logger.info("claim created", extra={"claim_id": claim.id, "state": claim.state})
        return claim

    def claim(self, caller: Caller, claim_id: str) -> Claim:
        """A claim: the subscriber's name, birth date and member id, the diagnoses. An audited read."""
        authz.authorize(caller, "billing.claim.read")
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        self._audit_read(caller, "claim.read", "CLAIM", claim.id, claim.patient_id)
        return claim

    def file(self, caller: Caller, claim_id: str) -> str:
        """The last 837P built for the claim. An audited read."""
        authz.authorize(caller, "billing.claim.read")
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.control_number is None:
            raise NotFound("no 837P has been built for this claim yet", code="no_file",
                           subject_patient_id=claim.patient_id)
        self._audit_read(caller, "claim.file.read", "CLAIM", claim.id, claim.patient_id)
        return self.files.file(caller.practice_id, claim.id, "FILE", claim.control_number) or ""

    def page(self, caller: Caller, state: str | None = None, limit: int = 50, page_token: str | None = None, *,
             patient_id: str | None = None, payer_id: str | None = None, first: date | None = None,
             last: date | None = None) -> ClaimPage:
        """The practice's claims, newest date of service first, each filter optional."""
        authz.authorize(caller, "billing.claim.list")
        if state is not None and state not in TRANSITIONS:
            raise Invalid(f"state must be one of {sorted(TRANSITIONS)}", code="invalid_state")
        if first is not None and last is not None and last < first:
            raise Invalid("`to` is before `from`", code="invalid_range")
        filters = {"state": state, "patient_id": patient_id, "payer_id": payer_id, "from": first, "to": last}
        # the token is good for this practice and this exact set of filters only
        query = "claims." + hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:24]
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        claims, after = self.claims.page(caller.practice_id, state=state, patient_id=patient_id, payer_id=payer_id,
                                         first=first, last=last, limit=limit, start=start)
        token = pagination.encode(after, practice_id=caller.practice_id, query=query, key=self.page_key()) if after \
            else None
        if patient_id is not None:  # one patient's claims: their record was shown
            self._audit_read(caller, "claim.list", "PATIENT", patient_id, patient_id)
        else:  # claims across patients: one entry naming the filter, no one subject
            self._audit_read(caller, "claim.list", "CLAIM_STATE", state or "any", None)
        return ClaimPage(claims=claims, next_page_token=token)

    def scrub(self, caller: Caller, claim_id: str) -> ScrubResult:
        """Scrub again (after the charge, coverage or rules changed); a clean draft becomes scrubbed."""
        authz.authorize(caller, "billing.claim.scrub")
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.state not in {"draft", "scrubbed"}:
            raise Conflict(f"a {claim.state} claim is not scrubbed from here", code="invalid_transition")
        report = self._scrub(caller.practice_id, claim)
        to = "scrubbed" if report.clean else "draft"
        claim = self._move(caller, claim, to, report.summary, "scrub", issues=report.issues)
        return ScrubResult(claim_id=claim.id, clean=report.clean, state=claim.state, issues=report.issues)

    def submit(self, caller: Caller, claim_id: str, expected: ExpectedVersion) -> Claim:
        """Start the submission workflow. The execution name comes from the claim's version, so a retried
        request starts (or finds) the same execution, and two racing requests cannot both start one.
        `expected`: the version read (If-Match), asked once the caller may submit."""
        authz.authorize(caller, "billing.claim.submit")
        version = expected()
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.version != version:
            raise stale("claim")
        if claim.has_work_item:
            raise Conflict("a work item waits on this claim: resolve it (POST /claims/{id}/resolve)",
                           code="work_item_open")
        if claim.state not in SUBMITTABLE:
            raise Conflict(f"a {claim.state} claim cannot be submitted", code="invalid_transition")
        return self._start(caller, claim, "submission_started")

    def resolve(self, caller: Caller, claim_id: str, body: ResolveIn, expected: ExpectedVersion) -> Claim:
        """A billing person's decision on a claim waiting for one: resubmit (after correcting the charge or
        coverage), void or close. A waiting workflow is resumed with it; otherwise it is acted on here."""
        authz.authorize(caller, "billing.claim.resolve")
        version = expected()
        claim = self._claim(caller.practice_id, segment(claim_id, "claim id"))
        if claim.version != version:
            raise stale("claim")
        note = f"{body.action} by {caller.user_id}" + (f": {body.note}" if body.note else "")
        if claim.has_work_item and claim.task_token:
            token = claim.task_token
            updated = self._move(caller, claim, claim.state, note, "resolve", has_work_item=False, task_token=None)
            self.engine.resume(token, {"action": body.action, "by": caller.user_id})
            return updated
        if claim.state not in {"needs_review", "rejected", "failed"}:
            raise Conflict(f"a {claim.state} claim has nothing to resolve", code="nothing_to_resolve")
        if body.action == "void":
            return self._move(caller, claim, "void", note, "void")
        if body.action == "close":
            return self._move(caller, claim, "closed", note, "close")
        charge = self.charges.charge(caller.practice_id, claim.charge_id)
        refreshed = self.coverages.refreshed(caller.practice_id, claim, charge)
        return self._start(caller, refreshed, "resubmission_started")

    def _start(self, caller: Caller, claim: Claim, action: str) -> Claim:
        """Start first, then record: racing requests that read the same version name the same execution
        with the same input, which Step Functions starts once; the loser's claim write is a 409."""
        name = f"{claim.id}-v{claim.version + 1}"
        arn = self.engine.start(name, {"practice_id": caller.practice_id, "claim_id": claim.id})
        return self._move(caller, claim, claim.state, claim.state_reason, action, execution_arn=arn)
