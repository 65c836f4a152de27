"""How a check names the thing it found as a finding key: readable when it fits, a digest when it does not."""

import hashlib
import re

LIMIT = 40  # a finding id is f"{check}-{key}": the key stays a short key segment
_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def finding_key(prefix: str, *parts: str) -> str:
    """`<prefix>-<part>-<part>` when that is segment-safe and short enough, else `<prefix>-<sha256 of the parts>`
    cut to the limit: the same thing always gets the same key."""
    readable = "-".join((prefix, *parts))
    if len(readable) <= LIMIT and _SAFE.match(readable):
        return readable
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"{prefix}-{digest}"[:LIMIT]
