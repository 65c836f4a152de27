"""HTTP routes for the compliance board: findings, the board, a run now, the settings. Parse, call one use case,
shape the answer."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.compliance import wiring
from functions.compliance.checks.base import Severity
from functions.compliance.models.findings import Board, Finding, FindingPage, RunSummary
from functions.compliance.models.settings import ComplianceSettings, ComplianceSettingsIn
from functions.core.api import IfMatch, IfNoneMatch, current_caller, precondition, tagged

router = Router()

FindingId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                description="the finding: <check>-<key>")]


@router.get("/compliance/findings", summary="Findings, most severe first (coordinator, privacy officer; a member "
                                            "of staff: the ones they own)")
def list_findings(
        status: Annotated[Literal["open", "closed"], Query()] = "open",
        severity: Annotated[Severity | None, Query()] = None,
        owner: Annotated[str | None, Query(max_length=80, pattern=r"^(user|role):[A-Za-z0-9_-]{1,64}$",
                                           description='"user:<sign-in id>" or "role:<role>"')] = None,
        check: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z][a-z_]{0,39}$")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        page_token: Annotated[str | None, Query(max_length=2048)] = None) -> FindingPage:
    return wiring.compliance_board().list(current_caller(router), status=status, severity=severity, owner=owner,
                                          check=check, limit=limit, page_token=page_token)


@router.get("/compliance/findings/<finding_id>", summary="A finding")
def read_finding(finding_id: FindingId) -> Response[Finding]:
    return tagged(wiring.compliance_board().read(current_caller(router), finding_id))


@router.get("/compliance/board", summary="Open findings by severity and owner, and the 12-week trend "
                                         "(coordinator, privacy officer)")
def read_board() -> Board:
    return wiring.compliance_board().board(current_caller(router))


@router.post("/compliance/runs", summary="Run the compliance checks now for the caller's practice (coordinator, "
                                         "privacy officer)")
def run_checks() -> RunSummary:
    return wiring.compliance_run().run_now(current_caller(router))


@router.get("/compliance/settings", summary="The compliance settings: privacy officers, warning windows")
def read_settings() -> Response[ComplianceSettings]:
    return tagged(wiring.compliance_settings().read(current_caller(router)))


@router.put("/compliance/settings", summary="Set the privacy officers and warning windows (coordinator, privacy "
                                            "officer; If-Match, or If-None-Match: * the first time)")
def set_settings(body: Annotated[ComplianceSettingsIn, Body()], if_match: IfMatch = None,
                 if_none_match: IfNoneMatch = None) -> Response[ComplianceSettings]:
    return tagged(wiring.compliance_settings().update(current_caller(router), body,
                                                      precondition(if_match, if_none_match, may_create=True)))
