"""The follow-up survey: a registrant answers once through their signed link (a GET shows, a POST answers);
the people running the workshop read the results, kept as running totals with each answer."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound
from functions.core.service import AreaService, AuditTrail
from functions.outreach.links import OutreachLinks
from functions.outreach.models.registrations import Registration
from functions.outreach.models.surveys import SurveyAnswer, SurveyIn, SurveyResults, SurveyView
from functions.outreach.models.workshops import Workshop
from functions.outreach.ports import RegistrationBook, SurveyBox, WorkshopCatalog
from functions.outreach.signup import public_caller


class Surveys(AreaService):
    def __init__(self, catalog: WorkshopCatalog, book: RegistrationBook, box: SurveyBox, links: OutreachLinks,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.catalog, self.book, self.box, self.links, self.audit, self.now = catalog, book, box, links, audit, now

    def show(self, token: str) -> SurveyView:
        registration, workshop = self._of(token)
        return SurveyView(workshop_title=workshop.title,
                          answered=self.box.answered(registration.practice_id, registration.id))

    def answer(self, token: str, body: SurveyIn) -> SurveyView:
        registration, workshop = self._of(token)
        answer = SurveyAnswer(registration_id=registration.id, workshop_id=workshop.id, rating=body.rating,
                              comment=body.comment or None, would_attend_again=body.would_attend_again,
                              answered_at=self._at())
        caller = public_caller(registration.practice_id, "survey-link")
        self.box.answer(registration.practice_id, answer,
                        self._draft(caller, "survey.answer", "REGISTRATION", registration.id, registration.patient_id))
        return SurveyView(workshop_title=workshop.title, answered=True)

    def results(self, caller: Caller, workshop_id: str) -> SurveyResults:
        authz.authorize(caller, "outreach.survey.results")
        if self.catalog.workshop(caller.practice_id, workshop_id) is None:
            raise NotFound("no such workshop")
        return SurveyResults.of(workshop_id, self.catalog.survey_totals(caller.practice_id, workshop_id))

    def _of(self, token: str) -> tuple[Registration, Workshop]:
        practice_id, registration_id = self.links.open_survey(token)
        registration = self.book.registration(practice_id, registration_id)
        workshop = registration and self.catalog.workshop(practice_id, registration.workshop_id)
        if registration is None or not workshop:
            raise NotFound("no such registration")
        if not registration.attended_sessions:
            raise Conflict("the survey is for those who came to the workshop", code="did_not_attend")
        return registration, workshop
