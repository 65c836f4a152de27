"""The links in messages over real HTTP on the local server: no sign-in, a page for a browser with its
Content-Type and security headers passed through as API Gateway passes them, JSON for anything else."""

import json
import urllib.error
import urllib.request

import pytest

from infra.catalog import CATALOG
from localcloud import tokens
from localcloud.cloud import LocalCloud
from localcloud.server import LocalServer

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with LocalCloud(CATALOG, tmp_path_factory.mktemp("links"), persist=False) as cloud:
        server = LocalServer(cloud, port=0).start()
        try:
            yield server
        finally:
            server.stop()


def fetch(server: LocalServer, method: str, path: str, headers: dict[str, str], data: bytes | None = None):
    request = urllib.request.Request(f"{server.url}{path}", method=method, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_an_opt_out_link_is_a_page_over_http_and_its_form_post_opts_out(served):
    from functions.core.secrets import page_token_key
    from functions.notifications.links import OptOut, OptOutLinks

    coordinator = tokens.mint(served.cloud.token_key(), "coordinator", "e2e-links")
    status, _, body = fetch(served, "POST", "/patients", {"Authorization": f"Bearer {coordinator}",
                                                          "Content-Type": "application/json"},
                            json.dumps({"given_name": "Ada", "family_name": "Byron", "birth_date": "1985-12-10",
                                        "gender": "female", "email": "ada@example.org"}).encode())
    assert status == 201, body
    person = f"PATIENT#{json.loads(body)['id']}"
    token = OptOutLinks(page_token_key, "").token(OptOut("e2e-links", person, "email"))

    status, headers, page = fetch(served, "GET", f"/notifications/opt-out/{token}", {"Accept": BROWSER})
    assert status == 200 and headers["Content-Type"].startswith("text/html"), page
    assert "default-src 'none'" in headers["Content-Security-Policy"] and headers["Referrer-Policy"] == "no-referrer"
    assert page.startswith("<!doctype html>") and f'action="./{token}"' in page
    status, _, answer = fetch(served, "GET", f"/notifications/opt-out/{token}", {})
    assert status == 200 and json.loads(answer) == {"channel": "email", "opted_out": False}

    status, headers, done = fetch(served, "POST", f"/notifications/opt-out/{token}",
                                  {"Accept": BROWSER, "Content-Type": "application/x-www-form-urlencoded"}, b"")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "no more emails" in done
    assert json.loads(fetch(served, "GET", f"/notifications/opt-out/{token}", {})[2])["opted_out"] is True


def test_a_broken_reply_link_is_a_page_with_a_4xx_in_a_browser_and_json_elsewhere(served):
    status, headers, page = fetch(served, "GET", "/appointments/reply/not-a-real-token", {"Accept": BROWSER})
    assert status == 422 and headers["Content-Type"].startswith("text/html") and "This link did not work" in page
    status, headers, answer = fetch(served, "GET", "/appointments/reply/not-a-real-token", {"Accept": "*/*"})
    assert status == 422 and headers["Content-Type"] == "application/json"
    assert json.loads(answer)["error"]["code"] == "invalid_reply_link"
