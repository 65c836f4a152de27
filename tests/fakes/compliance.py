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
