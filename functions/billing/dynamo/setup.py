"""`DynamoBillingSetup`: the practice's claim settings, fee schedule and payers, in its BILLING partition."""

from functions.billing.dynamo.items import BILLING, every
from functions.billing.models.setup import ClaimSettings, FeeSchedule, Payer
from functions.billing.ports import Events, Setup
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import stale
from functions.core.keys import collection_pk
from functions.core.table import Put, Table


class DynamoBillingSetup:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def settings(self, practice_id: str) -> ClaimSettings | None:
        """GetItem pk=PRACTICE#p#BILLING sk=SETTINGS."""
        item = self.table.get(collection_pk(practice_id, BILLING), "SETTINGS", consistent=True)
        return ClaimSettings.model_validate(item) if item else None

    def fee_schedule(self, practice_id: str) -> FeeSchedule:
        """GetItem pk=PRACTICE#p#BILLING sk=FEE_SCHEDULE (none yet: an empty schedule)."""
        item = self.table.get(collection_pk(practice_id, BILLING), "FEE_SCHEDULE", consistent=True)
        return FeeSchedule.model_validate(item) if item else FeeSchedule()

    def payer(self, practice_id: str, payer_id: str) -> Payer | None:
        """GetItem pk=PRACTICE#p#BILLING sk=PAYER#<id>."""
        item = self.table.get(collection_pk(practice_id, BILLING), f"PAYER#{payer_id}", consistent=True)
        return Payer.model_validate(item) if item else None

    def payers(self, practice_id: str) -> list[Payer]:
        """Query pk=PRACTICE#p#BILLING begins_with(sk, PAYER#), all pages (a practice has tens of payers)."""
        return [Payer.model_validate(item) for item in every(self.table, collection_pk(practice_id, BILLING), "PAYER#")]

    def save(self, practice_id: str, setup: Setup, expected_version: int, audit: AuditDraft, events: Events) -> None:
        """Put SETTINGS, FEE_SCHEDULE or PAYER#<id> when its version is still `expected_version` (0: new),
        audited."""
        if isinstance(setup, ClaimSettings):
            sk, kind = "SETTINGS", "BILLING_SETTINGS"
        elif isinstance(setup, FeeSchedule):
            sk, kind = "FEE_SCHEDULE", "FEE_SCHEDULE"
        else:
            sk, kind = f"PAYER#{setup.id}", "PAYER"
        item = {"pk": collection_pk(practice_id, BILLING), "sk": sk, "kind": kind, **setup.model_dump(mode="json")}
        changed = stale(kind.lower().replace("_", " "))
        if expected_version == 0:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=changed)
        else:
            put = Put(item, "#v = :v", names={"#v": "version"}, values={":v": expected_version}, on_conflict=changed)
        self.audit.commit(audit, writes=[put], events=events)
