"""Registration by the public, through a signed sign-up link and no account: a name and one contact, a rate
limit per client address and per contact, the same answer whoever asks (nothing says whether a contact is
registered already), and a confirmation link sent to that contact which must be followed to hold the place."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound, TooManyRequests
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.outreach import notices
from functions.outreach.links import CONFIRM_WITHIN, OutreachLinks
from functions.outreach.models.registrations import (
    ConfirmationView,
    PendingSignup,
    Registration,
    SignupAnswer,
    SignupIn,
)
from functions.outreach.models.workshops import PublicWorkshop, Workshop
from functions.outreach.ports import RateLimits, RegistrationBook, SignupBook, WorkshopCatalog
from functions.outreach.registrations import Registrations
from functions.outreach.workshops import LIVE

WINDOW = timedelta(hours=1)
PER_ADDRESS = 10  # sign-ups an hour from one client address to one practice
PER_CONTACT = 3   # sign-ups an hour naming one email address or phone number


def hashed(practice_id: str, value: str) -> str:
    """A contact or an address as a key segment: the key says nothing of who it is."""
    return hashlib.sha256(f"{practice_id}\x00{value.strip().lower()}".encode()).hexdigest()[:40]


def public_caller(practice_id: str, request: str) -> Caller:
    """Who the audit trail names for a link's change: no one signed in."""
    return Caller(user_id="public", practice_id=practice_id, roles=frozenset(), request_id=request)


class PublicSignup(AreaService):
    def __init__(self, catalog: WorkshopCatalog, signups: SignupBook, limits: RateLimits, book: RegistrationBook,
                 registrations: Registrations, links: OutreachLinks, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.catalog, self.signups, self.limits, self.book = catalog, signups, limits, book
        self.registrations, self.links, self.audit, self.now = registrations, links, audit, now

    def workshop(self, token: str) -> PublicWorkshop:
        practice_id, workshop_id = self.links.open_signup(token)
        workshop = self._offered(practice_id, workshop_id)
        return PublicWorkshop(title=workshop.title, description=workshop.description, sessions=workshop.sessions,
                              registration_deadline=workshop.registration_deadline, open=self._open(workshop),
                              places_left=workshop.places_left)

    def sign_up(self, token: str, body: SignupIn, client_address: str) -> SignupAnswer:
        practice_id, workshop_id = self.links.open_signup(token)
        now = self.now()
        if not self.limits.spend(practice_id, f"address-{hashed(practice_id, client_address)}", PER_ADDRESS, WINDOW,
                                 now):
            raise TooManyRequests("too many sign-ups from here; try again in an hour", code="rate_limited")
        contact_key = hashed(practice_id, body.contact)
        if not self.limits.spend(practice_id, f"contact-{contact_key}", PER_CONTACT, WINDOW, now):
            raise TooManyRequests("too many sign-ups for this contact; try again in an hour", code="rate_limited")
        workshop = self._offered(practice_id, workshop_id)
        self.registrations.check_open(workshop)
        # Whether this contact holds a place already is decided only when the link is followed, by the person
        # who owns the contact: here every sign-up gets the same link and the same answer.
        expires = now + CONFIRM_WITHIN
        signup = PendingSignup(id=new_id(), practice_id=practice_id, workshop_id=workshop_id, name=body.name,
                               email=body.email, phone=body.phone, contact_key=contact_key, expires_at=expires)
        link = notices.confirm_link(signup, workshop, self.links.confirm_url(practice_id, signup.id, expires), expires)
        caller = public_caller(practice_id, "signup-link")
        self.signups.hold(signup, self._draft(caller, "registration.signup", "REGISTRATION", signup.id), [link])
        return SignupAnswer()

    def confirmation(self, token: str) -> ConfirmationView:
        """What following the link will do (a GET: mail scanners open links; only the page's button confirms)."""
        practice_id, signup_id = self.links.open_confirm(token)
        signup = self._pending(practice_id, signup_id)
        if signup is None:
            return self._settled(practice_id, signup_id)
        workshop = self.catalog.workshop(practice_id, signup.workshop_id)
        return ConfirmationView(workshop_title=workshop.title if workshop else "", status="unconfirmed")

    def confirm(self, token: str) -> ConfirmationView:
        """The place (or a waitlist spot), once: following the link again answers what it did the first time."""
        practice_id, signup_id = self.links.open_confirm(token)
        signup = self._pending(practice_id, signup_id)
        if signup is None:
            return self._settled(practice_id, signup_id)
        workshop = self._offered(practice_id, signup.workshop_id)
        self.registrations.check_open(workshop)
        at = self._at()
        registration = Registration(id=signup.id, practice_id=practice_id, workshop_id=workshop.id,
                                    contact_id=signup.id, name=signup.name, status="registered",
                                    holder=f"contact:{signup.contact_key}", version=1, created_at=at, updated_at=at)
        try:
            enrolled = self.registrations.enrol(public_caller(practice_id, "confirm-link"), workshop, registration,
                                                None, signup)
        except Conflict as conflict:
            if conflict.code != "already_registered":
                raise
            return ConfirmationView(workshop_title=workshop.title, status="already_registered")
        return ConfirmationView(workshop_title=workshop.title, status=enrolled.status)

    def _pending(self, practice_id: str, signup_id: str) -> PendingSignup | None:
        signup = self.signups.signup(practice_id, signup_id)
        # the table's TTL removes an expired one within hours, not on the second: judge the time ourselves
        return signup if signup is not None and signup.expires_at > self.now() else None

    def _settled(self, practice_id: str, signup_id: str) -> ConfirmationView:
        registration = self.book.registration(practice_id, signup_id)
        if registration is None:
            raise NotFound("this link has expired: sign up again", code="signup_expired")
        workshop = self.catalog.workshop(practice_id, registration.workshop_id)
        return ConfirmationView(workshop_title=workshop.title if workshop else "", status=registration.status)

    def _offered(self, practice_id: str, workshop_id: str) -> Workshop:
        workshop = self.catalog.workshop(practice_id, workshop_id)
        if workshop is None or workshop.status not in LIVE:
            raise NotFound("this workshop is not open for registration", code="no_such_workshop")
        return workshop

    def _open(self, workshop: Workshop) -> bool:
        return workshop.status == "published" and workshop.registration_deadline > self.now()
