"""An in-memory audit trail for the compliance checks: hash-chained per practice like core.audit_store, with a
verification checkpoint, and ways to tamper with it as an intruder with table access could.
tests/contract/test_compliance_audit_chains.py holds it to AuditStore's behaviour."""

from functions.compliance.ports import Colleague
from functions.core.audit import GENESIS, AuditDraft, chain


class FakeAuditChains:
    def __init__(self) -> None:
        self.chains: dict[str, list[dict]] = {}
        self.heads: dict[str, tuple[int, str]] = {}
        self.checkpoints: dict[str, tuple[int, str]] = {}
        self.checkpoint_saves = 0

    # --- the port ------------------------------------------------------------------------------
    def head(self, practice_id: str) -> tuple[int, str]:
        return self.heads.get(practice_id, (0, GENESIS))

    def entries(self, practice_id: str, after_seq: int = 0):
        yield from (dict(e) for e in sorted(self.chains.get(practice_id, []), key=lambda e: e["seq"])
                    if e["seq"] > after_seq)

    def entry(self, practice_id: str, seq: int) -> dict | None:
        return next((dict(e) for e in self.chains.get(practice_id, []) if e["seq"] == seq), None)

    def checkpoint(self, practice_id: str) -> tuple[int, str]:
        return self.checkpoints.get(practice_id, (0, GENESIS))

    def save_checkpoint(self, practice_id: str, seq: int, last_hash: str, at: str) -> None:
        self.checkpoints[practice_id] = (seq, last_hash)
        self.checkpoint_saves += 1

    # --- writing, as the areas do through AuditStore ----------------------------------------------
    def record(self, entry: AuditDraft):
        seq, last_hash = self.head(entry.practice_id)
        chained = chain(seq, last_hash, entry)
        self.chains.setdefault(entry.practice_id, []).append(chained.model_dump())
        self.heads[entry.practice_id] = (chained.seq, chained.hash)
        return chained

    def practice_ids(self) -> list[str]:
        return list(self.chains)

    # --- tampering --------------------------------------------------------------------------------
    def edit(self, practice_id: str, seq: int, **changes) -> None:
        """An entry's fields changed in place (its stored hash left as it was)."""
        for stored in self.chains[practice_id]:
            if stored["seq"] == seq:
                stored.update(changes)

    def remove(self, practice_id: str, seq: int) -> None:
        self.chains[practice_id] = [e for e in self.chains[practice_id] if e["seq"] != seq]


# --- the staff directory ---------------------------------------------------------------------------------------

class FakeStaffDirectory:
    """Members by practice; `add` them as the staff area would have them."""

    def __init__(self) -> None:
        self.members: dict[tuple[str, str], Colleague] = {}

    def add(self, practice_id: str, user_id: str, role: str = "nurse", *, name: str | None = None,
            manager_id: str | None = None, practitioner_id: str | None = None, active: bool = True) -> Colleague:
        colleague = Colleague(user_id=user_id, name=name or user_id.title(), role=role, manager_id=manager_id,
                              practitioner_id=practitioner_id, active=active)
        self.members[(practice_id, user_id)] = colleague
        return colleague

    def colleague(self, practice_id: str, user_id: str) -> Colleague | None:
        return self.members.get((practice_id, user_id))

    def with_roles(self, practice_id: str, roles) -> list[Colleague]:
        wanted = set(roles)
        return [c for (p, _), c in sorted(self.members.items()) if p == practice_id and c.active and c.role in wanted]

    def reports_of(self, practice_id: str, manager_id: str) -> list[Colleague]:
        return [c for (p, _), c in sorted(self.members.items())
                if p == practice_id and c.active and c.manager_id == manager_id]


# --- the privacy officer's audit views ---------------------------------------------------------------------------

class FakeAuditLog(FakeAuditChains):
    """The chained trail read by time, as core.audit_store.AuditStore reads it (tests/contract/
    test_compliance_audit_log.py holds the two together). Pages resume after the last entry's time and seq."""

    def about_patient(self, practice_id: str, patient_id: str, since: str, until: str, limit: int,
                      start: dict | None = None):
        return self._between(practice_id, lambda e: e.get("subject_patient_id") == patient_id, since, until, limit,
                             start)

    def by_actor(self, practice_id: str, actor: str, since: str, until: str, limit: int, start: dict | None = None):
        return self._between(practice_id, lambda e: e["actor"] == actor and "#" not in actor, since, until, limit,
                             start)

    def _between(self, practice_id, wanted, since, until, limit, start):
        from functions.core.audit import AuditEntry
        from functions.core.audit_store import AuditListing

        def key(entry: dict) -> str:
            return f"{entry['at']}#{entry['seq']:012d}"

        found = sorted((e for e in self.chains.get(practice_id, []) if wanted(e) and since <= key(e) <= until + "~"),
                       key=key, reverse=True)
        if start is not None:
            found = [e for e in found if key(e) < start["after"]]
        page = found[:limit]
        more = len(found) > limit
        return AuditListing([AuditEntry.model_validate(e) for e in page],
                            {"after": key(page[-1])} if more else None)

    def seq_at(self, practice_id: str, at: str) -> int:
        later = [e["seq"] for e in self.chains.get(practice_id, []) if e["at"] >= at]
        return min(later) if later else self.head(practice_id)[0] + 1

    def run(self, practice_id: str, first_seq: int, last_seq: int):
        from functions.core.audit import AuditEntry

        for entry in self.entries(practice_id, after_seq=first_seq - 1):
            if entry["seq"] > last_seq:
                return
            yield {name: entry.get(name) for name in AuditEntry.model_fields}

    def swap(self, practice_id: str, first: int, second: int) -> None:
        """Two entries' places exchanged (each keeps its own fields, seq included)."""
        entries = self.chains[practice_id]
        a = next(i for i, e in enumerate(entries) if e["seq"] == first)
        b = next(i for i, e in enumerate(entries) if e["seq"] == second)
        entries[a], entries[b] = entries[b], entries[a]


class FakeDisclosureBook:
    """Disclosures per patient; a patient must be `on_file` (as records' ConditionCheck asks) or NotFound. The
    disclosure and its audit entry are kept together (the trail's lock), as the transaction keeps them."""

    def __init__(self, audit) -> None:
        from tests.fakes.idempotency import FakeIdempotencyKeys

        self.audit = audit  # a FakeAuditTrail
        self.keys = FakeIdempotencyKeys()
        self.patients: set[tuple[str, str]] = set()
        self.disclosures: dict[tuple[str, str, str], object] = {}

    def on_file(self, practice_id: str, patient_id: str) -> None:
        self.patients.add((practice_id, patient_id))

    def record(self, disclosure, audit, claim=None) -> None:
        from functions.core.errors import Conflict, NotFound

        with self.audit.lock:
            if (disclosure.practice_id, disclosure.patient_id) not in self.patients:
                raise NotFound("no such patient", code="patient_not_found")
            self.keys.check(disclosure.practice_id, claim)
            key = (disclosure.practice_id, disclosure.patient_id, disclosure.id)
            if key in self.disclosures:
                raise Conflict("that disclosure is already recorded")
            self.disclosures[key] = disclosure.model_copy()
            self.keys.keep(disclosure.practice_id, claim)
            self.audit.commit(audit)

    def replay(self, practice_id: str, request):
        return self.keys.replay(practice_id, request)

    def disclosure(self, practice_id: str, patient_id: str, disclosure_id: str):
        found = self.disclosures.get((practice_id, patient_id, disclosure_id))
        return found.model_copy() if found else None

    def of_patient(self, practice_id: str, patient_id: str, recorded_since):
        found = [d for (p, patient, _), d in self.disclosures.items() if (p, patient) == (practice_id, patient_id)
                 and d.recorded_at[:10] >= recorded_since.isoformat()]
        return [d.model_copy() for d in sorted(found, key=lambda d: d.id, reverse=True)]

# --- certifications, the monitoring engine, the board -----------------------------------------------------------
# Each keeps state like its DynamoDB adapter (versions, the sparse indexes' rules, once-only reminders);
# tests/contract/test_compliance_{certifications,findings,settings}.py hold them to the adapters.

import threading  # noqa: E402

from functions.compliance.checks.base import SEVERITY_RANK  # noqa: E402
from functions.compliance.ports import Page  # noqa: E402
from functions.core.errors import Conflict, stale  # noqa: E402


def _page(items: list, limit: int, start: dict | None) -> Page:
    first = (start or {}).get("at", 0)
    shown = items[first:first + limit]
    return Page(shown, {"at": first + limit} if first + limit < len(items) else None)


class FakeCertificationBook:
    def __init__(self, audit=None) -> None:
        from tests.fakes.audit import FakeAuditTrail

        self.audit = audit or FakeAuditTrail()
        self.stored: dict[tuple[str, str], object] = {}
        self.lock = threading.Lock()

    def certification(self, practice_id, certification_id):
        return self.stored.get((practice_id, certification_id))

    def _of(self, practice_id):
        return [c for (p, _), c in self.stored.items() if p == practice_id]

    def listed(self, practice_id, holder_id, limit, start):
        if holder_id is not None:
            found = sorted((c for c in self._of(practice_id) if c.holder_id == holder_id),
                           key=lambda c: (c.expires_on.isoformat(), c.id))
        else:
            found = sorted(self._of(practice_id), key=lambda c: (c.holder_id, c.id))
        return _page(found, limit, start)

    def save(self, certification, audit):
        with self.lock:
            before = self.stored.get((certification.practice_id, certification.id))
            if certification.version == 1 and before is not None:
                raise Conflict("that certification exists")
            if certification.version > 1 and (before is None or before.version != certification.version - 1):
                raise stale("certification")
            self.stored[(certification.practice_id, certification.id)] = certification
            self.audit.commit(audit)

    def expiring(self, practice_id, through):
        return sorted((c for c in self._of(practice_id) if c.status == "active" and c.expires_on <= through),
                      key=lambda c: (c.expires_on.isoformat(), c.id))

    def of_practitioner(self, practice_id, practitioner_id):
        return sorted((c for c in self._of(practice_id) if c.status == "active" and c.kind == "licence"
                       and c.practitioner_id == practitioner_id), key=lambda c: (c.expires_on.isoformat(), c.id))

    def mark_reminded(self, certification, stage, audit, events):
        with self.lock:
            stored = self.stored.get((certification.practice_id, certification.id))
            tag = f"{certification.expires_on.isoformat()}:{stage}"
            if (stored is None or stored.expires_on != certification.expires_on or stored.status != "active"
                    or stored.reminded == tag):
                return False
            self.stored[(certification.practice_id, certification.id)] = stored.model_copy(update={"reminded": tag})
            self.audit.commit(audit, events)
            return True


class FakeFindingStore:
    """Findings with their versions; `events` holds the notices that rode in each save."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], object] = {}
        self.events: list = []
        self.lock = threading.Lock()
        self.saves = 0

    def finding(self, practice_id, finding_id):
        return self.stored.get((practice_id, finding_id))

    def _of(self, practice_id):
        return [f for (p, _), f in self.stored.items() if p == practice_id]

    @staticmethod
    def _order(finding):
        return (SEVERITY_RANK[finding.severity], finding.due_on.isoformat(), finding.id)

    def open_for_check(self, practice_id, check):
        return sorted((f for f in self._of(practice_id) if f.status == "open" and f.check == check),
                      key=lambda f: f.id)

    def all_open(self, practice_id):
        return sorted((f for f in self._of(practice_id) if f.status == "open"), key=self._order)

    def search(self, practice_id, *, status, severity, owner, check, limit, start):
        found = sorted((f for f in self._of(practice_id) if f.status == status
                        and (severity is None or f.severity == severity) and (owner is None or f.owner == owner)
                        and (check is None or f.check == check)), key=self._order)
        return _page(found, limit, start)

    def save(self, finding, events=()):
        with self.lock:
            before = self.stored.get((finding.practice_id, finding.id))
            if (finding.version == 1 and before is not None) or (
                    finding.version > 1 and (before is None or before.version != finding.version - 1)):
                raise stale("finding")
            self.stored[(finding.practice_id, finding.id)] = finding
            self.events.extend(events)
            self.saves += 1


class FakeTrendSnapshots:
    def __init__(self) -> None:
        self.stored: dict[tuple[str, object], object] = {}

    def record_week(self, practice_id, snapshot):
        before = self.stored.get((practice_id, snapshot.week_of))
        if before is not None:
            snapshot = snapshot.model_copy(update={"opened": before.opened + snapshot.opened,
                                                   "closed": before.closed + snapshot.closed})
        self.stored[(practice_id, snapshot.week_of)] = snapshot

    def weeks(self, practice_id, since):
        return [s for (p, week), s in sorted(self.stored.items(), key=lambda kv: kv[0][1])
                if p == practice_id and week >= since]


class FakeComplianceSettings:
    def __init__(self, audit=None) -> None:
        from tests.fakes.audit import FakeAuditTrail

        self.audit = audit or FakeAuditTrail()
        self.stored: dict[str, object] = {}

    def settings(self, practice_id):
        from functions.compliance.models.settings import ComplianceSettings

        return self.stored.get(practice_id) or ComplianceSettings()

    def save(self, practice_id, settings, audit):
        if settings.version - 1 != self.settings(practice_id).version:
            raise stale("compliance settings")
        self.stored[practice_id] = settings
        self.audit.commit(audit)


class FakeChainVerdicts:
    def __init__(self) -> None:
        self.stored: dict[str, object] = {}

    def record(self, practice_id, verdict):
        self.stored[practice_id] = verdict

    def last(self, practice_id):
        return self.stored.get(practice_id)
