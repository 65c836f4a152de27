"""The single table: typed get/put/query/transaction helpers over the low-level client.

The low-level client (not the boto3 resource) keeps cold starts short; values are converted here so
no other module touches DynamoDB's wire format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from functions.core import tenancy
from functions.core.container import per_container
from functions.core.errors import DomainError
from functions.core.settings import settings

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

Item = dict[str, Any]


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return {_from_dynamo(v) for v in value}
    return value


def serialize(item: Item) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(raw: dict[str, Any]) -> Item:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in raw.items()}


def set_and_remove(attributes: Item, remove: Sequence[str] = ()) -> tuple[str, dict[str, str], Item]:
    """An UpdateExpression that SETs each attribute given and REMOVEs the ones named, leaving the rest of
    the item alone: (expression, names, values), every name aliased so no reserved word can clash."""
    names: dict[str, str] = {}
    values: Item = {}
    sets = []
    for n, (name, value) in enumerate(attributes.items()):
        names[f"#s{n}"] = name
        values[f":s{n}"] = value
        sets.append(f"#s{n} = :s{n}")
    removes = []
    for n, name in enumerate(remove):
        names[f"#r{n}"] = name
        removes.append(f"#r{n}")
    clauses = [f"SET {', '.join(sets)}" if sets else "", f"REMOVE {', '.join(removes)}" if removes else ""]
    return " ".join(c for c in clauses if c), names, values


# --- transaction operations -------------------------------------------------------------------

@dataclass
class Put:
    item: Item
    condition: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    values: Item = field(default_factory=dict)
    # raised when this operation's condition fails inside a transaction
    on_conflict: DomainError | None = None
    return_old_on_conflict: bool = False


@dataclass
class Update:
    key: Item
    expression: str
    names: dict[str, str] = field(default_factory=dict)
    values: Item = field(default_factory=dict)
    condition: str | None = None
    on_conflict: DomainError | None = None
    return_old_on_conflict: bool = False


@dataclass
class Check:
    key: Item
    condition: str
    names: dict[str, str] = field(default_factory=dict)
    values: Item = field(default_factory=dict)
    on_conflict: DomainError | None = None


@dataclass
class Delete:
    key: Item
    condition: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    values: Item = field(default_factory=dict)
    on_conflict: DomainError | None = None


Operation = Put | Update | Check | Delete


class TransactionCancelled(Exception):
    """A transaction was cancelled; `reasons` holds one (code, old item or None) per operation."""

    def __init__(self, reasons: list[tuple[str, Item | None]]) -> None:
        super().__init__(", ".join(code for code, _ in reasons))
        self.reasons = reasons

    def failed_at(self) -> list[int]:
        return [i for i, (code, _) in enumerate(self.reasons) if code == "ConditionalCheckFailed"]

    @property
    def contended(self) -> bool:
        return any(code == "TransactionConflict" for code, _ in self.reasons)


@dataclass
class Page:
    items: list[Item]
    last_key: Item | None


@per_container
def client():
    # Short timeouts and standard retries: a Lambda behind API Gateway has 29 s, not minutes.
    return boto3.client(
        "dynamodb",
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5),
    )


class Table:
    def __init__(self, name: str | None = None, dynamodb: Any = None) -> None:
        self.name = name or settings().table_name
        self._client = dynamodb

    @property
    def dynamodb(self):
        """The client given, else the current request's practice's (core.tenancy), else the function's own."""
        if self._client is not None:
            return self._client
        return tenancy.scoped_client() or client()

    def get(self, pk: str, sk: str, consistent: bool = False) -> Item | None:
        response = self.dynamodb.get_item(
            TableName=self.name, Key=serialize({"pk": pk, "sk": sk}), ConsistentRead=consistent
        )
        raw = response.get("Item")
        return deserialize(raw) if raw else None

    def put(self, item: Item, condition: str | None = None, names: dict | None = None,
            values: Item | None = None) -> None:
        request: dict[str, Any] = {"TableName": self.name, "Item": serialize(item)}
        _add_condition(request, condition, names, values)
        self.dynamodb.put_item(**request)

    def query(
        self,
        pk: str,
        *,
        sk_prefix: str | None = None,
        sk_between: tuple[str, str] | None = None,
        index: str | None = None,
        limit: int | None = None,
        start_key: Item | None = None,
        forward: bool = True,
        consistent: bool = False,
        filter_expression: str | None = None,
        filter_names: dict[str, str] | None = None,
        filter_values: Item | None = None,
    ) -> Page:
        pk_name, sk_name = ("pk", "sk") if index is None else (f"{index}pk", f"{index}sk")
        names = {"#pk": pk_name, **(filter_names or {})}
        values: Item = {":pk": pk, **(filter_values or {})}
        condition = "#pk = :pk"
        if sk_prefix is not None:
            names["#sk"] = sk_name
            values[":sk"] = sk_prefix
            condition += " AND begins_with(#sk, :sk)"
        elif sk_between is not None:
            names["#sk"] = sk_name
            values[":lo"], values[":hi"] = sk_between
            condition += " AND #sk BETWEEN :lo AND :hi"
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": serialize(values),
            "ScanIndexForward": forward,
        }
        if index:
            request["IndexName"] = index
        elif consistent:
            request["ConsistentRead"] = True
        if limit:
            request["Limit"] = limit
        if start_key:
            request["ExclusiveStartKey"] = serialize(start_key)
        if filter_expression:
            request["FilterExpression"] = filter_expression
        response = self.dynamodb.query(**request)
        last = response.get("LastEvaluatedKey")
        return Page([deserialize(raw) for raw in response.get("Items", [])], deserialize(last) if last else None)

    def query_all(self, pk: str, **query: Any) -> list[Item]:
        """Every page of one Query (`query`'s arguments but `start_key`), in order."""
        items: list[Item] = []
        start_key = None
        while True:
            page = self.query(pk, start_key=start_key, **query)
            items += page.items
            if not page.last_key:
                return items
            start_key = page.last_key

    def transact(self, operations: list[Operation], token: str | None = None) -> None:
        """All or nothing. A failed condition raises the operation's `on_conflict` if it names one,
        otherwise TransactionCancelled with the per-operation reasons."""
        request: dict[str, Any] = {"TransactItems": [self._transact_item(op) for op in operations]}
        if token:
            request["ClientRequestToken"] = token
        try:
            self.dynamodb.transact_write_items(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [
                (r.get("Code", "None"), deserialize(r["Item"]) if r.get("Item") else None)
                for r in error.response.get("CancellationReasons", [])
            ]
            cancelled = TransactionCancelled(reasons)
            for index in cancelled.failed_at():
                if index < len(operations) and operations[index].on_conflict is not None:
                    raise operations[index].on_conflict from None
            raise cancelled from None

    def _transact_item(self, op: Operation) -> dict[str, Any]:
        if isinstance(op, Put):
            body: dict[str, Any] = {"TableName": self.name, "Item": serialize(op.item)}
            if op.return_old_on_conflict:
                body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            kind = "Put"
        elif isinstance(op, Update):
            body = {"TableName": self.name, "Key": serialize(op.key), "UpdateExpression": op.expression}
            if op.return_old_on_conflict:
                body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            kind = "Update"
        elif isinstance(op, Check):
            body = {"TableName": self.name, "Key": serialize(op.key)}
            kind = "ConditionCheck"
        else:
            body = {"TableName": self.name, "Key": serialize(op.key)}
            kind = "Delete"
        _add_condition(body, op.condition, op.names, op.values)
        return {kind: body}


def _add_condition(request: dict[str, Any], condition: str | None, names: dict | None, values: Item | None):
    if condition:
        request["ConditionExpression"] = condition
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = serialize(values)
