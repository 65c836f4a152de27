"""The practice's compliance settings: who its privacy officers are (the people behind role:privacy_officer) and
the warning windows of the licence check, the licence reminders and the audit chain check."""

from collections.abc import Callable
from datetime import datetime

from functions.compliance.models.settings import ComplianceSettings, ComplianceSettingsIn
from functions.compliance.ports.monitoring import ComplianceSettingsStore
from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import stale
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion


class ComplianceSettingsDesk(AreaService):
    def __init__(self, store: ComplianceSettingsStore, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.store, self.audit, self.now = store, audit, now

    def read(self, caller: Caller) -> ComplianceSettings:
        authz.authorize(caller, "compliance.board.read")
        return self.store.settings(caller.practice_id)

    def update(self, caller: Caller, body: ComplianceSettingsIn, expected: ExpectedVersion) -> ComplianceSettings:
        authz.authorize(caller, "compliance.settings.update")
        before = self.store.settings(caller.practice_id)
        if expected() != before.version:
            raise stale("compliance settings")
        after = ComplianceSettings(**body.model_dump(), version=before.version + 1, updated_at=self._at(),
                                   updated_by=caller.user_id)
        self.store.save(caller.practice_id, after,
                        self._draft(caller, "compliance.settings.update", "COMPLIANCE_SETTINGS", "settings"))
        return after
