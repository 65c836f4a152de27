"""Notification preferences: a person's own, and (staff) a patient's, a family member's or a colleague's,
read and changed with the version read (If-Match)."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.notifications.models.messages import Recipient, patient_of, person_ref
from functions.notifications.models.preferences import Preferences, PreferencesIn
from functions.notifications.ports import PreferenceBook, RecipientDirectory


def own_person(caller: Caller) -> str:
    """The caller as a person key: PATIENT#p for a patient, STAFF#u for staff."""
    if caller.is_patient:
        return Recipient(kind="patient", patient_id=caller.patient_id).key
    return Recipient(kind="staff", user_id=caller.user_id).key


class NotificationPreferences(AreaService):
    def __init__(self, book: PreferenceBook, directory: RecipientDirectory, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.book = book
        self.directory = directory
        self.audit = audit
        self.now = now

    def read(self, caller: Caller, ref: str | None = None) -> Preferences:
        person = self._known(caller, self._allowed(caller, ref))
        if (subject := patient_of(person)) is not None:  # a patient's or their family's; a staff user's is not PHI
            self._audit_read(caller, "preferences.read", "PREFERENCES", person_ref(person), subject)
        return self.book.preferences(caller.practice_id, person) or Preferences(person=person)

    def save(self, caller: Caller, body: PreferencesIn, ref: str | None = None, *,
             expected: ExpectedVersion) -> Preferences:
        """`expected` gives the version read: 0 for the defaults, never saved."""
        allowed = self._allowed(caller, ref)
        expected_version = expected()
        person = self._known(caller, allowed)
        preferences = Preferences(person=person, **body.model_dump(), version=expected_version + 1,
                                  updated_at=self._at())
        self.book.put_preferences(caller.practice_id, preferences, expected_version or None)
        return preferences

    def _allowed(self, caller: Caller, ref: str | None) -> Recipient | None:
        """The person `ref` names, if the caller may see or change their preferences: their own (None); a
        colleague's (a coordinator); a patient's (the patient, or the desk); a family member's (the desk)."""
        if ref is None:
            return None
        try:
            person = Recipient.parse_ref(ref)
        except ValueError as error:
            raise Invalid(str(error), code="invalid_person") from None
        if person.kind == "staff":
            authz.authorize(caller, "notifications.staff_preferences.manage", authz.staff_member(person.user_id))
        elif person.kind == "patient":
            authz.authorize(caller, "notifications.preferences.manage", authz.patient(person.patient_id))
        else:
            authz.authorize(caller, "notifications.family_preferences.manage", authz.patient(person.patient_id))
        return person

    def _known(self, caller: Caller, person: Recipient | None) -> str:
        """The allowed person's key; a patient or family member the practice does not know is NotFound."""
        if person is None:
            return own_person(caller)
        if person.kind != "staff" and not self.directory.contact(caller.practice_id, person).found:
            raise NotFound("no such person", code="person_not_found")
        return person.key
