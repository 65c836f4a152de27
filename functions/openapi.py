"""The OpenAPI document of the whole API: each API function's resolver describes its own routes, and
they are merged here. The checked-in openapi.json is this function's output; a test keeps them equal."""

import importlib
import json
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

from functions.core.api import API_TITLE, API_VERSION


def build_document(catalog=None) -> dict[str, Any]:
    from infra.catalog import CATALOG

    merge = OpenAPIMerge(title=API_TITLE, version=API_VERSION,
                         description="PracticeFlow: the routine work of a healthcare practice coordinator")
    for function in (catalog or CATALOG).api_functions():
        app = importlib.import_module(function.module).app
        merge.add_schema(app.get_openapi_schema(title=API_TITLE, version=API_VERSION))
    document = merge.get_openapi_schema()
    document.setdefault("components", {})["securitySchemes"] = {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "Cognito ID token; groups are roles, custom:practice_id is the tenant"}
    }
    document["security"] = [{"cognito": []}]
    return json.loads(json.dumps(document, default=str))


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
