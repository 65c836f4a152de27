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


# --- training, policies, evidence ----------------------------------------------------------------------------
# In-memory fakes of the training and policy ports, enforcing what their adapters do: versions, one open
# assignment per (programme, member), sparse due-date lists, a request written once, a signature once.
# tests/contract/test_compliance_training.py and test_compliance_policies.py hold them to the adapters.

from datetime import date as _date  # noqa: E402
from datetime import timedelta as _timedelta  # noqa: E402

from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion  # noqa: E402
from functions.compliance.models.training import Assignment, Programme  # noqa: E402
from functions.compliance.ports import StoredFile, UploadTicket  # noqa: E402
from functions.core.errors import Conflict, stale  # noqa: E402
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
        from functions.compliance.reminder_notices import OutboxWorkNotices

        return OutboxWorkNotices().to_staff(practice_id, user_id, title, details, key, about)
