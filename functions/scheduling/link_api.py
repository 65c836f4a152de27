"""HTTP routes a patient reaches from a message without signing in: a reminder's confirm and cancel links and a
move offer's links. The catalogue lists them as public_routes; the signed token is the credential."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from functions.core import pages
from functions.scheduling import move_pages, reply_pages
from functions.scheduling.links import ReplyAnswer
from functions.scheduling.models.appointments import ReplyView
from functions.scheduling.models.moves import MoveView
from functions.scheduling.wiring import scheduling

router = Router()

# A reminder's reply link: no sign-in (the catalogue's public_routes; the signed token is the credential).
REPLY_RESPONSES = pages.link_responses("the appointment as the link may show it", ReplyView)


@router.get("/appointments/reply/<token>", summary="What a reminder's reply link would do (no sign-in; no change)",
            openapi_extensions=pages.PUBLIC, responses=REPLY_RESPONSES)
def peek_reply(token: pages.LinkToken) -> Response[ReplyView | str]:
    return pages.answer(pages.accept(router), lambda: scheduling().replies.peek(token), reply_pages.preview, _view)


@router.post("/appointments/reply/<token>", summary="Confirm or cancel from a reminder's signed link (no sign-in; "
                                                    "the page's form posts here)",
             openapi_extensions=pages.PUBLIC, responses=REPLY_RESPONSES)
def reply(token: pages.LinkToken) -> Response[ReplyView | str]:
    return pages.answer(pages.accept(router), lambda: scheduling().replies.reply(token), reply_pages.done, _view)


def _view(answer: ReplyAnswer) -> ReplyView:
    return answer.view


# A move offer's link (one per offered time, one to decline): no sign-in either, the signed token is the
# credential.
MOVE_RESPONSES = pages.link_responses("the offer as the link may show it", MoveView)


@router.get("/appointments/moves/<token>", summary="What a move offer's link would do (no sign-in; no change)",
            openapi_extensions=pages.PUBLIC, responses=MOVE_RESPONSES)
def peek_move(token: pages.LinkToken) -> Response[MoveView | str]:
    return pages.answer(pages.accept(router), lambda: scheduling().moves.peek(token),
                        lambda view: move_pages.preview(view, token))


@router.post("/appointments/moves/<token>", summary="Book the offered time the link names, or decline them all "
                                                    "(no sign-in; the page's form posts here)",
             openapi_extensions=pages.PUBLIC, responses=MOVE_RESPONSES)
def answer_move(token: pages.LinkToken) -> Response[MoveView | str]:
    return pages.answer(pages.accept(router), lambda: scheduling().moves.answer(token), move_pages.done)
