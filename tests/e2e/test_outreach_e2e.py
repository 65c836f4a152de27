"""Outreach over HTTP against `practice serve`: the demo practice's workshop is read and changed with its ETag,
a patient's token cannot manage it, and the public link routes are served without a token (the local API
Gateway honours the catalogue's public routes) while a forged link is refused."""

import urllib.request

import pytest

from tests.e2e.test_serve import Server, practice, request

pytestmark = pytest.mark.e2e


def test_the_demo_workshop_over_http_and_its_public_routes_without_a_token(demo_data):
    data_dir = demo_data
    server = Server(data_dir, "outreach")
    try:
        server.wait_until_healthy()
        coordinator = practice("token", "--role", "coordinator", "--practice", "demo",
                               data_dir=data_dir).stdout.strip()
        patient = practice("token", "--role", "patient", "--practice", "demo", "--patient", "p-1",
                           data_dir=data_dir).stdout.strip()
        status, listed = request(f"{server.url}/workshops", token=coordinator)
        assert status == 200 and listed["workshops"], listed
        workshop = listed["workshops"][0]
        url = f"{server.url}/workshops/{workshop['id']}"
        version = workshop["version"]
        assert request(url, "PATCH", {"capacity": 15}, token=coordinator)[0] == 428
        status, changed = request(url, "PATCH", {"capacity": 15}, token=coordinator,
                                  headers={"If-Match": f'"{version}"'})
        assert status == 200 and changed["capacity"] == 15 and changed["version"] == version + 1
        assert request(url, "PATCH", {"capacity": 16}, token=patient,
                       headers={"If-Match": f'"{version + 1}"'})[0] == 403
        assert request(f"{server.url}/workshops", token=None)[0] == 401

        for path in ("/registrations/signup/forged.token", "/registrations/confirm/forged.token",
                     "/surveys/forged.token"):
            status, body = request(f"{server.url}{path}")
            assert (status, body["error"]["code"][:8]) == (422, "invalid_"), (path, body)
        page = urllib.request.Request(f"{server.url}/surveys/forged.token",  # noqa: S310 - loopback server
                                      headers={"Accept": "text/html"})
        try:
            urllib.request.urlopen(page, timeout=10)  # noqa: S310 - loopback test server
            raise AssertionError("a forged survey link was served")
        except urllib.error.HTTPError as error:
            assert error.code == 422 and b"This link did not work" in error.read()
            assert "default-src 'none'" in error.headers["Content-Security-Policy"]
        assert server.stop() == 0
    finally:
        server.kill()
