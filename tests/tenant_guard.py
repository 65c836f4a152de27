"""What the tenant role's IAM policy enforces on AWS, enforced on moto (which runs AssumeRole but checks no
policy): on a practice's session, every partition key a call leads with, of the table or of the index it
queries, matches PRACTICE#<practice>#*, and no UpdateItem or DeleteItem touches an audit partition. The
patterns are the ones the CDK policy is built from (functions/core/keys.py). Installed by the `cloud`
fixture, so every API test runs under it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from functions.core.keys import AUDIT_PARTITION_PATTERN, tenant_key_pattern

# DynamoDB operation -> the IAM action each of its items is authorised as
SINGLE = {"GetItem": "GetItem", "PutItem": "PutItem", "UpdateItem": "UpdateItem", "DeleteItem": "DeleteItem",
          "Query": "Query"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
ALLOWED = {"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"}
DENIED_ON_AUDIT = {"UpdateItem", "DeleteItem"}


def string_like(pattern: str, value: str) -> bool:
    """IAM's StringLike: '*' any run of characters, '?' any one; nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def _query_partition(params: dict[str, Any]) -> str:
    """The partition key value a Query's key condition names (of the index, when it queries one)."""
    attribute = f"{params['IndexName']}pk" if params.get("IndexName") else "pk"
    names = params.get("ExpressionAttributeNames", {})
    for name, placeholder in re.findall(r"(#?\w+)\s*=\s*(:\w+)", params["KeyConditionExpression"]):
        if names.get(name, name) == attribute:
            return params["ExpressionAttributeValues"][placeholder]["S"]
    raise AssertionError(f"no partition key in {params['KeyConditionExpression']!r}")


def requested(operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(IAM action, leading key) for each item an operation touches."""
    if operation == "Query":
        return [("Query", _query_partition(params))]
    if operation in SINGLE:
        key = params.get("Key") or params["Item"]
        return [(SINGLE[operation], key["pk"]["S"])]
    if operation == "BatchGetItem":
        return [("GetItem", key["pk"]["S"]) for t in params["RequestItems"].values() for key in t["Keys"]]
    if operation == "TransactWriteItems":
        found = []
        for item in params["TransactItems"]:
            ((kind, body),) = item.items()
            found.append((TRANSACT[kind], (body.get("Key") or body["Item"])["pk"]["S"]))
        return found
    return [(operation, "")]  # Scan, TransactGetItems, ...: the tenant role allows none of them


def _denied(operation: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)


def check(practice_id: str, operation: str, params: dict[str, Any]) -> None:
    allowed_keys = tenant_key_pattern(practice_id)
    for action, leading in requested(operation, params):
        if action not in ALLOWED or not string_like(allowed_keys, leading):
            raise _denied(operation, f"tenant session for {practice_id} may not {action} on {leading!r}")
        if action in DENIED_ON_AUDIT and string_like(AUDIT_PARTITION_PATTERN, leading):
            raise _denied(operation, f"explicit deny: {action} on the audit partition {leading!r}")


def guarded(assume: Callable[[str, str], Any]) -> Callable[[str, str], Any]:
    """Wrap core.tenancy._assume: each practice's client checks its calls as the tenant role would."""

    def assume_and_guard(role_arn: str, practice_id: str):
        held = assume(role_arn, practice_id)

        def before(params: dict[str, Any], model: Any, **_: Any) -> None:
            check(practice_id, model.name, params)

        held.client.meta.events.register("before-parameter-build.dynamodb", before)
        return held

    return assume_and_guard
