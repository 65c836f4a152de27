"""Policies staff must acknowledge: the coordinator (or privacy officer) writes a policy and publishes versions,
each naming who must sign (job roles, people) and in how many days; each signer acknowledges the current version
themselves, and the tracking shows who has signed which version. A new version supersedes the old one's unsigned
requests: nobody is asked to sign text that is no longer in force."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.compliance.models.policies import (
    Acknowledgement,
    AcknowledgementIn,
    Policy,
    PolicyIn,
    PolicyList,
    PolicyRead,
    PolicyVersion,
    PolicyVersionIn,
    Published,
    Tracking,
)
from functions.compliance.ports.staff import StaffDirectory
from functions.compliance.ports.training import AcknowledgementBook, PolicyBook
from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail


class Policies(AreaService):
    def __init__(self, policies: PolicyBook, acknowledgements: AcknowledgementBook, directory: StaffDirectory,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.policies, self.acknowledgements, self.directory = policies, acknowledgements, directory
        self.audit, self.now = audit, now

    def create(self, caller: Caller, body: PolicyIn) -> Policy:
        authz.authorize(caller, "compliance.policy.create")
        at = self._at()
        policy = Policy(id=new_id(), practice_id=caller.practice_id, **body.model_dump(), version=1, created_at=at,
                        updated_at=at)
        self.policies.save(policy, self._draft(caller, "compliance.policy.create", "POLICY", policy.id, at=at))
        return policy

    def read(self, caller: Caller, policy_id: str) -> PolicyRead:
        authz.authorize(caller, "compliance.policy.read")
        policy = self._policy(caller.practice_id, policy_id)
        current = (self.policies.version(caller.practice_id, policy_id, policy.current_version)
                   if policy.current_version else None)
        return PolicyRead(policy=policy, current=current)

    def everything(self, caller: Caller) -> PolicyList:
        authz.authorize(caller, "compliance.policy.read")
        return PolicyList(policies=self.policies.policies(caller.practice_id))

    def publish(self, caller: Caller, policy_id: str, body: PolicyVersionIn) -> Published:
        """Version n+1 of the policy, and a request to sign it for each active member named or holding a named
        role. The earlier version's unsigned requests are superseded."""
        authz.authorize(caller, "compliance.policy.publish")
        policy = self._policy(caller.practice_id, policy_id)
        signers = {c.user_id for c in self.directory.with_roles(caller.practice_id, body.signers.roles)}
        unknown = []
        for user_id in body.signers.user_ids:
            colleague = self.directory.colleague(caller.practice_id, user_id)
            if colleague is None or not colleague.active:
                unknown.append(user_id)
            signers.add(user_id)
        if unknown:
            raise Invalid("not an active member of staff", {"user_ids": sorted(unknown)}, code="unknown_staff")
        if not signers:
            raise Invalid("nobody holds the roles named: name people, or roles someone holds", code="no_signers")
        at = self._at()
        number = policy.current_version + 1
        sign_by = self.now().date() + timedelta(days=body.days_to_sign)
        version = PolicyVersion(practice_id=policy.practice_id, policy_id=policy.id, number=number, text=body.text,
                                roles=sorted(set(body.signers.roles)), user_ids=sorted(set(body.signers.user_ids)),
                                published_at=at, published_by=caller.user_id, sign_by=sign_by)
        moved = policy.model_copy(update={"current_version": number, "version": policy.version + 1, "updated_at": at})
        self.policies.publish(moved, version, self._draft(caller, "compliance.policy.publish", "POLICY", policy.id,
                                                          at=at))
        previous = (self.acknowledgements.requests(policy.practice_id, policy.id, policy.current_version)
                    if policy.current_version else [])
        superseded = [r.model_copy(update={"status": "superseded", "version": r.version + 1})
                      for r in previous if r.status == "unsigned"]
        requests = [Acknowledgement(practice_id=policy.practice_id, policy_id=policy.id, policy_title=policy.title,
                                    number=number, user_id=user_id, sign_by=sign_by, version=1)
                    for user_id in sorted(signers)]
        self.acknowledgements.ask(requests, superseded)
        return Published(policy=moved, version=version, signers=len(requests))

    def acknowledge(self, caller: Caller, policy_id: str, body: AcknowledgementIn) -> Acknowledgement:
        """The signer themselves acknowledges the version they read, which must be the current one."""
        authz.authorize(caller, "compliance.policy.acknowledge", authz.staff_member(caller.user_id))
        policy = self._policy(caller.practice_id, policy_id)
        if body.number != policy.current_version:
            raise Conflict(f"version {body.number} is not the current version ({policy.current_version}): read "
                           "the policy again", {"current_version": policy.current_version},
                           code="not_current_version")
        request = self.acknowledgements.request(caller.practice_id, policy_id, body.number, caller.user_id)
        if request is None:
            raise Invalid("this version does not ask you to sign it", code="not_a_signer")
        if request.status != "unsigned":
            raise Conflict("you have already acknowledged this version", code="already_acknowledged")
        at = self._at()
        signed = request.model_copy(update={"status": "signed", "signed_at": at, "version": request.version + 1})
        self.acknowledgements.sign(signed, self._draft(caller, "compliance.policy.acknowledge", "POLICY", policy_id,
                                                       at=at))
        return signed

    def tracking(self, caller: Caller, policy_id: str, number: int | None) -> Tracking:
        """Who has signed one version (the current one unless named) and who has not."""
        authz.authorize(caller, "compliance.acknowledgement.read")
        policy = self._policy(caller.practice_id, policy_id)
        number = number or policy.current_version
        version = self.policies.version(caller.practice_id, policy_id, number) if number else None
        if version is None:
            raise NotFound("no such version of the policy")
        requests = self.acknowledgements.requests(caller.practice_id, policy_id, number)
        return Tracking(policy_id=policy_id, number=number, sign_by=version.sign_by,
                        signed=[r for r in requests if r.status == "signed"],
                        unsigned=[r for r in requests if r.status == "unsigned"],
                        superseded=[r for r in requests if r.status == "superseded"])

    def acknowledgement(self, caller: Caller, policy_id: str, user_id: str) -> Acknowledgement:
        """One member's request for the current version: theirs to read, or the coordinator's."""
        authz.authorize(caller, "compliance.acknowledgement.read", authz.staff_member(user_id))
        policy = self._policy(caller.practice_id, policy_id)
        request = (self.acknowledgements.request(caller.practice_id, policy_id, policy.current_version, user_id)
                   if policy.current_version else None)
        if request is None:
            raise NotFound("the current version does not ask this member to sign it")
        return request

    def _policy(self, practice_id: str, policy_id: str) -> Policy:
        policy = self.policies.policy(practice_id, policy_id)
        if policy is None:
            raise NotFound("no such policy")
        return policy
