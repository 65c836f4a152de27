"""HTTP's own versioning, in one core helper: If-Match read (428 missing, 412 stale or malformed), ETag and
Location written, and a refused role told which roles may."""

import pytest

from functions.core import authz
from functions.core.api import created, etag, expected_version, tagged
from functions.core.auth import Caller, Role
from functions.core.errors import Forbidden, PreconditionFailed, PreconditionRequired
from functions.scheduling.models.setup import Room


def test_if_match_names_the_version_read():
    assert expected_version('"7"') == 7
    assert expected_version(' "12" ') == 12
    assert expected_version('W/"7"') == 7  # a compressing proxy weakens tags; the version is the same


@pytest.mark.parametrize("header", [None, "", "   "])
def test_an_update_without_if_match_is_428(header):
    with pytest.raises(PreconditionRequired) as raised:
        expected_version(header)
    assert raised.value.status == 428 and raised.value.code == "precondition_required"


def test_if_match_star_is_not_enough():
    with pytest.raises(PreconditionRequired):
        expected_version("*")


@pytest.mark.parametrize("header", ["7", '"seven"', '"1", "2"', 'W/7', '"-1"', '"' + "9" * 11 + '"'])
def test_an_if_match_that_is_no_etag_of_ours_fails_the_precondition(header):
    with pytest.raises(PreconditionFailed) as raised:
        expected_version(header)
    assert raised.value.status == 412


def test_if_none_match_star_creates_only_where_the_route_creates():
    assert expected_version(None, "*", may_create=True) == 0
    with pytest.raises(PreconditionRequired):
        expected_version(None, "*")
    with pytest.raises(PreconditionRequired):
        expected_version(None, '"3"', may_create=True)


@pytest.fixture
def public_url(monkeypatch):
    from functions.core import settings as settings_module

    monkeypatch.setenv("TABLE_NAME", "practiceflow")
    monkeypatch.setenv("PAGE_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:k")
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.example.org/prod")
    settings_module.settings.cache_clear()
    yield
    settings_module.settings.cache_clear()


def test_a_read_carries_its_etag_and_a_create_its_location(public_url):
    room = Room(id="R1", name="Room 1", version=3, created_at="t", updated_at="t")
    assert etag(3) == '"3"'
    assert tagged(room).headers["ETag"] == '"3"'
    response = created(room, "/rooms/R1")
    assert response.status_code == 201
    assert response.headers["Location"] == "https://api.example.org/prod/rooms/R1"  # under the stage
    assert response.headers["ETag"] == '"3"'


def test_a_refusal_names_the_roles_that_may():
    billing = Caller(user_id="u", practice_id="p", roles=frozenset({Role.BILLING}))
    with pytest.raises(Forbidden) as raised:
        authz.authorize(billing, "records.patient.update")
    assert raised.value.message == "your role may not do this; it is for: coordinator, front_desk"
    assert raised.value.details == {"allowed_roles": ["coordinator", "front_desk"]}
