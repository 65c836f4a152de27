"""InvitationBook: the fake and the DynamoDB adapter behave alike: versions follow each other, a new invitation
is new once, the Idempotency-Key rides with the write, and every write leaves its audit entry."""

import pytest

from functions.accounts.models import Invitation
from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, PreconditionFailed
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, IdempotentRequest

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


@pytest.fixture(params=["fake", "dynamo"])
def book(request):
    if request.param == "fake":
        from tests.fakes.accounts import FakeInvitationBook
        from tests.fakes.audit import FakeAuditTrail

        return FakeInvitationBook(FakeAuditTrail())
    from functions.accounts.dynamo import DynamoInvitationBook
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    request.getfixturevalue("cloud")
    return DynamoInvitationBook(Table(), AuditStore(Table()))


def audit(action: str = "account.invite"):
    return draft(CALLER, action, "USER", "user-1", AT)


def invitation(version: int = 1, user_id: str = "user-1", **more) -> Invitation:
    values = {"groups": ["practitioner"], **more}
    return Invitation(practice_id=PRACTICE, user_id=user_id, kind="staff", email="dr@clinic.example",
                      given_name="Gregory", family_name="House", invited_by="coord-1", invited_at=AT, sent_at=AT,
                      times_sent=version, version=version, **values)


def test_an_invitation_is_kept_and_read_back(book):
    book.keep(invitation(), audit())
    assert book.invitation(PRACTICE, "user-1") == invitation()
    assert book.invitation(PRACTICE, "user-2") is None
    assert book.invitation("practice-other", "user-1") is None


def test_a_new_invitation_for_an_invited_user_is_a_conflict(book):
    book.keep(invitation(), audit())
    with pytest.raises(Conflict) as refused:
        book.keep(invitation(), audit())
    assert refused.value.code == "invitation_exists"


def test_a_resend_follows_the_version_it_read(book):
    book.keep(invitation(), audit())
    book.keep(invitation(version=2, groups=["practitioner", "staff"]), audit("account.invite.resend"))
    with pytest.raises(PreconditionFailed):
        book.keep(invitation(version=2), audit("account.invite.resend"))
    with pytest.raises(PreconditionFailed):
        book.keep(invitation(version=2, user_id="never-invited"), audit("account.invite.resend"))
    assert book.invitation(PRACTICE, "user-1").groups == ["practitioner", "staff"]


def test_an_idempotency_key_is_claimed_with_the_invitation_and_replayed(book):
    request = IdempotentRequest(key="key-12345678", fingerprint="f1")
    assert book.replay(PRACTICE, request) is None
    claim = IdempotencyClaim(key="key-12345678", fingerprint="f1", response={"user_id": "user-1"})
    book.keep(invitation(), audit(), claim)
    assert book.replay(PRACTICE, request) == {"user_id": "user-1"}
    with pytest.raises(AlreadyDone):
        book.keep(invitation(user_id="user-2"), audit(), claim)
    assert book.invitation(PRACTICE, "user-2") is None
