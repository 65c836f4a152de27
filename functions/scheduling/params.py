"""Path and query parameters the scheduling routes share, and the FHIR answer."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from functions.core.dates import CalendarDate

EntityId = Annotated[str, Path(min_length=1, max_length=64)]
From = Annotated[CalendarDate, Query(alias="from", description="first local date")]
To = Annotated[CalendarDate, Query(alias="to", description="last local date (inclusive)")]
FHIR_JSON = "application/fhir+json"


def fhir(resource: dict) -> Response[str]:
    return Response(status_code=200, content_type=FHIR_JSON, body=json.dumps(resource, separators=(",", ":")))
