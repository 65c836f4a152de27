"""The practice's claim settings (billing provider, scrubbing and denial rules, follow-up days) and its payers:
set up by billing people, each change over the version read and audited."""

from collections.abc import Callable
from datetime import datetime

from functions.billing import scrub
from functions.billing.models.setup import ClaimSettings, ClaimSettingsIn, Payer, PayerIn, PayerList
from functions.billing.ports import BillingSetup
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion


class ClaimSetup(AreaService):
    def __init__(self, setup: BillingSetup, audit: AuditTrail, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.audit = audit
        self.now = now

    def settings(self, caller: Caller) -> ClaimSettings:
        authz.authorize(caller, "billing.settings.read")
        found = self.setup.settings(caller.practice_id)
        if found is None:
            raise NotFound("the practice has no claim settings yet: PUT /claims/settings", code="no_settings")
        return found

    def change_settings(self, caller: Caller, body: ClaimSettingsIn, expected: ExpectedVersion) -> ClaimSettings:
        authz.authorize(caller, "billing.settings.change")
        version = expected()
        known_rules(body.scrub_rules)
        at = self._at()
        settings = ClaimSettings(**body.model_dump(), version=version + 1, updated_at=at)
        self.setup.save(caller.practice_id, settings, version,
                        self._draft(caller, "billing.settings.put", "BILLING", "settings", None, at),
                        [self._event("billing.settings.changed", caller, "settings")])
        return settings

    def payer(self, caller: Caller, payer_id: str) -> Payer:
        authz.authorize(caller, "billing.payer.read")
        found = self.setup.payer(caller.practice_id, segment(payer_id, "payer id"))
        if found is None:
            raise NotFound("no such payer", code="payer_not_found")
        return found

    def payers(self, caller: Caller) -> PayerList:
        authz.authorize(caller, "billing.payer.read")
        return PayerList(payers=self.setup.payers(caller.practice_id))

    def change_payer(self, caller: Caller, payer_id: str, body: PayerIn, expected: ExpectedVersion) -> Payer:
        authz.authorize(caller, "billing.payer.change")
        version = expected()
        segment(payer_id, "payer id")
        known_rules(body.scrub_rules)
        at = self._at()
        payer = Payer(**body.model_dump(), id=payer_id, version=version + 1, updated_at=at)
        self.setup.save(caller.practice_id, payer, version,
                        self._draft(caller, "billing.payer.put", "PAYER", payer_id, None, at),
                        [self._event("billing.payer.changed", caller, payer_id)])
        return payer


def known_rules(table: dict) -> None:
    if unknown := scrub.unknown_rules(table):
        raise Invalid("no such scrubbing rule", {"unknown": unknown, "known": sorted(scrub.RULES)}, code="unknown_rule")
