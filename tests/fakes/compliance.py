"""An in-memory audit trail for the compliance checks: hash-chained per practice like core.audit_store, with a
verification checkpoint, and ways to tamper with it as an intruder with table access could.
tests/contract/test_compliance_audit_chains.py holds it to AuditStore's behaviour."""

from functions.compliance.ports.staff import Colleague
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
from functions.compliance.ports.monitoring import Page  # noqa: E402
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

# --- training, policies, evidence ----------------------------------------------------------------------------
# In-memory fakes of the training and policy ports, enforcing what their adapters do: versions, one open
# assignment per (programme, member), sparse due-date lists, a request written once, a signature once.
# tests/contract/test_compliance_training.py and test_compliance_policies.py hold them to the adapters.

from datetime import date as _date  # noqa: E402
from datetime import timedelta as _timedelta  # noqa: E402

from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion  # noqa: E402
from functions.compliance.models.training import Assignment, Programme  # noqa: E402
from functions.compliance.ports.training import StoredFile, UploadTicket  # noqa: E402
from tests.fakes.audit import FakeAuditTrail  # noqa: E402


def _versioned(stored, new_version: int, what: str) -> None:
    if new_version == 1:
        if stored is not None:
            raise Conflict(f"the {what} changed meanwhile; read it again", code="conflict")
    elif stored is None or stored.version != new_version - 1:
        raise stale(what)


class FakeProgrammeBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], Programme] = {}

    def programme(self, practice_id: str, programme_id: str) -> Programme | None:
        found = self.stored.get((practice_id, programme_id))
        return found.model_copy(deep=True) if found else None

    def programmes(self, practice_id: str) -> list[Programme]:
        return sorted((p.model_copy(deep=True) for (pid, _), p in self.stored.items() if pid == practice_id),
                      key=lambda p: (p.title.casefold()[:60], p.id))

    def save(self, programme: Programme, audit) -> None:
        with self.audit.lock:
            _versioned(self.stored.get((programme.practice_id, programme.id)), programme.version, "programme")
            self.stored[(programme.practice_id, programme.id)] = programme.model_copy(deep=True)
            self.audit.commit(audit)


class FakeAssignmentBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], Assignment] = {}
        self.open: dict[tuple[str, str, str], str] = {}  # (practice, programme, user) -> the open assignment

    def _copies(self, practice_id: str, keep) -> list[Assignment]:
        return [a.model_copy(deep=True) for (p, _), a in self.stored.items() if p == practice_id and keep(a)]

    def assignment(self, practice_id: str, assignment_id: str) -> Assignment | None:
        found = self.stored.get((practice_id, assignment_id))
        return found.model_copy(deep=True) if found else None

    def of_member(self, practice_id: str, user_id: str) -> list[Assignment]:
        return sorted(self._copies(practice_id, lambda a: a.user_id == user_id), key=lambda a: (a.due_on, a.id))

    def of_programme(self, practice_id: str, programme_id: str) -> list[Assignment]:
        return sorted(self._copies(practice_id, lambda a: a.programme_id == programme_id),
                      key=lambda a: (a.user_id, a.id))

    def assign(self, assignments: list[Assignment], audit) -> list[Assignment]:
        with self.audit.lock:
            todo = [a for a in assignments if (a.practice_id, a.programme_id, a.user_id) not in self.open]
            for assignment in todo:
                self.open[(assignment.practice_id, assignment.programme_id, assignment.user_id)] = assignment.id
                self.stored[(assignment.practice_id, assignment.id)] = assignment.model_copy(deep=True)
            if todo:
                self.audit.commit(audit)
            return todo

    def complete(self, done: Assignment, following: Assignment | None, audit) -> None:
        with self.audit.lock:
            stored = self.stored.get((done.practice_id, done.id))
            marker = (done.practice_id, done.programme_id, done.user_id)
            if (stored is None or stored.status != "open" or stored.version != done.version - 1
                    or self.open.get(marker) != done.id):
                raise Conflict("the assignment was completed or changed meanwhile; read it again",
                               code="already_completed")
            self.stored[(done.practice_id, done.id)] = done.model_copy(deep=True)
            if following is None:
                del self.open[marker]
            else:
                self.open[marker] = following.id
                self.stored[(following.practice_id, following.id)] = following.model_copy(deep=True)
            self.audit.commit(audit)

    def due_by(self, practice_id: str, through: _date) -> list[Assignment]:
        return sorted(self._copies(practice_id, lambda a: a.status == "open" and a.due_on <= through),
                      key=lambda a: (a.due_on, a.id))

    def overdue(self, practice_id: str, today: _date) -> list[Assignment]:
        return self.due_by(practice_id, today - _timedelta(days=1))

    def remind(self, assignment: Assignment, audit, events) -> None:
        with self.audit.lock:
            stored = self.stored.get((assignment.practice_id, assignment.id))
            if stored is None or stored.status != "open" or stored.version != assignment.version - 1:
                raise Conflict("the assignment changed meanwhile", code="conflict")
            self.stored[(assignment.practice_id, assignment.id)] = assignment.model_copy(deep=True)
            self.audit.commit(audit, events)


class FakePolicyBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], Policy] = {}
        self.versions: dict[tuple[str, str, int], PolicyVersion] = {}

    def policy(self, practice_id: str, policy_id: str) -> Policy | None:
        found = self.stored.get((practice_id, policy_id))
        return found.model_copy(deep=True) if found else None

    def policies(self, practice_id: str) -> list[Policy]:
        return sorted((p.model_copy(deep=True) for (pid, _), p in self.stored.items() if pid == practice_id),
                      key=lambda p: (p.title.casefold()[:60], p.id))

    def save(self, policy: Policy, audit) -> None:
        with self.audit.lock:
            _versioned(self.stored.get((policy.practice_id, policy.id)), policy.version, "policy")
            self.stored[(policy.practice_id, policy.id)] = policy.model_copy(deep=True)
            self.audit.commit(audit)

    def version(self, practice_id: str, policy_id: str, number: int) -> PolicyVersion | None:
        found = self.versions.get((practice_id, policy_id, number))
        return found.model_copy(deep=True) if found else None

    def publish(self, policy: Policy, version: PolicyVersion, audit) -> None:
        with self.audit.lock:
            _versioned(self.stored.get((policy.practice_id, policy.id)), policy.version, "policy")
            if (version.practice_id, version.policy_id, version.number) in self.versions:
                raise Conflict("another version was published meanwhile; read the policy again", code="conflict")
            self.stored[(policy.practice_id, policy.id)] = policy.model_copy(deep=True)
            self.versions[(version.practice_id, version.policy_id, version.number)] = version.model_copy(deep=True)
            self.audit.commit(audit)


class FakeAcknowledgementBook:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str, int, str], Acknowledgement] = {}

    @staticmethod
    def _key(request: Acknowledgement) -> tuple[str, str, int, str]:
        return request.practice_id, request.policy_id, request.number, request.user_id

    def request(self, practice_id: str, policy_id: str, number: int, user_id: str) -> Acknowledgement | None:
        found = self.stored.get((practice_id, policy_id, number, user_id))
        return found.model_copy(deep=True) if found else None

    def requests(self, practice_id: str, policy_id: str, number: int) -> list[Acknowledgement]:
        return [r.model_copy(deep=True) for k, r in sorted(self.stored.items())
                if k[:3] == (practice_id, policy_id, number)]

    def ask(self, requests: list[Acknowledgement], superseded: list[Acknowledgement]) -> None:
        with self.audit.lock:
            for request in requests:
                self.stored.setdefault(self._key(request), request.model_copy(deep=True))
            for old in superseded:
                stored = self.stored.get(self._key(old))
                if stored is not None and stored.status == "unsigned" and stored.version == old.version - 1:
                    self.stored[self._key(old)] = old.model_copy(deep=True)

    def sign(self, signed: Acknowledgement, audit) -> None:
        with self.audit.lock:
            stored = self.stored.get(self._key(signed))
            if stored is None or stored.status != "unsigned" or stored.version != signed.version - 1:
                raise Conflict("this version is already acknowledged, or was superseded", code="already_acknowledged")
            self.stored[self._key(signed)] = signed.model_copy(deep=True)
            self.audit.commit(audit)

    def due_by(self, practice_id: str, through: _date) -> list[Acknowledgement]:
        found = [r for k, r in self.stored.items() if k[0] == practice_id and r.status == "unsigned"
                 and r.sign_by <= through]
        return [r.model_copy(deep=True) for r in sorted(found, key=lambda r: (r.sign_by, r.policy_id, r.number,
                                                                             r.user_id))]

    def unsigned(self, practice_id: str, today: _date) -> list[Acknowledgement]:
        return self.due_by(practice_id, today - _timedelta(days=1))

    def remind(self, request: Acknowledgement, audit, events) -> None:
        with self.audit.lock:
            stored = self.stored.get(self._key(request))
            if stored is None or stored.status != "unsigned" or stored.version != request.version - 1:
                raise Conflict("the acknowledgement changed meanwhile", code="conflict")
            self.stored[self._key(request)] = request.model_copy(deep=True)
            self.audit.commit(audit, events)


class FakeEvidenceStore:
    """The evidence bucket: `put` a file as a client's upload would; tickets name a fake URL."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str, str], StoredFile] = {}
        self.tickets: list[tuple[str, str, str, str]] = []

    def upload_ticket(self, practice_id: str, assignment_id: str, upload_id: str, content_type: str) -> UploadTicket:
        self.tickets.append((practice_id, assignment_id, upload_id, content_type))
        return UploadTicket(url=f"https://evidence.example/{practice_id}/{assignment_id}/{upload_id}",
                            headers={"Content-Type": content_type}, expires_in_s=900)

    def put(self, practice_id: str, assignment_id: str, upload_id: str, content_type: str = "application/pdf",
            size: int = 2048) -> None:
        self.files[(practice_id, assignment_id, upload_id)] = StoredFile(content_type=content_type, size=size)

    def stored(self, practice_id: str, assignment_id: str, upload_id: str) -> StoredFile | None:
        return self.files.get((practice_id, assignment_id, upload_id))


class FakeWorkNotices:
    """Builds the same events as compliance's OutboxWorkNotices (they ride the fake's commits)."""

    def to_staff(self, practice_id, user_id, title, details, key, about):
        from functions.compliance.notices import OutboxWorkNotices

        return OutboxWorkNotices().to_staff(practice_id, user_id, title, details, key, about)

# --- what the checks over the other areas read -------------------------------------------------------------------
# Each holds the other area's state in the check's words, changed the way that area changes it;
# tests/contract/test_compliance_sources.py holds each to its adapter in functions/compliance/sources/.

from datetime import date  # noqa: E402

from functions.billing.models.claims import FILING_PENDING  # noqa: E402
from functions.compliance.ports.sources import (  # noqa: E402
    ClaimToFile,
    ConsentSpan,
    ExpiredLot,
    PatientDelivery,
    QuietAccount,
    WaitingLeave,
)

UNDECIDED = frozenset({"pending", "pending_coordinator", "overdue"})


class FakeClaimsToFile:
    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], ClaimToFile] = {}

    def put(self, practice_id: str, claim_id: str, state: str, deadline: date, payer_id: str = "payer-1") -> None:
        """A claim as billing holds it now (created, or moved to `state`)."""
        self.claims[(practice_id, claim_id)] = ClaimToFile(claim_id, state, payer_id, deadline)

    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        return sorted((c for (p, _), c in self.claims.items()
                       if p == practice_id and c.state in FILING_PENDING and c.deadline <= by),
                      key=lambda c: (c.deadline, c.claim_id))


class FakeExpiredStock:
    def __init__(self) -> None:
        self.lots: dict[tuple[str, str, str, str], ExpiredLot] = {}

    def put(self, practice_id: str, item_id: str, location_id: str, lot: str, expires_on: date, on_hand: int) -> None:
        """A lot's balance after a movement (received, used, written off)."""
        self.lots[(practice_id, item_id, location_id, lot)] = ExpiredLot(item_id, location_id, lot, expires_on, on_hand)

    def expired(self, practice_id: str, before: date) -> list[ExpiredLot]:
        return sorted((lot for key, lot in self.lots.items()
                       if key[0] == practice_id and lot.on_hand > 0 and lot.expires_on < before),
                      key=lambda lot: (lot.expires_on, lot.location_id, lot.item_id, lot.lot))


class FakePatientDeliveries:
    def __init__(self) -> None:
        self.deliveries: dict[str, list[PatientDelivery]] = {}

    def send(self, practice_id: str, message_id: str, channel: str, patient_id: str, sent_at: str) -> None:
        """A delivery recorded sent to a patient: email and SMS are indexed, in-app is not."""
        if channel in ("email", "sms"):
            self.deliveries.setdefault(practice_id, []).append(PatientDelivery(message_id, channel, patient_id,
                                                                               sent_at))

    def sent(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        return sorted((d for d in self.deliveries.get(practice_id, [])
                       if first.isoformat() <= d.sent_at[:10] <= last.isoformat()),
                      key=lambda d: (d.sent_at, d.message_id, d.channel))


class FakeCommunicationConsents:
    def __init__(self) -> None:
        self.spans: dict[tuple[str, str], dict[str, ConsentSpan]] = {}
        self.reads = 0

    def grant(self, practice_id: str, patient_id: str, consent_id: str, channels, granted_at: str) -> None:
        self.spans.setdefault((practice_id, patient_id), {})[consent_id] = ConsentSpan(frozenset(channels),
                                                                                      granted_at, None)

    def revoke(self, practice_id: str, patient_id: str, consent_id: str, revoked_at: str) -> None:
        span = self.spans[(practice_id, patient_id)][consent_id]
        self.spans[(practice_id, patient_id)][consent_id] = ConsentSpan(span.channels, span.granted_at, revoked_at)

    def consents(self, practice_id: str, patient_id: str) -> list[ConsentSpan]:
        self.reads += 1
        return sorted(self.spans.get((practice_id, patient_id), {}).values(), key=lambda s: s.granted_at)


class FakeWaitingLeave:
    def __init__(self) -> None:
        self.days: dict[str, int] = {}
        self.managers: dict[tuple[str, str], str | None] = {}
        self.requests: dict[tuple[str, str], WaitingLeave] = {}

    def set_decision_days(self, practice_id: str, days: int) -> None:
        self.days[practice_id] = days

    def member(self, practice_id: str, user_id: str, manager_id: str | None = None) -> None:
        self.managers[(practice_id, user_id)] = manager_id

    def submit(self, practice_id: str, leave_id: str, user_id: str, submitted_at: str) -> None:
        self.requests[(practice_id, leave_id)] = WaitingLeave(leave_id, user_id, submitted_at, "pending", None)

    def move(self, practice_id: str, leave_id: str, status: str) -> None:
        """Escalated (pending_coordinator, overdue) or decided (approved, rejected, withdrawn; or answered, the
        workflow yet to apply it: `decided`)."""
        request = self.requests[(practice_id, leave_id)]
        self.requests[(practice_id, leave_id)] = WaitingLeave(request.leave_id, request.user_id, request.submitted_at,
                                                              status, None)

    def decision_days(self, practice_id: str) -> int:
        return self.days.get(practice_id, 5)

    def waiting_since(self, practice_id: str, before: date) -> list[WaitingLeave]:
        found = []
        for (p, _), r in sorted(self.requests.items(), key=lambda kv: (kv[1].submitted_at, kv[1].leave_id)):
            if p == practice_id and r.status in UNDECIDED and r.submitted_at < before.isoformat():
                approver = self.managers.get((p, r.user_id)) if r.status == "pending" else None
                found.append(WaitingLeave(r.leave_id, r.user_id, r.submitted_at, r.status, approver))
        return found


class FakeSignIns:
    def __init__(self) -> None:
        self.accounts: dict[tuple[str, str], tuple[QuietAccount, bool]] = {}

    def add(self, practice_id: str, user_id: str, created_at: str, active: bool = True) -> None:
        self.accounts[(practice_id, user_id)] = (QuietAccount(user_id, None, created_at), active)

    def sign_in(self, practice_id: str, user_id: str, at: str) -> None:
        account, active = self.accounts[(practice_id, user_id)]
        self.accounts[(practice_id, user_id)] = (QuietAccount(user_id, at, account.created_at), active)

    def set_active(self, practice_id: str, user_id: str, active: bool) -> None:
        account, _ = self.accounts[(practice_id, user_id)]
        self.accounts[(practice_id, user_id)] = (account, active)

    def quiet_since(self, practice_id: str, before: date) -> list[QuietAccount]:
        def since(account: QuietAccount) -> str:
            return account.last_signed_in_at or account.created_at

        return sorted((a for (p, _), (a, active) in self.accounts.items()
                       if p == practice_id and active and since(a) < before.isoformat()),
                      key=lambda a: (since(a), a.user_id))


# --- the audit trail's daily archive ------------------------------------------------------------------------------

from functions.compliance.ports.audit import ArchivePart, ChainEnds  # noqa: E402


class FakeAuditArchive:
    """The Object Lock bucket: a part is written once at its place (practice, day, number) and never replaced;
    writing it again answers the ends of the one there. `puts` counts the writes that took."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str, int], ArchivePart] = {}
        self.puts = 0

    def keep(self, part: ArchivePart) -> ChainEnds | None:
        place = (part.practice_id, part.day.isoformat(), part.number)
        there = self.parts.get(place)
        if there is not None:
            return there.ends
        self.parts[place] = part
        self.puts += 1
        return None

    def of(self, practice_id: str, day: str) -> list[ArchivePart]:
        return [self.parts[place] for place in sorted(self.parts) if place[:2] == (practice_id, day)]
