"""Key builders. Every key starts with the tenant, so no access pattern can reach another practice.

Layout (single table, `pk`/`sk`, overloaded GSIs `gsi1`..`gsi3` with `gsiNpk`/`gsiNsk`):
    PRACTICE#<practice>#<ENTITY>#<id>    one entity and the items that belong to it
    PRACTICE#<practice>#<COLLECTION>     a practice-wide list (audit chain, outbox, idempotency...)
"""

import re

from functions.core.errors import Invalid

_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SEPARATOR = "#"


def segment(value: str, what: str = "id") -> str:
    """An id that may go inside a key: no separator, bounded length. Anything else is a caller error."""
    if not isinstance(value, str) or not _SEGMENT.match(value):
        raise Invalid(f"{what} is not a valid identifier", code="invalid_identifier")
    return value


def tenant_prefix(practice_id: str) -> str:
    return f"PRACTICE#{segment(practice_id, 'practice id')}#"


def entity_pk(practice_id: str, entity: str, entity_id: str) -> str:
    return f"{tenant_prefix(practice_id)}{entity}#{segment(entity_id, entity.lower() + ' id')}"


def collection_pk(practice_id: str, collection: str, *parts: str) -> str:
    suffix = "".join(f"#{part}" for part in parts)
    return f"{tenant_prefix(practice_id)}{collection}{suffix}"


def belongs_to(practice_id: str, key_value: str) -> bool:
    return key_value.startswith(tenant_prefix(practice_id))


# Practices themselves: a small registry that jobs walk (one Query, never a Scan).
PRACTICES_PK = "PRACTICES"


def practice_sk(practice_id: str) -> str:
    return f"PRACTICE#{segment(practice_id, 'practice id')}"
