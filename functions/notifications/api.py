"""HTTP routes for notifications: templates and preferences under /notifications, the delivery log and
sending under /messages, the in-app inbox under /inbox. Parse, call one use case, a status code."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.core import pages
from functions.core.api import JSON, IfMatch, IfNoneMatch, current_caller, idempotency_key, precondition, tagged
from functions.notifications import opt_out_pages
from functions.notifications.models.messages import (
    Accepted,
    CareInstructionsIn,
    InboxPage,
    Message,
    MessageIn,
    MessagePage,
)
from functions.notifications.models.preferences import OptOutResult, Preferences, PreferencesIn
from functions.notifications.models.templates import PreviewIn, Rendered, Template, TemplateIn, TemplateList
from functions.notifications.wiring import notifications

router = Router()

TemplateKey = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$", description="e.g. appointment.reminder")]
LanguageTag = Annotated[str, Path(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", description="BCP-47, e.g. en")]
PersonRef = Annotated[str, Path(min_length=3, max_length=200,
                                description="patient:<id>, family:<patient id>:<member id> or staff:<user id>")]
MessageId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Limit = Annotated[int, Query(ge=1, le=100)]
PageToken = Annotated[str | None, Query(max_length=2048)]


def accepted(model: Accepted) -> Response[Accepted]:
    return Response(status_code=202, content_type=JSON, body=model)


# --- templates ---------------------------------------------------------------------------------------

@router.get("/notifications/templates", summary="The practice's templates, and the built-in ones it has not replaced")
def list_templates() -> TemplateList:
    return notifications().templates.list(current_caller(router))


@router.get("/notifications/templates/<key>/<language>", summary="One template")
def read_template(key: TemplateKey, language: LanguageTag) -> Response[Template]:
    return tagged(notifications().templates.read(current_caller(router), key, language))


@router.put("/notifications/templates/<key>/<language>",
            summary='Create or change a template (coordinator; If-Match: the ETag you read, "0" for a built-in)')
def save_template(key: TemplateKey, language: LanguageTag, body: Annotated[TemplateIn, Body()],
                  if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> Response[Template]:
    caller = current_caller(router)
    expected = precondition(if_match, if_none_match, may_create=True)
    return tagged(notifications().templates.save(caller, key, language, body, expected))


@router.post("/notifications/templates/<key>/<language>/preview", summary="Render a template with sample data")
def preview_template(key: TemplateKey, language: LanguageTag, body: Annotated[PreviewIn, Body()]) -> Rendered:
    return notifications().templates.preview(current_caller(router), key, language, body.data)


# --- preferences -------------------------------------------------------------------------------------

@router.get("/notifications/preferences", summary="Your own notification preferences")
def read_own_preferences() -> Response[Preferences]:
    return tagged(notifications().preferences.read(current_caller(router)))


@router.put("/notifications/preferences",
            summary='Change your own notification preferences (If-Match: the ETag you read, "0" for the defaults)')
def save_own_preferences(body: Annotated[PreferencesIn, Body()], if_match: IfMatch = None,
                         if_none_match: IfNoneMatch = None) -> Response[Preferences]:
    caller = current_caller(router)
    expected = precondition(if_match, if_none_match, may_create=True)
    return tagged(notifications().preferences.save(caller, body, expected=expected))


@router.get("/notifications/preferences/<person>", summary="A patient's or family member's preferences")
def read_preferences(person: PersonRef) -> Response[Preferences]:
    return tagged(notifications().preferences.read(current_caller(router), person))


@router.put("/notifications/preferences/<person>",
            summary='Change a patient\'s or family member\'s preferences (If-Match: the ETag you read, "0" at first)')
def save_preferences(person: PersonRef, body: Annotated[PreferencesIn, Body()], if_match: IfMatch = None,
                     if_none_match: IfNoneMatch = None) -> Response[Preferences]:
    caller = current_caller(router)
    expected = precondition(if_match, if_none_match, may_create=True)
    return tagged(notifications().preferences.save(caller, body, person, expected=expected))


# The opt-out link works without signing in: the signed token is the credential (the catalogue lists the path
# in public_routes for API Gateway).
OPT_OUT_RESPONSES = pages.link_responses("what the link stops", OptOutResult)


@router.get("/notifications/opt-out/<token>", summary="What an opt-out link would stop (no sign-in; no change)",
            openapi_extensions=pages.PUBLIC, responses=OPT_OUT_RESPONSES)
def describe_opt_out(token: pages.LinkToken) -> Response[OptOutResult | str]:
    return pages.answer(pages.accept(router), lambda: notifications().opt_outs.describe(token),
                        lambda result: opt_out_pages.preview(result, token))


@router.post("/notifications/opt-out/<token>", summary="Stop a channel from a message's link (no sign-in; "
                                                       "one-click, RFC 8058; the page's form posts here)",
             openapi_extensions=pages.PUBLIC, responses=OPT_OUT_RESPONSES)
def opt_out(token: pages.LinkToken) -> Response[OptOutResult | str]:
    return pages.answer(pages.accept(router), lambda: notifications().opt_outs.opt_out(token), opt_out_pages.done)


# --- messages ----------------------------------------------------------------------------------------

# Each person's sends count against a daily allowance by role (notifications.rules.DAILY_MESSAGES).
SEND_RESPONSES = {202: {"description": "accepted: the messages are stored and will be delivered",
                        "content": {"application/json": {"model": Accepted}}},
                  429: {"description": "the sender's daily allowance of messages is used up (daily_message_limit)",
                        "content": {"application/json": {"schema": {"type": "object"}}}}}


@router.post("/messages", summary="Send a templated message to a patient, a consented family member or a member of "
                                  "staff, at the address the practice keeps (honours Idempotency-Key)",
             responses=SEND_RESPONSES)
def send_message(body: Annotated[MessageIn, Body()]) -> Response[Accepted]:
    return accepted(notifications().sending.send(current_caller(router), body, idempotency_key(router)))


@router.post("/messages/care-instructions",
             summary="After-visit instructions to the patient and consented family (practitioner; Idempotency-Key)",
             responses=SEND_RESPONSES)
def send_care_instructions(body: Annotated[CareInstructionsIn, Body()]) -> Response[Accepted]:
    sending = notifications().sending
    return accepted(sending.send_care_instructions(current_caller(router), body, idempotency_key(router)))


@router.get("/messages", summary="The delivery log, by recipient or by source (no bodies)")
def message_log(
    recipient: Annotated[str | None, Query(max_length=200, description="patient:<id>, family:<p>:<m>, staff:<u>")]
    = None,
    source: Annotated[str | None, Query(max_length=200, description="<area>:<entity>:<id>")] = None,
    limit: Limit = 20,
    page_token: PageToken = None,
) -> MessagePage:
    return notifications().log.list(current_caller(router), recipient, source, limit, page_token)


@router.get("/messages/<message_id>", summary="One message's delivery log, per channel")
def read_message(message_id: MessageId) -> Message:
    return notifications().log.read(current_caller(router), message_id)


# --- inbox -------------------------------------------------------------------------------------------

@router.get("/inbox", summary="Your in-app messages, newest first")
def inbox(limit: Limit = 20, page_token: PageToken = None) -> InboxPage:
    return notifications().inbox.list(current_caller(router), limit, page_token)


@router.post("/inbox/<message_id>/read", summary="Mark an in-app message read")
def mark_read(message_id: MessageId) -> Response[None]:
    notifications().inbox.mark_read(current_caller(router), message_id)
    return Response(status_code=204)
