"""Who is calling: roles and tenant from the Cognito claims API Gateway passes in. What each role may do is
core.authz's table."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from functions.core.errors import Forbidden, Unauthorized
from functions.core.keys import segment


class Role(StrEnum):
    COORDINATOR = "coordinator"
    PRIVACY_OFFICER = "privacy_officer"  # HIPAA's privacy official: the audit trail, disclosures, compliance
    PRACTITIONER = "practitioner"
    FRONT_DESK = "front_desk"
    BILLING = "billing"
    STAFF = "staff"
    PATIENT = "patient"


CLINICAL_STAFF = frozenset({Role.COORDINATOR, Role.PRACTITIONER, Role.FRONT_DESK})
ALL_STAFF = frozenset(set(Role) - {Role.PATIENT})

PRACTICE_CLAIM = "custom:practice_id"
PATIENT_CLAIM = "custom:patient_id"
GROUPS_CLAIM = "cognito:groups"


@dataclass(frozen=True)
class Caller:
    user_id: str
    practice_id: str
    roles: frozenset[Role]
    patient_id: str | None = None
    request_id: str = "-"
    route: str | None = None  # "GET /patients/{patient_id}": the route the audit trail names; None off the API

    @property
    def role(self) -> str:
        """The role recorded in the audit trail: the caller's most privileged one."""
        for role in Role:
            if role in self.roles:
                return role.value
        return "none"

    @property
    def is_patient(self) -> bool:
        return Role.PATIENT in self.roles


def _groups(raw: Any) -> set[str]:
    # API Gateway flattens the groups claim to a string: "a", "a,b" or "[a b]" depending on the path taken.
    if isinstance(raw, list):
        return {str(g) for g in raw}
    if not raw:
        return set()
    text = str(raw).strip("[]")
    return {part for part in text.replace(",", " ").split() if part}


def caller_from_claims(claims: Mapping[str, Any] | None, request_id: str = "-", route: str | None = None) -> Caller:
    if not claims or not claims.get("sub"):
        raise Unauthorized("sign in first")
    practice_id = claims.get(PRACTICE_CLAIM)
    if not practice_id:
        raise Forbidden("the user is not bound to a practice")
    roles = frozenset(Role(g) for g in _groups(claims.get(GROUPS_CLAIM)) if g in Role._value2member_map_)
    if not roles:
        raise Forbidden("the user has no role in PracticeFlow")
    patient_id = claims.get(PATIENT_CLAIM) or None
    if Role.PATIENT in roles:
        if not patient_id:
            raise Forbidden("the patient user is not linked to a patient record")
        # One rule for every area: a token that carries the patient group is a patient everywhere, whatever
        # else it carries. A staff member who is also a patient signs in with a separate identity.
        roles = frozenset({Role.PATIENT})
    else:
        patient_id = None  # only a patient user is bound to a record; a stray claim on staff means nothing
    return Caller(
        user_id=str(claims["sub"]),
        practice_id=segment(str(practice_id), "practice id"),
        roles=roles,
        patient_id=patient_id,
        request_id=request_id,
        route=route,
    )
