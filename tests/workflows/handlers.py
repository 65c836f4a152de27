"""Test-only Lambda handlers that the workflow smoke tests wire into the catalogue."""

import threading
from collections import Counter

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
