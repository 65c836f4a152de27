"""HTTP the standard way, on every route of the catalogue's API functions: no version in a body or a query
string, If-Match on every update, every 201 built by the one helper that writes Location."""

import importlib
import inspect
import typing

import pytest
from pydantic import BaseModel

from infra.catalog import CATALOG


def routes():
    for function in CATALOG.api_functions():
        app = importlib.import_module(function.module).app
        for route in app._static_routes + app._dynamic_routes:
            yield function.name, route


def _models(annotation) -> list[type[BaseModel]]:
    found = []
    for candidate in (annotation, *typing.get_args(annotation)):
        if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
            found.append(candidate)
    return found


def test_the_walk_sees_the_whole_api(cloud):
    assert len({(route.method, route.path) for _, route in routes()}) > 80


@pytest.mark.usefixtures("cloud")
def test_no_route_takes_a_version_in_its_body_or_query_string():
    offenders = []
    for name, route in routes():
        for param in route.dependant.body_params:
            if any("version" in model.model_fields for model in _models(param.type_)):
                offenders.append((name, route.method, route.path, "body"))
        if any(param.alias == "version" for param in route.dependant.query_params):
            offenders.append((name, route.method, route.path, "query"))
    assert offenders == []


@pytest.mark.usefixtures("cloud")
def test_every_put_and_patch_reads_if_match():
    missing = [(route.method, route.path) for _, route in routes() if route.method in ("PUT", "PATCH")
               and "if-match" not in {param.alias.lower() for param in route.dependant.header_params}]
    assert missing == []


@pytest.mark.usefixtures("cloud")
def test_every_201_is_made_by_created_so_it_carries_a_location():
    creators = []
    for _, route in routes():
        source = inspect.getsource(route.func)
        assert route.status_code != 201 or "created(" in source, f"{route.path}: a 201 without created()"
        if "created(" in source:
            creators.append((route.method, route.path))
            assert route.method == "POST", route.path
            assert route.status_code == 201, f"{route.path}: declare status_code=201 so the document says 201"
    assert {("POST", "/patients"), ("POST", "/claims"), ("POST", "/appointments"),
            ("POST", "/waitlist/<entry_id>/accept")} <= set(creators)


@pytest.mark.usefixtures("cloud")
def test_every_read_of_one_versioned_resource_sends_its_etag():
    """The document promises an ETag on a versioned answer (functions/openapi.py); `tagged` keeps the promise."""
    untagged = []
    for _, route in routes():
        answer = inspect.signature(route.func).return_annotation
        one = typing.get_origin(answer) is not list
        versioned = one and any("version" in model.model_fields for model in _models(answer))
        if route.method == "GET" and versioned and "tagged(" not in inspect.getsource(route.func):
            untagged.append(route.path)
    assert untagged == []
