"""The checked-in openapi.json is what the code generates: a route or model change without it fails here."""

import json

from openapi_spec_validator import validate

from functions.openapi import build_document, render
from infra.catalog import CATALOG, ROOT


def test_checked_in_openapi_matches_the_code(cloud):
    checked_in = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert checked_in == render(build_document()), "run `./practice openapi` and commit openapi.json"


def test_every_api_mount_is_documented(cloud):
    paths = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))["paths"]
    for function in CATALOG.api_functions():
        for mount in function.mounts:
            assert any(p == f"/{mount}" or p.startswith(f"/{mount}/") for p in paths), mount


def test_every_operation_requires_a_cognito_token(cloud):
    document = build_document()
    assert document["security"] == [{"cognito": []}]
    assert document["components"]["securitySchemes"]["cognito"]["scheme"] == "bearer"


def test_checked_in_document_is_valid_openapi_3(cloud):
    # a tool that reads the document (a client generator, schemathesis, Swagger UI) rejects an invalid one
    validate(json.loads((ROOT / "openapi.json").read_text(encoding="utf-8")))


def test_parameter_locations_are_plain_openapi_words(cloud):
    places = {p["in"] for item in build_document()["paths"].values() for operation in item.values()
              for p in operation.get("parameters", [])}
    assert places <= {"path", "query", "header", "cookie"}, places


def test_signed_link_routes_need_no_sign_in_and_the_rest_do(cloud):
    public = {f"/{route}" for function in CATALOG.api_functions() for route in function.public_routes}
    # each is a signed link the function verifies itself; a new one must be added here on purpose
    assert public == {"/notifications/opt-out/{token}", "/appointments/reply/{token}", "/appointments/moves/{token}",
                      "/leave-requests/decide/{token}", "/registrations/signup/{token}",
                      "/registrations/confirm/{token}", "/surveys/{token}"}
    for path, item in build_document()["paths"].items():
        for method, operation in item.items():
            if path in public:
                assert operation.get("security") == [], (method, path)
            else:
                assert "security" not in operation, (method, path)  # the document's default: a Cognito token
