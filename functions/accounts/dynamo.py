"""The invitations a practice sent, on the single table: the only module of accounts that knows their keys.

Layout: pk = PRACTICE#<p>#INVITATION#<user id>   sk = INVITATION   (one item per invited sign-in)"""

from typing import Any

from functions.accounts.models import Invitation
from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.keys import entity_pk
from functions.core.table import Operation, Put, Table

INVITATION = "INVITATION"


def _pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, INVITATION, user_id)


class DynamoInvitationBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def invitation(self, practice_id: str, user_id: str) -> Invitation | None:
        """GetItem (consistent) pk=PRACTICE#p#INVITATION#user, sk=INVITATION."""
        item = self.table.get(_pk(practice_id, user_id), INVITATION, consistent=True)
        return Invitation.model_validate(item) if item else None

    def keep(self, invitation: Invitation, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """One TransactWriteItems: Put the invitation (version 1: attribute_not_exists; else the version before
        it) [+ the Idempotency-Key's record] + the audit entry. Raises idempotency.AlreadyDone for a used key."""
        item = {"pk": _pk(invitation.practice_id, invitation.user_id), "sk": INVITATION, "kind": INVITATION,
                **invitation.model_dump(mode="json", exclude_none=True)}
        if invitation.version == 1:
            put = Put(item, "attribute_not_exists(pk)",
                      on_conflict=Conflict("this user was just invited; retry", code="invitation_exists"))
        else:
            put = Put(item, "#version = :before", names={"#version": "version"},
                      values={":before": invitation.version - 1}, on_conflict=stale("invitation"))
        writes: list[Operation] = [put]
        if claim is not None:
            writes.insert(0, idempotency.claim_put(invitation.practice_id, claim))
        self.audit.commit(audit, writes=writes)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem: the answer stored under the key, None when none is; Invalid when reused differently."""
        return idempotency.stored_response(self.table, practice_id, request)
