"""The staff area's keys and the versioned write every adapter uses.

    PRACTICE#p#STAFF#<user>          PROFILE                 a member (notifications reads it too);
                                                             gsi3 STAFF_SIGN_IN / <last sign-in or created>#<user>
                                                             (sparse: active members)
                                     DAY#<date>              the shifts a member works that day, versioned
                                     LEAVE_CALENDAR          the member's active leave spans, versioned
    PRACTICE#p#STAFF_SETTINGS        POLICY, COVERAGE#<loc>  the staff policy; a location's coverage rules
    PRACTICE#p#SHIFT#<id>            SHIFT                   gsi1 ROSTER#<loc> / <date>#<start>#<id>;
                                                             gsi2 SHIFTS_OF#<user> / same
    PRACTICE#p#LEAVE#<id>            LEAVE                   gsi1 LEAVE_REQUESTS / <first day>#<id>;
                                                             gsi2 LEAVE_OF#<user> / same;
                                                             gsi3 LEAVE_PENDING / <submitted at>#<id> (sparse:
                                                             undecided requests)
    PRACTICE#p#PTO#<user>            ENTRY#<on>#<entry id>   the ledger (append-only)
    PRACTICE#p#PTO_MONTHS            MONTH#<yyyy-mm>         a month's accrual run has finished
    PRACTICE#p#ROSTER_DRAFT#<id>     DRAFT                   a suggested roster
"""

from typing import Any

from functions.core.errors import Conflict, stale
from functions.core.keys import collection_pk, entity_pk, segment
from functions.core.table import Put

PROFILE = "PROFILE"


def member_pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, "STAFF", user_id)


def members_index(practice_id: str) -> str:
    return collection_pk(practice_id, "STAFF_MEMBERS")


def reports_index(practice_id: str, manager_id: str) -> str:
    return collection_pk(practice_id, "STAFF_REPORTS", segment(manager_id, "manager id"))


def sign_in_index(practice_id: str) -> str:
    return collection_pk(practice_id, "STAFF_SIGN_IN")


def settings_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "STAFF_SETTINGS")


def coverage_sk(location_id: str) -> str:
    return f"COVERAGE#{segment(location_id, 'location id')}"


def shift_pk(practice_id: str, shift_id: str) -> str:
    return entity_pk(practice_id, "SHIFT", shift_id)


def roster_index(practice_id: str, location_id: str) -> str:
    return collection_pk(practice_id, "ROSTER", segment(location_id, "location id"))


def shifts_of_index(practice_id: str, user_id: str) -> str:
    return collection_pk(practice_id, "SHIFTS_OF", segment(user_id, "user id"))


def day_sk(on: Any) -> str:
    return f"DAY#{on.isoformat()}"


def leave_pk(practice_id: str, leave_id: str) -> str:
    return entity_pk(practice_id, "LEAVE", leave_id)


def leave_index(practice_id: str) -> str:
    return collection_pk(practice_id, "LEAVE_REQUESTS")


def pending_leave_index(practice_id: str) -> str:
    return collection_pk(practice_id, "LEAVE_PENDING")


def leave_of_index(practice_id: str, user_id: str) -> str:
    return collection_pk(practice_id, "LEAVE_OF", segment(user_id, "user id"))


def pto_pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, "PTO", user_id)


def pto_months_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "PTO_MONTHS")


def draft_pk(practice_id: str, draft_id: str) -> str:
    return entity_pk(practice_id, "ROSTER_DRAFT", draft_id)


def versioned_put(item: dict[str, Any], what: str, exists: Conflict | None = None) -> Put:
    """Put `item` (its `version` already the new one): the first version only where nothing is, a later one
    only over the version before it. A lost race is a 409 (`exists`) on create, a 412 on update."""
    version = item["version"]
    if version == 1:
        return Put(item, "attribute_not_exists(pk)",
                   on_conflict=exists or Conflict(f"the {what} changed meanwhile; read it again", code="conflict"))
    return Put(item, "#v = :v", names={"#v": "version"}, values={":v": version - 1}, on_conflict=stale(what))
