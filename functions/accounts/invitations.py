"""Inviting staff and patients to sign in: the coordinator (or, for patients, the front desk) opens a sign-in
bound to the caller's practice, and a patient's to their record; inviting the same person again resends."""

from collections.abc import Callable
from datetime import datetime

from functions.accounts.models import (
    PATIENT_GROUP,
    DirectoryUser,
    Invitation,
    InvitationAnswer,
    InvitationIn,
    NewUser,
)
from functions.accounts.ports import InvitationBook, PatientContacts, UserDirectory
from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.service import AreaService, AuditTrail

ENTITY = "USER"


class Invitations(AreaService):
    def __init__(self, directory: UserDirectory, book: InvitationBook, patients: PatientContacts,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.directory, self.book, self.patients, self.audit, self.now = directory, book, patients, audit, now

    def invite(self, caller: Caller, body: InvitationIn, key: str | None = None) -> InvitationAnswer:
        """Open a sign-in and send its invitation, or resend a pending one. Answers the user's id (their `sub`)."""
        self._may_invite(caller, body)

        def work(request: IdempotentRequest | None) -> InvitationAnswer:
            new = self._new_user(caller, body)
            found = self.directory.find(new.email)
            if found is None:
                user = self.directory.create(new)
                resent = False
            else:
                self._same_person(caller, found, new)
                self.directory.resend(new.email)
                user, resent = found, True
            # also on a resend: a first attempt that crashed between creating the user and grouping them heals
            self.directory.add_to_groups(new.email, new.groups)
            invitation = self._record(caller, user, new)
            answer = InvitationAnswer(**invitation.model_dump(), resent=resent)
            action = "account.invite.resend" if resent else "account.invite"
            self.book.keep(invitation, self._draft(caller, action, ENTITY, user.user_id, new.patient_id,
                                                   at=invitation.sent_at),
                           request.answered(answer) if request else None)
            return answer

        return run_once(self.book, caller.practice_id, key, "accounts.invitation", body, work,
                        InvitationAnswer.model_validate)

    def read(self, caller: Caller, user_id: str) -> Invitation:
        invitation = self.book.invitation(caller.practice_id, user_id)
        if invitation is None:
            authz.authorize(caller, "accounts.invitation.read")
            raise NotFound("no invitation for this user", code="invitation_not_found")
        if invitation.kind == "patient":
            authz.authorize(caller, "accounts.invitation.read", authz.patient(invitation.patient_id))
            # the patient's contact and sign-in: a read of their data, in their "who looked at my record"
            self._audit_read(caller, "account.invitation.read", ENTITY, user_id, invitation.patient_id)
        else:
            authz.authorize(caller, "accounts.invitation.read_staff")
        return invitation

    def _may_invite(self, caller: Caller, body: InvitationIn) -> None:
        if body.kind == "patient":
            authz.authorize(caller, "accounts.invitation.patient", authz.patient(body.patient_id))
            return
        roles = set(body.roles or ())
        if roles - {"privacy_officer"}:
            authz.authorize(caller, "accounts.invitation.staff")
        if "privacy_officer" in roles:
            authz.authorize(caller, "accounts.invitation.privacy_officer")

    def _new_user(self, caller: Caller, body: InvitationIn) -> NewUser:
        if body.kind == "staff":
            return NewUser(email=body.email, practice_id=caller.practice_id, groups=body.groups,
                           given_name=body.given_name, family_name=body.family_name)
        patient = self.patients.patient(caller.practice_id, body.patient_id)
        if patient is None:
            raise NotFound("no such patient", code="patient_not_found", subject_patient_id=body.patient_id)
        email = body.email or patient.email
        if email is None:
            raise Invalid("the patient's record has no email: name one", {"fields": ["email"]},
                          code="email_required")
        return NewUser(email=email, practice_id=caller.practice_id, groups=body.groups, patient_id=patient.id,
                       given_name=patient.given_name, family_name=patient.family_name)

    def _same_person(self, caller: Caller, found: DirectoryUser, new: NewUser) -> None:
        """Resend only to the sign-in this invitation would have made: same practice, same patient (or staff)."""
        if found.practice_id != caller.practice_id:
            # the email signs in elsewhere; which practice is not this practice's business
            raise Conflict("this email already signs in to another practice", code="email_in_another_practice")
        if found.patient_id != new.patient_id:
            raise Conflict("this email already signs in as someone else in the practice", code="email_in_use")
        if not found.pending:
            raise Conflict("this user has signed in already: there is no invitation to resend",
                           code="account_active")

    def _record(self, caller: Caller, user: DirectoryUser, new: NewUser) -> Invitation:
        at = self._at()
        before = self.book.invitation(caller.practice_id, user.user_id)
        groups = sorted(set(new.groups) | set(before.groups if before else ()))
        if before is None:
            return Invitation(practice_id=caller.practice_id, user_id=user.user_id,
                              kind="patient" if PATIENT_GROUP in new.groups else "staff", email=new.email,
                              groups=groups, patient_id=new.patient_id, given_name=new.given_name,
                              family_name=new.family_name, invited_by=caller.user_id, invited_at=at, sent_at=at,
                              times_sent=1, version=1)
        return before.model_copy(update={"groups": groups, "sent_at": at, "times_sent": before.times_sent + 1,
                                         "version": before.version + 1})
