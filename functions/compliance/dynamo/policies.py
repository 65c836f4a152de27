"""DynamoDB adapters of the policy ports: policies, their versions, and acknowledgement requests with the sparse
index of unsigned ones (keys in training_keys.py)."""

import contextlib
from datetime import date, timedelta
from typing import Any

from functions.compliance.dynamo import training_keys as keys
from functions.compliance.dynamo.training import versioned_put
from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.events import DomainEvent
from functions.core.table import Put, Table, TransactionCancelled, Update


class DynamoPolicyBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def policy(self, practice_id: str, policy_id: str) -> Policy | None:
        """GetItem POLICY#<id>/POLICY (consistent)."""
        row = self.table.get(keys.policy_pk(practice_id, policy_id), keys.POLICY, consistent=True)
        return Policy.model_validate(row) if row else None

    def policies(self, practice_id: str) -> list[Policy]:
        """Query gsi1 POLICIES (by title), every page."""
        return [Policy.model_validate(row) for row in
                self.table.query_all(keys.policies_index(practice_id), index=keys.LIST_INDEX)]

    def _policy_row(self, policy: Policy) -> dict[str, Any]:
        return {"pk": keys.policy_pk(policy.practice_id, policy.id), "sk": keys.POLICY, "kind": "POLICY",
                **policy.model_dump(mode="json", exclude_none=True),
                "gsi1pk": keys.policies_index(policy.practice_id), "gsi1sk": keys.by_title(policy.title, policy.id)}

    def save(self, policy: Policy, audit: AuditDraft) -> None:
        """TransactWriteItems: the policy over its previous version (or where none is), audit."""
        self.audit.commit(audit, [versioned_put(self._policy_row(policy), "policy")])

    def version(self, practice_id: str, policy_id: str, number: int) -> PolicyVersion | None:
        """GetItem POLICY#<id>/VERSION#<n>."""
        row = self.table.get(keys.policy_pk(practice_id, policy_id), keys.version_sk(number), consistent=True)
        return PolicyVersion.model_validate(row) if row else None

    def publish(self, policy: Policy, version: PolicyVersion, audit: AuditDraft) -> None:
        """TransactWriteItems: the policy (its current version moved on) over its previous version, the new
        version where none is; audit."""
        row = {"pk": keys.policy_pk(version.practice_id, version.policy_id), "sk": keys.version_sk(version.number),
               "kind": "POLICY_VERSION", **version.model_dump(mode="json", exclude_none=True)}
        taken = Conflict("another version was published meanwhile; read the policy again", code="conflict")
        self.audit.commit(audit, [versioned_put(self._policy_row(policy), "policy"),
                                  Put(row, "attribute_not_exists(pk)", on_conflict=taken)])


def _ack_row(request: Acknowledgement) -> dict[str, Any]:
    row = {"pk": keys.policy_pk(request.practice_id, request.policy_id),
           "sk": keys.acknowledgement_sk(request.number, request.user_id), "kind": "POLICY_ACKNOWLEDGEMENT",
           **request.model_dump(mode="json", exclude_none=True)}
    if request.status == "unsigned":  # sparse: only what still needs signing is on the index
        row |= {"gsi2pk": keys.unsigned_index(request.practice_id),
                "gsi2sk": f"{request.sign_by.isoformat()}#{request.policy_id}#{request.number:06d}#{request.user_id}"}
    return row


class DynamoAcknowledgementBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def request(self, practice_id: str, policy_id: str, number: int, user_id: str) -> Acknowledgement | None:
        """GetItem POLICY#<id>/ACK#<n>#<user> (consistent)."""
        row = self.table.get(keys.policy_pk(practice_id, policy_id), keys.acknowledgement_sk(number, user_id),
                             consistent=True)
        return Acknowledgement.model_validate(row) if row else None

    def requests(self, practice_id: str, policy_id: str, number: int) -> list[Acknowledgement]:
        """Query POLICY#<id> begins_with ACK#<n>#, every page."""
        return [Acknowledgement.model_validate(row) for row in
                self.table.query_all(keys.policy_pk(practice_id, policy_id),
                                     sk_prefix=keys.acknowledgements_prefix(number), consistent=True)]

    def ask(self, requests: list[Acknowledgement], superseded: list[Acknowledgement]) -> None:
        """A conditional Put per request where none is (a retry skips the ones written), and per superseded one
        over its unsigned version (one signed meanwhile stays signed)."""
        for request in requests:
            self._once(Put(_ack_row(request), "attribute_not_exists(pk)"))
        for old in superseded:
            self._once(Put(_ack_row(old), "#s = :unsigned AND #v = :v", names={"#s": "status", "#v": "version"},
                           values={":unsigned": "unsigned", ":v": old.version - 1}))

    def _once(self, put: Put) -> None:
        # already written (a retry), or signed meanwhile: either way nothing more to do
        with contextlib.suppress(TransactionCancelled):
            self.table.transact([put])

    def sign(self, signed: Acknowledgement, audit: AuditDraft) -> None:
        """TransactWriteItems: the request (signed, off the unsigned index) over its unsigned version; audit."""
        self.audit.commit(audit, [Put(
            _ack_row(signed), "#s = :unsigned AND #v = :v", names={"#s": "status", "#v": "version"},
            values={":unsigned": "unsigned", ":v": signed.version - 1},
            on_conflict=Conflict("this version is already acknowledged, or was superseded",
                                 code="already_acknowledged"))])

    def due_by(self, practice_id: str, through: date) -> list[Acknowledgement]:
        """Query gsi2 POLICY_UNSIGNED up to <through>#~ (sparse: unsigned requests only), every page."""
        return [Acknowledgement.model_validate(row) for row in
                self.table.query_all(keys.unsigned_index(practice_id), index=keys.DUE_INDEX,
                                     sk_between=keys.through(through))]

    def unsigned(self, practice_id: str, today: date) -> list[Acknowledgement]:
        """Query gsi2 POLICY_UNSIGNED up to the day before `today` (sparse), every page."""
        return self.due_by(practice_id, today - timedelta(days=1))

    def remind(self, request: Acknowledgement, audit: AuditDraft, events: list[DomainEvent]) -> None:
        """TransactWriteItems: the request over its previous version, still unsigned; its notice; audit."""
        self.audit.commit(audit, [Update(
            {"pk": keys.policy_pk(request.practice_id, request.policy_id),
             "sk": keys.acknowledgement_sk(request.number, request.user_id)},
            "SET #r = :r, #v = :v", names={"#r": "reminded", "#v": "version", "#s": "status"},
            values={":r": request.reminded, ":v": request.version, ":prev": request.version - 1,
                    ":unsigned": "unsigned"},
            condition="#v = :prev AND #s = :unsigned",
            on_conflict=Conflict("the acknowledgement changed meanwhile", code="conflict"))], events=events)
