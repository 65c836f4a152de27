"""HTTP routes for sign-in invitations: parse, call the one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from functions.accounts import wiring
from functions.accounts.models import Invitation, InvitationAnswer, InvitationIn
from functions.core.api import created, current_caller, idempotency_key, tagged

router = Router()

UserIdPath = Annotated[str, Path(min_length=1, max_length=64, description="the invited user's id (their sub)")]


@router.post("/accounts/invitations", status_code=201,
             summary="Invite a patient (coordinator, front desk) or a staff member (coordinator; a privacy officer "
                     "by a privacy officer) to sign in; again for a pending user: resent (200). Idempotency-Key")
def invite(body: Annotated[InvitationIn, Body()]) -> Response[InvitationAnswer]:
    answer = wiring.invitations().invite(current_caller(router), body, idempotency_key(router))
    location = f"/accounts/invitations/{answer.user_id}"
    if answer.resent:
        return tagged(answer, headers={"Location": location})
    return created(answer, location)


@router.get("/accounts/invitations/<user_id>", summary="An invitation sent: to whom, by whom, how often")
def read_invitation(user_id: UserIdPath) -> Response[Invitation]:
    return tagged(wiring.invitations().read(current_caller(router), user_id))
