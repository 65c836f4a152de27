"""The outreach area's keys.

    PRACTICE#p#OUTREACH_WORKSHOP#<w>       WORKSHOP          the workshop, versioned, with its counters
                                                             (registered, waitlisted, survey totals: changed by
                                                             UpdateItem without a version bump, so no ETag moves);
                                                             gsi1 OUTREACH_WORKSHOPS / <w>; gsi2
                                                             OUTREACH_WORKSHOPS#<status> / <w>
                                           HOLDER#<holder>   who holds an active registration (patient:<id>,
                                                             contact:<hash>): one each per workshop
    PRACTICE#p#OUTREACH_REGISTRATION#<r>   REGISTRATION      gsi1 OUTREACH_ROSTER#<w> / <r>; gsi2 (waitlisted only)
                                                             OUTREACH_WAITLIST#<w> / <joined at>#<r>; gsi3 (a
                                                             patient's) OUTREACH_REGISTRATIONS_OF#<patient> / <r>
                                           SURVEY            the registrant's survey answer, written once
    PRACTICE#p#OUTREACH_SIGNUP#<s>         SIGNUP            a public sign-up awaiting its link (ttl)
    PRACTICE#p#OUTREACH_LIMIT#<bucket>     WINDOW#<start>    sign-ups counted in a rate-limit window (ttl)
    PRACTICE#p#CONTACT#<r>                 CONTACT           a public registrant's card (core.contacts)
"""

from functions.core.errors import Invalid
from functions.core.keys import collection_pk, entity_pk, is_segment, segment

WORKSHOP = "WORKSHOP"
REGISTRATION = "REGISTRATION"
SURVEY = "SURVEY"
SIGNUP = "SIGNUP"


def workshop_pk(practice_id: str, workshop_id: str) -> str:
    return entity_pk(practice_id, "OUTREACH_WORKSHOP", workshop_id)


def holder_sk(holder: str) -> str:
    return f"HOLDER#{holder}"


def workshops_index(practice_id: str) -> str:
    return collection_pk(practice_id, "OUTREACH_WORKSHOPS")


def status_index(practice_id: str, status: str) -> str:
    return collection_pk(practice_id, "OUTREACH_WORKSHOPS", segment(status, "status"))


def registration_pk(practice_id: str, registration_id: str) -> str:
    return entity_pk(practice_id, "OUTREACH_REGISTRATION", registration_id)


def roster_index(practice_id: str, workshop_id: str) -> str:
    return collection_pk(practice_id, "OUTREACH_ROSTER", segment(workshop_id, "workshop id"))


def waitlist_index(practice_id: str, workshop_id: str) -> str:
    return collection_pk(practice_id, "OUTREACH_WAITLIST", segment(workshop_id, "workshop id"))


def registrations_of_index(practice_id: str, patient_id: str) -> str:
    return collection_pk(practice_id, "OUTREACH_REGISTRATIONS_OF", segment(patient_id, "patient id"))


def signup_pk(practice_id: str, signup_id: str) -> str:
    return entity_pk(practice_id, "OUTREACH_SIGNUP", signup_id)


def limit_pk(practice_id: str, bucket: str) -> str:
    return collection_pk(practice_id, "OUTREACH_LIMIT", segment(bucket, "bucket"))


def cursor(value: str | None) -> str | None:
    """A page's cursor is the last id it showed; anything else is the caller's mistake."""
    if value is not None and not is_segment(value):
        raise Invalid("the page token is not valid here", code="invalid_page_token")
    return value
