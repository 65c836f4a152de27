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


# --- H3: what the checks over the other areas read ---------------------------------------------------------------
# Each holds the other area's state in the check's words, changed the way that area changes it;
# tests/contract/test_compliance_sources.py holds each to its adapter in functions/compliance/sources/.

from datetime import date  # noqa: E402  (this block is appended by its own part; the lead may hoist it)

from functions.compliance.ports import (  # noqa: E402
    ClaimToFile,
    ConsentSpan,
    ExpiredLot,
    PatientDelivery,
    QuietAccount,
    WaitingLeave,
)

NOT_ACCEPTED = frozenset({"draft", "scrubbed", "submitted", "rejected", "denied", "corrected", "needs_review",
                          "failed"})
UNDECIDED = frozenset({"pending", "pending_coordinator", "overdue"})


class FakeClaimsToFile:
    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], ClaimToFile] = {}

    def put(self, practice_id: str, claim_id: str, state: str, deadline: date, payer_id: str = "payer-1") -> None:
        """A claim as billing holds it now (created, or moved to `state`)."""
        self.claims[(practice_id, claim_id)] = ClaimToFile(claim_id, state, payer_id, deadline)

    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        return sorted((c for (p, _), c in self.claims.items()
                       if p == practice_id and c.state in NOT_ACCEPTED and c.deadline <= by),
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
        """Escalated (pending_coordinator, overdue) or decided (approved, rejected, withdrawn)."""
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
