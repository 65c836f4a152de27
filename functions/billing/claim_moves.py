"""How a claim changes, for every use case that changes one: one state at a time as TRANSITIONS allow, over the
version read, with its audit entry and domain event in the same write; and how a claim is scrubbed."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from functions.billing import scrub
from functions.billing.models.claims import TRANSITIONS, Claim
from functions.billing.models.setup import Payer
from functions.billing.ports import BillingSetup, ClaimLedger
from functions.core import clock
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, NotFound
from functions.core.service import AreaService, AuditTrail


def workflow_caller(practice_id: str, request_id: str = "claim-submission") -> Caller:
    """Who the workflow's steps (and the follow-up job) act as, in the audit trail: a system caller."""
    return Caller(user_id="workflow:claim-submission", practice_id=practice_id, roles=frozenset({Role.BILLING}),
                  request_id=request_id)


class ClaimMoves(AreaService):
    def __init__(self, claims: ClaimLedger, setup: BillingSetup, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.claims = claims
        self.setup = setup
        self.audit = audit
        self.now = now

    def _claim(self, practice_id: str, claim_id: str) -> Claim:
        found = self.claims.claim(practice_id, claim_id)
        if found is None:
            raise NotFound("no such claim", code="claim_not_found")
        return found

    def _move(self, caller: Caller, claim: Claim, to: str, reason: str | None, action: str,
              event_type: str | None = None, **changes: Any) -> Claim:
        """The one way a claim changes: allowed by TRANSITIONS, conditional on the version read, with its
        audit entry and domain event in the same transaction."""
        if to != claim.state and to not in TRANSITIONS[claim.state]:
            raise Conflict(f"a {claim.state} claim cannot become {to}", code="invalid_transition")
        at = self._at()
        updated = claim.model_copy(update={**changes, "state": to, "state_reason": reason,
                                           "version": claim.version + 1, "updated_at": at})
        event = self._event(event_type or f"billing.claim.{to if to != claim.state else action}", caller, claim.id,
                            state=to, previous=claim.state, patient_id=claim.patient_id)
        self.claims.save(caller.practice_id, updated, claim.version,
                         self._draft(caller, f"claim.{action}", "CLAIM", claim.id, claim.patient_id, at), [event])
        return updated

    def _scrub(self, practice_id: str, claim: Claim, payer: Payer | None = None) -> scrub.ScrubReport:
        """The practice's rules, with the payer's overrides, over the claim as it is."""
        settings = self.setup.settings(practice_id)
        payer = payer or self.setup.payer(practice_id, claim.payer_id)
        table = scrub.rule_table(settings.scrub_rules if settings else None, payer.scrub_rules if payer else None)
        context = scrub.ScrubContext(today=self._today(), duplicates=tuple(self.claims.duplicates(practice_id, claim)),
                                     billing_provider_set=settings is not None)
        report = scrub.scrub(claim, context, table)
        if claim.subscriber.relationship != "self":
            report.issues.append(scrub.Issue(
                rule="subscriber_is_patient", severity="error", field="subscriber.relationship",
                message="the coverage's subscriber is not the patient; records holds no subscriber demographics, so "
                        "this claim must be billed by hand (2000C patient loop)"))
        return report

    def _today(self) -> date:
        return self.now().date()
