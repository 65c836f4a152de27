"""Shared fixtures: one moto cloud per test, provisioned from the catalogue, with the function
environment set; and API Gateway proxy events with Cognito claims, as API Gateway would send them."""

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_DEV", "false")


def _reset_cached_clients() -> None:
    # a container keeps settings, clients and wired services; each test gets a fresh moto: a cold start
    from functions.core import container

    container.reset()


@pytest.fixture
def cloud(monkeypatch, request) -> Iterator[Any]:
    """A fresh moto cloud with the catalogue's table, bus, secret and tenant role; the function env points at
    them, and each practice's tenant session is held to what its IAM policy allows (tests/tenant_guard.py).
    The Cognito user pool only for a test marked `user_pool` (it reaches /accounts)."""
    from moto import mock_aws

    from functions.core import tenancy
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.tenant_guard import guarded

    moto_patches.install()
    monkeypatch.setattr(tenancy, "_assume", guarded(tenancy._assume))
    with mock_aws():
        resources = provision(CATALOG, with_user_pool=request.node.get_closest_marker("user_pool") is not None)
        for name, value in resources.environment().items():
            monkeypatch.setenv(name, value)
        _reset_cached_clients()
        yield resources
        _reset_cached_clients()


@pytest.fixture
def lambda_context():
    from tests.support import LambdaContext

    return LambdaContext()
