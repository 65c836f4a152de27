"""Local sign-in tokens: HS256 JWTs carrying the claims a Cognito ID token would, signed with a key kept
in the data directory. The local server checks them as API Gateway's Cognito authorizer checks
Cognito's, and passes on the same claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from functions.core.auth import GROUPS_CLAIM, PATIENT_CLAIM, PRACTICE_CLAIM, Role
from functions.core.signed import is_base64url, signature_matches

DEFAULT_TTL_S = 24 * 3600
ISSUER = "practiceflow-local"


class InvalidToken(Exception):
    """The token is malformed, not ours, or expired. The message is safe to show the caller."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signing_input: str) -> str:
    return _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def claims_for(role: str | list[str], practice: str, patient: str | None = None, sub: str | None = None,
               ttl_s: int = DEFAULT_TTL_S, now: float | None = None) -> dict[str, Any]:
    """The claims of a user in one group (`role`) or several (a list), as Cognito puts them in an ID token."""
    roles = [role] if isinstance(role, str) else list(dict.fromkeys(role))
    unknown = [r for r in roles if r not in Role._value2member_map_]
    if unknown or not roles:
        raise ValueError(f"unknown role {unknown[0] if unknown else ''!r}; roles: {', '.join(r.value for r in Role)}")
    if Role.PATIENT in roles and not patient:
        raise ValueError("a patient token needs --patient ID")
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": sub or (f"patient-{patient}" if Role.PATIENT in roles else f"local-{'-'.join(roles)}"),
        GROUPS_CLAIM: roles,
        PRACTICE_CLAIM: practice,
        "iss": ISSUER,
        "token_use": "id",
        "iat": issued,
        "exp": issued + ttl_s,
    }
    if patient:
        claims[PATIENT_CLAIM] = patient
    return claims


def sign(claims: dict[str, Any], key: bytes) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_signature(key, signing_input)}"


def mint(key: bytes, role: str | list[str], practice: str, patient: str | None = None, sub: str | None = None,
         ttl_s: int = DEFAULT_TTL_S) -> str:
    return sign(claims_for(role, practice, patient=patient, sub=sub, ttl_s=ttl_s), key)


def verify(token: str, key: bytes, now: float | None = None) -> dict[str, Any]:
    """The token's claims, if its signature is ours and it has not expired."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 8192 or not all(is_base64url(part) for part in parts[:2]):
        raise InvalidToken("the token is not a JWT")
    header_text, payload_text, signature = parts
    if not signature_matches(signature, _signature(key, f"{header_text}.{payload_text}")):
        raise InvalidToken("the token's signature is not valid")
    try:
        header = json.loads(_unb64(header_text))
        claims = json.loads(_unb64(payload_text))
    except ValueError:
        raise InvalidToken("the token is not a JWT") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        raise InvalidToken("the token is not a JWT this server issued")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires <= (now if now is not None else time.time()):
        raise InvalidToken("the token has expired")
    return claims


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as API Gateway's Cognito authorizer hands them to Lambda: every value a string, the
    groups joined with commas."""
    result: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            result[name] = ",".join(str(v) for v in value)
        else:
            result[name] = str(value)
    return result
