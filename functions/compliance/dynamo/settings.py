"""Compliance's own partition: the practice's settings, the audit chain's last verification, and the weekly
snapshots the board's trend reads.

    settings            pk COMPLIANCE  sk SETTINGS          versioned, audited
    chain verdict       pk COMPLIANCE  sk CHAIN_VERDICT     PutItem by the verify_audit_chains job
    week snapshot       pk COMPLIANCE  sk WEEK#<monday>     one-operation transaction (UpdateItem), TTL ~2 years
"""

from datetime import UTC, date, datetime, time, timedelta

from functions.compliance.models.findings import WeekSnapshot
from functions.compliance.models.settings import ChainVerdict, ComplianceSettings
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import stale
from functions.core.keys import collection_pk
from functions.core.table import Put, Table, Update

SETTINGS, VERDICT, WEEK = "SETTINGS", "CHAIN_VERDICT", "WEEK#"
SNAPSHOT_KEPT = timedelta(days=730)


def compliance_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "COMPLIANCE")


class DynamoComplianceSettings:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def settings(self, practice_id: str) -> ComplianceSettings:
        """GetItem COMPLIANCE/SETTINGS (consistent); the defaults (version 0) until first set."""
        item = self.table.get(compliance_pk(practice_id), SETTINGS, consistent=True)
        return ComplianceSettings.model_validate(item) if item else ComplianceSettings()

    def save(self, practice_id: str, settings: ComplianceSettings, audit: AuditDraft) -> None:
        """TransactWriteItems via AuditStore.commit: the settings over the version before them."""
        item = {"pk": compliance_pk(practice_id), "sk": SETTINGS, "kind": "COMPLIANCE_SETTINGS",
                **settings.model_dump(mode="json")}
        if settings.version == 1:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=stale("compliance settings"))
        else:
            put = Put(item, "#v = :v", names={"#v": "version"}, values={":v": settings.version - 1},
                      on_conflict=stale("compliance settings"))
        self.audit.commit(audit, [put])


class DynamoChainVerdicts:
    def __init__(self, table: Table) -> None:
        self.table = table

    def record(self, practice_id: str, verdict: ChainVerdict) -> None:
        """PutItem COMPLIANCE/CHAIN_VERDICT (the job's; last write wins)."""
        self.table.put({"pk": compliance_pk(practice_id), "sk": VERDICT, "kind": "AUDIT_CHAIN_VERDICT",
                        **verdict.model_dump(mode="json")})

    def last(self, practice_id: str) -> ChainVerdict | None:
        """GetItem COMPLIANCE/CHAIN_VERDICT (consistent)."""
        item = self.table.get(compliance_pk(practice_id), VERDICT, consistent=True)
        return ChainVerdict.model_validate(item) if item else None


class DynamoTrendSnapshots:
    def __init__(self, table: Table) -> None:
        self.table = table

    def record_week(self, practice_id: str, snapshot: WeekSnapshot) -> None:
        """TransactWriteItems of one UpdateItem COMPLIANCE/WEEK#<monday>: SET the open counts, ADD opened, closed."""
        expires = datetime.combine(snapshot.week_of, time(), UTC) + SNAPSHOT_KEPT
        self.table.transact([Update(
            {"pk": compliance_pk(practice_id), "sk": f"{WEEK}{snapshot.week_of.isoformat()}"},
            "SET #kind = :kind, #week = :week, #at = :at, #open = :open, #sev = :sev, #ttl = :ttl "
            "ADD #opened :opened, #closed :closed",
            names={"#kind": "kind", "#week": "week_of", "#at": "at", "#open": "open", "#sev": "by_severity",
                   "#ttl": "ttl", "#opened": "opened", "#closed": "closed"},
            values={":kind": "COMPLIANCE_WEEK", ":week": snapshot.week_of.isoformat(), ":at": snapshot.at,
                    ":open": snapshot.open, ":sev": snapshot.by_severity, ":ttl": int(expires.timestamp()),
                    ":opened": snapshot.opened, ":closed": snapshot.closed})])

    def weeks(self, practice_id: str, since: date) -> list[WeekSnapshot]:
        """Query COMPLIANCE sk BETWEEN WEEK#<since> AND WEEK#~ (at most a dozen items)."""
        items = self.table.query_all(compliance_pk(practice_id), sk_between=(f"{WEEK}{since.isoformat()}",
                                                                             f"{WEEK}~"), consistent=True)
        return [WeekSnapshot.model_validate(i) for i in items]
