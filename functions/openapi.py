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
    _document_http_headers(document)
    document["components"]["headers"] = {"Location": LOCATION, "ETag": ETAG}
    for function in functions:
        for route in function.public_routes:
            for operation in document["paths"].get(f"/{route}", {}).values():
                operation["security"] = []  # served without the authorizer: the link's signed token is the proof
    return json.loads(json.dumps(document))


LOCATION = {"description": "The new resource's URL", "schema": {"type": "string", "format": "uri-reference"}}
ETAG = {"description": "The resource's version as a strong tag: send it back in If-Match to change it",
        "schema": {"type": "string", "example": '"3"'}}


def _versioned(document: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether a JSON answer is a versioned resource (its schema has `version`): `core.api.tagged` and
    `created` send those with an ETag."""
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = document.get("components", {}).get("schemas", {}).get(ref.rpartition("/")[2], {})
    return "version" in schema.get("properties", {})


def _document_http_headers(document: dict[str, Any]) -> None:
    """The headers the API's conventions add: Location on every 201 (`created`), ETag on a versioned read
    or creation. Powertools documents bodies, not headers."""
    for methods in document.get("paths", {}).values():
        for method, operation in methods.items():
            for status, response in operation.get("responses", {}).items():
                headers = {}
                if status == "201":
                    headers["Location"] = {"$ref": "#/components/headers/Location"}
                if status in ("200", "201") and method in ("get", "post") and _versioned(document, response):
                    headers["ETag"] = {"$ref": "#/components/headers/ETag"}
                if headers:
                    response["headers"] = {**response.get("headers", {}), **headers}


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
