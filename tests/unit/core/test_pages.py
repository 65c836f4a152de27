"""The pages links open: a browser gets HTML, anything else JSON; every value escaped; nothing loads."""

import base64
import hashlib

import pytest

from functions.core import pages
from functions.core.errors import Invalid, NotFound
from functions.core.pages import Button, Page


@pytest.mark.parametrize(("accept", "html"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # a browser
    ("text/html", True),
    ("application/json, text/html;q=0.5", False),
    ("text/html;q=0.9, application/json", False),
    ("text/html;q=0", False),
    ("text/html;q=oops", False),
    ("*/*", False),  # curl, most HTTP libraries
    ("application/json", False),
    ("", False),
    (None, False),
])
def test_only_a_client_that_asks_for_html_first_gets_a_page(accept, html):
    assert pages.wants_html(accept) is html


def test_every_value_on_a_page_is_escaped():
    evil = '<script>alert("x")</script>'
    text = pages.render(Page(title=evil, lines=(evil,), facts=((evil, evil),),
                             buttons=(Button(evil, './"><script>'),), lang='en"><x'))
    assert "<script" not in text and "&lt;script&gt;" in text
    assert 'action="./&quot;&gt;&lt;script&gt;"' in text and 'lang="en&quot;&gt;&lt;x"' in text


def test_a_page_is_a_whole_accessible_document_with_real_forms():
    text = pages.render(Page(title="Stop emails?", lines=("You can stop emails here.",),
                             buttons=(Button("Stop emails", "./tok.en"),)))
    assert text.startswith("<!doctype html>\n<html lang=\"en\">")
    assert "<title>Stop emails?</title>" in text and "<h1>Stop emails?</h1>" in text
    assert '<form method="post" action="./tok.en"><button type="submit">Stop emails</button></form>' in text
    assert '<meta name="viewport"' in text and '<p role="status">' in text


def test_the_policy_allows_the_pages_one_style_block_and_nothing_else():
    digest = base64.b64encode(hashlib.sha256(pages.STYLE.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in pages.CSP
    assert "default-src 'none'" in pages.CSP and "form-action 'self'" in pages.CSP
    assert f"<style>{pages.STYLE}</style>" in pages.render(Page(title="t"))
    assert "http" not in pages.render(Page(title="t"))  # no external resource


def test_a_browser_gets_an_error_page_with_the_errors_status_and_an_api_client_the_error():
    def broken():
        raise Invalid("this link is not valid", code="invalid_reply_link")

    response = pages.answer("text/html", broken, lambda _: Page(title="never"))
    assert response.status_code == 422 and response.content_type.startswith("text/html")
    assert "this link is not valid" in response.body and response.headers["Content-Security-Policy"] == pages.CSP
    with pytest.raises(Invalid):
        pages.answer("application/json", broken, lambda _: Page(title="never"))
    assert pages.answer(None, lambda: {"a": 1}, lambda _: Page(title="x"), lambda r: r["a"]) == 1

    def missing():
        raise NotFound("no such appointment")

    assert pages.answer("text/html", missing, lambda _: Page(title="x")).status_code == 404
    assert pages.answer("text/html", lambda: 1, lambda n: Page(title=f"n={n}")).status_code == 200
