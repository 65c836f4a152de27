"""The checked-in openapi.json is what the code generates: a route or model change without it fails here."""

import json

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
