"""Test-only Lambda handlers that the workflow smoke tests wire into the catalogue."""

import threading
from collections import Counter

from infra.catalog import Access, Function

attempts: Counter = Counter()
_lock = threading.Lock()


class TransientError(Exception):
    """Stands in for a clearinghouse timeout: worth retrying."""


def echo(event, context):
    return {"got": event, "function": context.function_name}


def flaky(event, context):
    """Fails with TransientError until it has been called `succeed_on` times for this `key`."""
    with _lock:
        attempts[event["key"]] += 1
        count = attempts[event["key"]]
    if count < event["succeed_on"]:
        raise TransientError("the clearinghouse timed out")
    return {"key": event["key"], "attempts": count}


# The catalogue entries that run these handlers, for the test catalogues the smoke tests extend CATALOG with.
FUNCTIONS = (
    Function(name="test-echo", handler="tests.workflows.handlers.echo", area="test",
             description="returns its event", access=frozenset({Access.TABLE_READ})),
    Function(name="test-flaky", handler="tests.workflows.handlers.flaky", area="test",
             description="fails until its n-th call", access=frozenset({Access.TABLE_READ})),
)
