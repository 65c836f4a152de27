"""audit_chain: the last verification of the practice's audit chain (verify_audit_chains keeps it in compliance's
partition). A broken chain is critical; no verification for `chain_stale_days` (2) is high. Both are the privacy
officer's."""

from collections.abc import Iterator
from datetime import date, datetime

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.ports.audit import AuditChains, ChainVerdicts
from functions.compliance.ports.monitoring import ComplianceSettingsStore

NAME = "audit_chain"
OWNER = "role:privacy_officer"
LINK = "/audit/export"  # the entries themselves, with their hashes, to investigate


class AuditChainCheck:
    name = NAME

    def __init__(self, verdicts: ChainVerdicts, chains: AuditChains, settings: ComplianceSettingsStore) -> None:
        self.verdicts, self.chains, self.settings = verdicts, chains, settings

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        """A GetItem of the verdict; without one, a GetItem of the trail's first entry (how long it has waited)."""
        verdict = self.verdicts.last(practice_id)
        if verdict is not None and not verdict.intact:
            on = verdict.at[:10]
            yield Raised(check=NAME, key="broken", severity=Severity.CRITICAL, owner=OWNER, due_on=today,
                         title=f"The audit trail failed verification on {on} ({verdict.problems} problem(s))",
                         link=LINK)
        since = verdict.at if verdict is not None else (self.chains.entry(practice_id, 1) or {}).get("at")
        if since is None:
            return  # nothing written yet: nothing to verify
        last = datetime.fromisoformat(since.replace("Z", "+00:00")).date()
        if (today - last).days >= self.settings.settings(practice_id).chain_stale_days:
            what = f"not verified since {last.isoformat()}" if verdict else "never verified"
            yield Raised(check=NAME, key="unverified", severity=Severity.HIGH, owner=OWNER, due_on=today,
                         title=f"The audit trail was {what}", link=LINK)
