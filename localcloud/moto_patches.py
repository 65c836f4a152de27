"""Where moto differs from AWS in a way our tests depend on, it is corrected here, in one place.

DynamoDB: moto applies a transaction item by item with no lock, so two threads can both pass a
condition that real DynamoDB (serializable transactions, atomic conditional writes) would let only one
pass. Racing tests would prove nothing. Every data-plane call is serialized under one lock, which gives
the isolation DynamoDB promises and nothing more."""

import functools
import threading

_LOCK = threading.RLock()
_installed = False

DATA_PLANE = ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "transact_write_items")


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name in DATA_PLANE:
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self, *args, __original=original, **kwargs):
            with _LOCK:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _installed = True


def installed() -> bool:
    return _installed
