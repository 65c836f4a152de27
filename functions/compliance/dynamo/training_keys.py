"""The keys of training and policies, and the sparse indexes their reminders and checks read.

    PRACTICE#p#TRAINING_PROGRAMME#<id>    PROGRAMME        gsi1 TRAINING_PROGRAMMES / <title>#<id>
    PRACTICE#p#TRAINING_ASSIGNMENT#<id>   ASSIGNMENT       gsi1 TRAINING_OF#<user> / <due on>#<id>;
                                                           gsi3 TRAINING_ASSIGNED#<programme> / <user>#<id>;
                                                           gsi2 TRAINING_DUE / <due on>#<id> ONLY while open
    PRACTICE#p#TRAINING_OPEN#<programme>  USER#<user>      the member's one open assignment of the programme
    PRACTICE#p#POLICY#<id>                POLICY           gsi1 POLICIES / <title>#<id>
                                          VERSION#<n>      a published version (n zero-padded to 6)
                                          ACK#<n>#<user>   a signer's acknowledgement request;
                                                           gsi2 POLICY_UNSIGNED / <sign by>#<id>#<n>#<user> ONLY
                                                           while unsigned
"""

from datetime import date

from functions.core.keys import collection_pk, entity_pk, segment

PROGRAMME, ASSIGNMENT, POLICY = "PROGRAMME", "ASSIGNMENT", "POLICY"
LIST_INDEX = "gsi1"
DUE_INDEX = "gsi2"
PROGRAMME_INDEX = "gsi3"
HIGHEST = "~"  # sorts after every digit and letter: the end of a date's range


def programme_pk(practice_id: str, programme_id: str) -> str:
    return entity_pk(practice_id, "TRAINING_PROGRAMME", programme_id)


def programmes_index(practice_id: str) -> str:
    return collection_pk(practice_id, "TRAINING_PROGRAMMES")


def assignment_pk(practice_id: str, assignment_id: str) -> str:
    return entity_pk(practice_id, "TRAINING_ASSIGNMENT", assignment_id)


def member_index(practice_id: str, user_id: str) -> str:
    return collection_pk(practice_id, "TRAINING_OF", segment(user_id, "user id"))


def programme_assignments_index(practice_id: str, programme_id: str) -> str:
    return collection_pk(practice_id, "TRAINING_ASSIGNED", segment(programme_id, "programme id"))


def training_due_index(practice_id: str) -> str:
    return collection_pk(practice_id, "TRAINING_DUE")


def open_pk(practice_id: str, programme_id: str) -> str:
    return entity_pk(practice_id, "TRAINING_OPEN", programme_id)


def open_sk(user_id: str) -> str:
    return f"USER#{segment(user_id, 'user id')}"


def policy_pk(practice_id: str, policy_id: str) -> str:
    return entity_pk(practice_id, "POLICY", policy_id)


def policies_index(practice_id: str) -> str:
    return collection_pk(practice_id, "POLICIES")


def version_sk(number: int) -> str:
    return f"VERSION#{number:06d}"


def acknowledgement_sk(number: int, user_id: str) -> str:
    return f"ACK#{number:06d}#{segment(user_id, 'user id')}"


def acknowledgements_prefix(number: int) -> str:
    return f"ACK#{number:06d}#"


def unsigned_index(practice_id: str) -> str:
    return collection_pk(practice_id, "POLICY_UNSIGNED")


def by_title(title: str, entity_id: str) -> str:
    return f"{title.casefold()[:60]}#{entity_id}"


def through(day: date) -> tuple[str, str]:
    """The sort-key range of a date-keyed index from its start through `day`, inclusive."""
    return "0", f"{day.isoformat()}#{HIGHEST}"
