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
    functions = (catalog or CATALOG).api_functions()
    for function in functions:
        app = importlib.import_module(function.module).app
        # JSON mode: enums become their values ("path"); a Python dump would leave ParameterInType members
        merge.add_schema(app.get_openapi_schema(title=API_TITLE, version=API_VERSION).model_dump(
            mode="json", by_alias=True, exclude_none=True))
    document = merge.get_openapi_schema()
    document.setdefault("components", {})["securitySchemes"] = {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "Cognito ID token; groups are roles, custom:practice_id is the tenant"}
    }
    document["security"] = [{"cognito": []}]
    for function in functions:
        for route in function.public_routes:
            for operation in document["paths"].get(f"/{route}", {}).values():
                operation["security"] = []  # served without the authorizer: the link's signed token is the proof
    return json.loads(json.dumps(document))


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
