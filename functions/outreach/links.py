"""The signed links outreach sends and serves: the public's sign-up link for a workshop, the confirmation link
that holds a public registration's place, and the follow-up survey link. Each kind has its own label, so a
token of one kind is never valid as another; each names the practice, which the request then acts for."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.core import tenancy
from functions.core.errors import Invalid
from functions.core.keys import is_segment
from functions.core.signed import SignedTokens

CONFIRM_WITHIN = timedelta(hours=48)
SURVEY_OPEN_FOR = timedelta(days=60)


class OutreachLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str, now: Callable[[], datetime]) -> None:
        self._signup = SignedTokens(secret, "practiceflow.outreach.signup")
        self._confirm = SignedTokens(secret, "practiceflow.outreach.registration")
        self._survey = SignedTokens(secret, "practiceflow.outreach.survey")
        self.base_url, self.now = base_url.rstrip("/"), now

    def signup_url(self, practice_id: str, workshop_id: str) -> str:
        """The link a practice puts on its website: good while the workshop takes registrations."""
        return f"{self.base_url}/registrations/signup/{self._signup.sign([practice_id, workshop_id])}"

    def open_signup(self, token: str) -> tuple[str, str]:
        return self._open(self._signup, token, 2, "invalid_signup_link")

    def confirm_url(self, practice_id: str, signup_id: str, expires: datetime) -> str:
        token = self._confirm.sign([practice_id, signup_id, int(expires.timestamp())])
        return f"{self.base_url}/registrations/confirm/{token}"

    def open_confirm(self, token: str) -> tuple[str, str]:
        return self._open(self._confirm, token, 3, "invalid_confirmation_link")

    def survey_url(self, practice_id: str, registration_id: str) -> str:
        """SurveyLinks: the follow-up survey, open for 60 days from when the link is made."""
        token = self._survey.sign([practice_id, registration_id, int((self.now() + SURVEY_OPEN_FOR).timestamp())])
        return f"{self.base_url}/surveys/{token}"

    def open_survey(self, token: str) -> tuple[str, str]:
        return self._open(self._survey, token, 3, "invalid_survey_link")

    def _open(self, tokens: SignedTokens, token: str, size: int, code: str) -> tuple[str, str]:
        values = tokens.open(token)
        if (values is None or len(values) != size or not all(is_segment(v) for v in values[:2])
                or (size == 3 and not isinstance(values[2], int))):
            raise Invalid("this link is not valid", code=code)
        if size == 3 and self.now().timestamp() > values[2]:
            raise Invalid("this link has expired", code=code.replace("invalid_", "expired_"))
        tenancy.bind(values[0])  # the signed link is the credential: it names the practice acted for
        return values[0], values[1]
