"""HTTP routes the public reaches without signing in: a workshop's sign-up link, the confirmation link that
holds a place, and the follow-up survey link. The catalogue lists them as public_routes; the signed token is the
credential. A GET shows; a POST acts. A browser's form posts form-encoded; an API client posts JSON."""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ValidationError

from functions.core import pages
from functions.core.errors import DomainError, Invalid
from functions.outreach import link_pages, wiring
from functions.outreach.models.registrations import ConfirmationView, SignupAnswer, SignupIn
from functions.outreach.models.surveys import SurveyIn, SurveyView
from functions.outreach.models.workshops import PublicWorkshop

router = Router()
Model = TypeVar("Model", bound=BaseModel)
FORM = "application/x-www-form-urlencoded"


def _body(model: type[Model], form: Callable[[dict[str, str]], dict[str, Any]]) -> Model:
    """The request's body as `model`: form-encoded (a page's form, its fields mapped by `form`) or JSON."""
    event = router.current_event
    text = event.decoded_body or ""
    try:
        if (event.headers.get("content-type") or "").split(";")[0].strip().lower() == FORM:
            fields = {name: values[0] for name, values in parse_qs(text, keep_blank_values=True).items()}
            return model.model_validate(form(fields))
        return model.model_validate_json(text or "null")
    except ValidationError as problem:
        # never echo the input back: it is a person's name and address
        details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in problem.errors()]
        raise Invalid("the form is not filled in right", details, code="validation_failed") from None
    except ValueError:
        raise Invalid("the body is not valid JSON", code="malformed_json") from None


def _answer(act: Callable[[], Any], page: Callable[[Any], Any]) -> Any:
    """pages.answer, for pages that may carry a form (a ready Response) as well as core.pages' Page."""
    if not pages.wants_html(pages.accept(router)):
        return act()
    try:
        result = act()
    except DomainError as error:
        return pages.response(pages.error_page(error), error.status)
    shown = page(result)
    return shown if isinstance(shown, Response) else pages.response(shown)


def _client_address() -> str:
    return router.current_event.request_context.identity.source_ip or "unknown"


# --- the public's sign-up link -------------------------------------------------------------------------------

SIGNUP = pages.link_responses("the workshop as the public may see it", PublicWorkshop)


@router.get("/registrations/signup/<token>", summary="A workshop's public sign-up page (no sign-in)",
            openapi_extensions=pages.PUBLIC, responses=SIGNUP)
def signup_page(token: pages.LinkToken) -> Response[PublicWorkshop | str]:
    return _answer(lambda: wiring.signup().workshop(token),
                        lambda workshop: link_pages.signup(workshop, token))


def _signup_form(fields: dict[str, str]) -> dict[str, Any]:
    return {"name": fields.get("name"), "email": fields.get("email") or None, "phone": fields.get("phone") or None,
            "consent": fields.get("consent") == "yes"}


@router.post("/registrations/signup/<token>", summary="Register from a workshop's sign-up link: a name, ONE "
                                                     "contact (email or phone) and consent; the same answer every "
                                                     "time, and a link to confirm sent to the contact (no sign-in; "
                                                     "rate-limited: 429)",
             openapi_extensions=pages.PUBLIC,
             responses={202: {"description": "the same answer, whoever asks",
                              "content": {"application/json": {"model": SignupAnswer},
                                          "text/html": {"schema": {"type": "string"}}}}})
def sign_up(token: pages.LinkToken) -> Response[SignupAnswer | str]:
    def act() -> SignupAnswer:
        return wiring.signup().sign_up(token, _body(SignupIn, _signup_form), _client_address())

    answer = _answer(act, lambda done: link_pages.signed_up(done.message))
    if isinstance(answer, Response):
        return answer
    return Response(status_code=202, content_type="application/json", body=answer.model_dump_json())


# --- the confirmation link -----------------------------------------------------------------------------------

CONFIRM = pages.link_responses("the registration as the link may show it", ConfirmationView)


@router.get("/registrations/confirm/<token>", summary="What a sign-up's confirmation link will do (no sign-in; "
                                                      "no change)", openapi_extensions=pages.PUBLIC, responses=CONFIRM)
def confirmation_page(token: pages.LinkToken) -> Response[ConfirmationView | str]:
    return _answer(lambda: wiring.signup().confirmation(token),
                        lambda view: link_pages.confirmation(view, token))


@router.post("/registrations/confirm/<token>", summary="Hold the place (or a waitlist spot) a sign-up asked for, "
                                                       "once (no sign-in; the page's button posts here)",
             openapi_extensions=pages.PUBLIC, responses=CONFIRM)
def confirm(token: pages.LinkToken) -> Response[ConfirmationView | str]:
    return _answer(lambda: wiring.signup().confirm(token), link_pages.confirmed)


# --- the survey link -----------------------------------------------------------------------------------------

SURVEY = pages.link_responses("the survey as the link may show it", SurveyView)


@router.get("/surveys/<token>", summary="The follow-up survey (no sign-in; no change)",
            openapi_extensions=pages.PUBLIC, responses=SURVEY)
def survey_page(token: pages.LinkToken) -> Response[SurveyView | str]:
    return _answer(lambda: wiring.surveys().show(token),
                        lambda view: link_pages.survey(view, token))


def _survey_form(fields: dict[str, str]) -> dict[str, Any]:
    return {"rating": fields.get("rating"), "comment": fields.get("comment") or None,
            "would_attend_again": fields.get("would_attend_again") == "yes"}


@router.post("/surveys/<token>", summary="Answer the follow-up survey, once: rating 1-5, a comment (at most 1000 "
                                         "characters), would you come again (no sign-in; JSON or the page's form)",
             openapi_extensions=pages.PUBLIC, responses=SURVEY)
def answer_survey(token: pages.LinkToken) -> Response[SurveyView | str]:
    return _answer(lambda: wiring.surveys().answer(token, _body(SurveyIn, _survey_form)), link_pages.answered)
