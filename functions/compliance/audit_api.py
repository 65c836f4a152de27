"""HTTP routes of the privacy officer's audit views under /audit: the trail by patient and by user over a range of
days, disclosures and their accounting, and the CSV export with the chain hashes. Parse, call one use case."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.compliance import wiring
from functions.compliance.models.audit import AuditPage, Disclosure, DisclosureAccounting, DisclosureIn
from functions.core.api import created, current_caller, idempotency_key
from functions.core.dates import CalendarDate
from functions.core.types import UserId

router = Router()

CSV = "text/csv"
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
User = Annotated[UserId, Path(description="the user's sign-in id (the actor in the trail)")]
From = Annotated[CalendarDate, Query(alias="from", description="first day (UTC), included")]
To = Annotated[CalendarDate, Query(alias="to", description="last day (UTC), included")]
Limit = Annotated[int, Query(ge=1, le=100)]
PageToken = Annotated[str | None, Query(max_length=2048)]
EXPORT_HEADERS = {
    "X-Audit-First-Seq": "the first entry's seq in this part",
    "X-Audit-Last-Seq": "the last entry's seq in this part (first - 1 when it is empty)",
    "X-Audit-Last-Hash": "the last entry's hash: the next part's first prev_hash",
    "X-Next-Page-Token": "present when the range holds more: ask again with page_token",
}


@router.get("/audit/patients/<patient_id>", summary="Who read, changed or was refused a patient's record, newest first")
def patient_trail(patient_id: Id, first: From, last: To, limit: Limit = 50, page_token: PageToken = None) -> AuditPage:
    return wiring.audit_views().of_patient(current_caller(router), patient_id, first, last, limit, page_token)


@router.get("/audit/users/<user_id>", summary="What one user read, changed or was refused, newest first")
def user_trail(user_id: User, first: From, last: To, limit: Limit = 50, page_token: PageToken = None) -> AuditPage:
    return wiring.audit_views().of_user(current_caller(router), user_id, first, last, limit, page_token)


@router.get("/audit/export", summary="The trail of at most 31 days as CSV with the chain hashes, in parts of 5,000",
            responses={200: {"description": "CSV: one row per entry, every chained field, prev_hash and hash",
                             "content": {CSV: {"schema": {"type": "string"}}},
                             "headers": {name: {"description": text, "schema": {"type": "string"}}
                                         for name, text in EXPORT_HEADERS.items()}}})
def export_trail(first: From, last: To, page_token: PageToken = None) -> Response[str]:
    caller = current_caller(router)
    part = wiring.audit_export().export(caller, first, last, page_token)
    headers = {"X-Audit-First-Seq": str(part.first_seq), "X-Audit-Last-Seq": str(part.last_seq),
               "Content-Disposition": f'attachment; filename="audit-{caller.practice_id}-{first}-{last}-'
                                      f'{part.first_seq}.csv"'}
    if part.last_hash:
        headers["X-Audit-Last-Hash"] = part.last_hash
    if part.next_page_token:
        headers["X-Next-Page-Token"] = part.next_page_token
    return Response(status_code=200, content_type=f"{CSV}; charset=utf-8", body=part.text, headers=headers)


@router.post("/audit/disclosures", status_code=201,
             summary="Record a disclosure the accounting of disclosures must list (HIPAA §164.528; honours "
                     "Idempotency-Key)")
def record_disclosure(body: Annotated[DisclosureIn, Body()]) -> Response[Disclosure]:
    disclosure = wiring.disclosures().record(current_caller(router), body, idempotency_key(router))
    return created(disclosure, f"/audit/patients/{disclosure.patient_id}/disclosures/{disclosure.id}")


@router.get("/audit/patients/<patient_id>/disclosures",
            summary="The accounting of disclosures: the six years before today, newest first (a patient: their own)")
def disclosure_accounting(patient_id: Id) -> DisclosureAccounting:
    return wiring.disclosures().accounting(current_caller(router), patient_id)


@router.get("/audit/patients/<patient_id>/disclosures/<disclosure_id>", summary="One disclosure")
def read_disclosure(patient_id: Id, disclosure_id: Id) -> Disclosure:
    return wiring.disclosures().read(current_caller(router), patient_id, disclosure_id)
