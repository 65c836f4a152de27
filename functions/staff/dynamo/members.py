"""DynamoDB adapters of StaffRecords and StaffSettings."""

from datetime import date
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.table import Item, Table, Update
from functions.staff.dynamo import keys
from functions.staff.models.members import StaffMember, StaffPolicy, default_policy
from functions.staff.models.roster import CoverageRules


class DynamoStaffRecords:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def member(self, practice_id: str, user_id: str) -> StaffMember | None:
        """GetItem STAFF#<user>/PROFILE (consistent)."""
        item = self.table.get(keys.member_pk(practice_id, user_id), keys.PROFILE, consistent=True)
        return StaffMember.model_validate(item) if item else None

    def members(self, practice_id: str) -> list[StaffMember]:
        """Query gsi1 STAFF_MEMBERS (the practice's members, by user id), every page."""
        return [StaffMember.model_validate(i)
                for i in self.table.query_all(keys.members_index(practice_id), index="gsi1")]

    def reports_of(self, practice_id: str, manager_id: str) -> list[StaffMember]:
        """Query gsi2 STAFF_REPORTS#<manager> (sparse: members with that manager)."""
        items = self.table.query_all(keys.reports_index(practice_id, manager_id), index="gsi2")
        return [StaffMember.model_validate(i) for i in items]

    def quiet_since(self, practice_id: str, before: date) -> list[StaffMember]:
        """Query gsi3 STAFF_SIGN_IN sk < <before> (sparse: active members, by last sign-in or, never signed in,
        creation), oldest first, every page."""
        items = self.table.query_all(keys.sign_in_index(practice_id), index="gsi3",
                                     sk_between=("0", before.isoformat()))
        return [StaffMember.model_validate(i) for i in items]

    def sign_in(self, member: StaffMember, at: str, audit: AuditDraft) -> None:
        """TransactWriteItems: UpdateItem SET last_signed_in_at (and the STAFF_SIGN_IN keys while active) on the
        version read, which it leaves as it is (the ETag does not move), audit. A member changed meanwhile: 412."""
        sets = {"last_signed_in_at": at}
        if member.active:
            sets |= _sign_in_keys(member.practice_id, member.user_id, at)
        names = {f"#s{n}": name for n, name in enumerate(sets)} | {"#v": "version"}
        values = {f":s{n}": value for n, value in enumerate(sets.values())} | {":v": member.version}
        update = Update({"pk": keys.member_pk(member.practice_id, member.user_id), "sk": keys.PROFILE},
                        "SET " + ", ".join(f"#s{n} = :s{n}" for n in range(len(sets))), names, values,
                        condition="#v = :v", on_conflict=stale("staff member"))
        self.audit.commit(audit, [update])

    def add(self, member: StaffMember, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the profile (attribute_not_exists), [idempotency key], audit."""
        writes = [keys.versioned_put(self._item(member), "staff member",
                                     Conflict("a staff member with this user id exists", code="staff_member_exists"))]
        if claim is not None:
            writes.append(idempotency.claim_put(member.practice_id, claim))
        self.audit.commit(audit, writes)

    def replace(self, member: StaffMember, audit: AuditDraft) -> None:
        """TransactWriteItems: the profile on its previous version, audit."""
        self.audit.commit(audit, [keys.versioned_put(self._item(member), "staff member")])

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)

    @staticmethod
    def _item(member: StaffMember) -> Item:
        item = {"pk": keys.member_pk(member.practice_id, member.user_id), "sk": keys.PROFILE,
                "kind": "STAFF_MEMBER", **member.model_dump(mode="json", exclude_none=True),
                "gsi1pk": keys.members_index(member.practice_id), "gsi1sk": member.user_id}
        if member.manager_id:
            item |= {"gsi2pk": keys.reports_index(member.practice_id, member.manager_id), "gsi2sk": member.user_id}
        if member.active:
            item |= _sign_in_keys(member.practice_id, member.user_id, member.last_signed_in_at or member.created_at)
        return item


def _sign_in_keys(practice_id: str, user_id: str, since: str) -> Item:
    return {"gsi3pk": keys.sign_in_index(practice_id), "gsi3sk": f"{since}#{user_id}"}


class DynamoStaffSettings:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def policy(self, practice_id: str) -> StaffPolicy:
        """GetItem STAFF_SETTINGS/POLICY (consistent); the defaults, version 0, when none is stored."""
        item = self.table.get(keys.settings_pk(practice_id), "POLICY", consistent=True)
        return StaffPolicy.model_validate(item) if item else default_policy(practice_id)

    def save_policy(self, policy: StaffPolicy, audit: AuditDraft) -> None:
        """TransactWriteItems: the policy on its previous version (or where none is), audit."""
        item = {"pk": keys.settings_pk(policy.practice_id), "sk": "POLICY", "kind": "STAFF_POLICY",
                **policy.model_dump(mode="json")}
        self.audit.commit(audit, [keys.versioned_put(item, "staff policy")])

    def coverage_rules(self, practice_id: str, location_id: str) -> CoverageRules:
        """GetItem STAFF_SETTINGS/COVERAGE#<location> (consistent); no rules, version 0, when none."""
        item = self.table.get(keys.settings_pk(practice_id), keys.coverage_sk(location_id), consistent=True)
        if item is None:
            return CoverageRules(practice_id=practice_id, location_id=location_id, rules=[], version=0)
        return CoverageRules.model_validate(item)

    def save_coverage_rules(self, rules: CoverageRules, audit: AuditDraft) -> None:
        """TransactWriteItems: the location's rules on their previous version, audit."""
        item = {"pk": keys.settings_pk(rules.practice_id), "sk": keys.coverage_sk(rules.location_id),
                "kind": "COVERAGE_RULES", **rules.model_dump(mode="json")}
        self.audit.commit(audit, [keys.versioned_put(item, "coverage rules")])
