"""Key builders. Every key starts with the tenant, so no access pattern can reach another practice.

Layout (single table, `pk`/`sk`, overloaded GSIs `gsi1`..`gsi3` with `gsiNpk`/`gsiNsk`):
    PRACTICE#<practice>#<ENTITY>#<id>    one entity and the items that belong to it
    PRACTICE#<practice>#<COLLECTION>     a practice-wide list (audit chain, outbox, idempotency...)
"""

import re

from functions.core.errors import Invalid

_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SEPARATOR = "#"


def is_segment(value: object) -> bool:
    """Whether `value` may go inside a key (see `segment`), without raising."""
    return isinstance(value, str) and _SEGMENT.fullmatch(value) is not None


def segment(value: str, what: str = "id") -> str:
    """An id that may go inside a key: no separator, bounded length. Anything else is a caller error."""
    if not is_segment(value):
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


# What IAM checks (dynamodb:LeadingKeys, StringLike: "*" is any run of characters) on each request's DynamoDB
# calls: every partition key, of the table or of an index queried, is the caller's practice's; and nothing
# updates or deletes an item of a practice's audit partition (entries, head, checkpoint).
TENANT_KEY_PATTERN = "PRACTICE#{practice}#*"
AUDIT_PARTITION_PATTERN = "PRACTICE#*#AUDIT"


def tenant_key_pattern(practice: str) -> str:
    """The leading keys a practice may touch; `practice` may be an IAM policy variable."""
    return TENANT_KEY_PATTERN.format(practice=practice)


# Practices themselves: a small registry that jobs walk (one Query on gsi1, never a Scan). Each practice's
# entry lives in its own partition, so a request scoped to its practice can enter it; only jobs read the index.
PRACTICES_PK = "PRACTICES"  # the registry's gsi1pk; before the registry moved to gsi1, its table partition


def practice_sk(practice_id: str) -> str:
    return f"PRACTICE#{segment(practice_id, 'practice id')}"


def registry_item(practice_id: str) -> dict[str, str]:
    """The practice's entry in the registry (idempotent: the same item each time)."""
    return {"pk": collection_pk(practice_id, "REGISTRY"), "sk": "PRACTICE", "kind": "PRACTICE",
            "practice_id": practice_id, "gsi1pk": PRACTICES_PK, "gsi1sk": practice_sk(practice_id)}
