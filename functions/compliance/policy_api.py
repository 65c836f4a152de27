"""HTTP routes for policies: write one, publish a version for named roles or people to sign, acknowledge the
current version, and see who has signed. Parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.compliance import wiring
from functions.compliance.models.policies import (
    Acknowledgement,
    AcknowledgementIn,
    Policy,
    PolicyIn,
    PolicyList,
    PolicyRead,
    PolicyVersionIn,
    Published,
    Tracking,
)
from functions.core.api import created, current_caller, tagged

router = Router()

EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.post("/policies", status_code=201, summary="Write a policy (coordinator, privacy officer); publish a "
                                                   "version for staff to sign")
def create_policy(body: Annotated[PolicyIn, Body()]) -> Response[Policy]:
    policy = wiring.policies().create(current_caller(router), body)
    return created(policy, f"/policies/{policy.id}")


@router.get("/policies", summary="The practice's policies, by title")
def list_policies() -> PolicyList:
    return wiring.policies().everything(current_caller(router))


@router.get("/policies/<policy_id>", summary="A policy and the text of its current version")
def read_policy(policy_id: EntityId) -> PolicyRead:
    return wiring.policies().read(current_caller(router), policy_id)


@router.post("/policies/<policy_id>/versions",
             summary="Publish a new version: who must sign it (roles, people) and in how many days; earlier "
                     "versions' unsigned requests are superseded")
def publish(policy_id: EntityId, body: Annotated[PolicyVersionIn, Body()]) -> Published:
    return wiring.policies().publish(current_caller(router), policy_id, body)


@router.post("/policies/<policy_id>/acknowledgements",
             summary="Acknowledge the current version (the signer themselves, naming the version they read)")
def acknowledge(policy_id: EntityId, body: Annotated[AcknowledgementIn, Body()]) -> Acknowledgement:
    return wiring.policies().acknowledge(current_caller(router), policy_id, body)


@router.get("/policies/<policy_id>/acknowledgements",
            summary="Who has signed a version and who has not (the current one unless named)")
def tracking(policy_id: EntityId, number: Annotated[int | None, Query(
        ge=1, le=1_000_000, description="the version's number; the current version when left out")] = None) -> Tracking:
    return wiring.policies().tracking(current_caller(router), policy_id, number)


@router.get("/policies/<policy_id>/acknowledgements/<user_id>",
            summary="One member's acknowledgement of the current version (theirs, or a coordinator's view)")
def member_acknowledgement(policy_id: EntityId, user_id: EntityId) -> Response[Acknowledgement]:
    return tagged(wiring.policies().acknowledgement(current_caller(router), policy_id, user_id))

