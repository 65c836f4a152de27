"""HTTP routes for licences and certifications: parse, call one use case, shape the answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.compliance import wiring
from functions.compliance.models.certifications import (
    Certification,
    CertificationChange,
    CertificationIn,
    CertificationPage,
)
from functions.core.api import IfMatch, created, current_caller, precondition, tagged

router = Router()

CertificationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                      description="the certification")]


@router.post("/certifications", status_code=201,
             summary="Record a licence or certification (the holder, the coordinator or the privacy officer)")
def create_certification(body: Annotated[CertificationIn, Body()]) -> Response[Certification]:
    certification = wiring.certifications().create(current_caller(router), body)
    return created(certification, f"/certifications/{certification.id}")


@router.get("/certifications", summary="The practice's licences and certifications, or one holder's (a member "
                                       "of staff: their own)")
def list_certifications(
        holder_id: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                               description="one holder's (their sign-in id)")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        page_token: Annotated[str | None, Query(max_length=2048)] = None) -> CertificationPage:
    return wiring.certifications().list(current_caller(router), holder_id, limit, page_token)


@router.get("/certifications/<certification_id>", summary="A licence or certification")
def read_certification(certification_id: CertificationId) -> Response[Certification]:
    return tagged(wiring.certifications().read(current_caller(router), certification_id))


@router.patch("/certifications/<certification_id>", summary="Renew or correct a licence or certification "
                                                            "(If-Match); a new expiry starts its reminders afresh")
def change_certification(certification_id: CertificationId, body: Annotated[CertificationChange, Body()],
                         if_match: IfMatch = None) -> Response[Certification]:
    return tagged(wiring.certifications().change(current_caller(router), certification_id, body,
                                                 precondition(if_match)))


@router.delete("/certifications/<certification_id>", summary="Retire a licence or certification no longer held "
                                                             "(If-Match); it is kept for the record")
def retire_certification(certification_id: CertificationId, if_match: IfMatch = None) -> Response[Certification]:
    return tagged(wiring.certifications().retire(current_caller(router), certification_id, precondition(if_match)))
