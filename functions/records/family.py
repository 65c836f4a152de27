"""A patient's family members and proxies: their ids are ours, and a member a consent shares with stays."""

from collections.abc import Callable

from functions.core.errors import Conflict, Invalid
from functions.records.models.patients import FamilyMember, FamilyMemberIn, PatientRecord


def refuse_sent_ids(members: list[FamilyMemberIn]) -> None:
    if any(member.id for member in members):
        raise Invalid("a new patient's family members get their ids from us; leave `id` out", code="unexpected_id")


def resolve(record: PatientRecord, members: list[FamilyMemberIn], make_id: Callable[[], str]) -> list[FamilyMember]:
    """Members sent with an id keep it (and must be the patient's); members without one are new."""
    unknown = [m.id for m in members if m.id is not None and record.family_member(m.id) is None]
    if unknown:
        raise Invalid("no such family member", {"unknown": unknown}, code="unknown_family_member")
    ids = [m.id for m in members if m.id is not None]
    if len(set(ids)) != len(ids):
        raise Invalid("a family member appears twice", code="duplicate_family_member")
    return [FamilyMember(**m.model_dump()) if m.id else new_member(m, make_id) for m in members]


def new_member(member: FamilyMemberIn, make_id: Callable[[], str]) -> FamilyMember:
    return FamilyMember(**member.model_dump(exclude={"id"}), id=make_id())


def removed(record: PatientRecord, kept: list[FamilyMember]) -> set[str]:
    """The members a new family list drops. A member named in an active data-sharing consent stays until the
    consent is revoked."""
    dropped = {member.id for member in record.family} - {member.id for member in kept}
    shared = {member_id for consent in record.consents if consent.status == "active"
              for member_id in consent.shares_with}
    if dropped & shared:
        raise Conflict("a family member named in an active data-sharing consent stays until the consent "
                       "is revoked", code="family_member_in_consent")
    return dropped


def check_shares_with(record: PatientRecord, member_ids: list[str]) -> None:
    """A consent shares only with the patient's own family members."""
    unknown = [member_id for member_id in member_ids if record.family_member(member_id) is None]
    if unknown:
        raise Invalid("a consent can only share with the patient's family members", {"unknown": unknown},
                      code="unknown_family_member")
