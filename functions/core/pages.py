"""Small HTML pages for the links in messages (an opt-out, a reminder's confirm and cancel), for a person in
a browser or a mail client's viewer. Opening a link only shows; a button posts a real form, so a mail
scanner that follows every link changes nothing. No script, no external resources, a strict
Content-Security-Policy, every value escaped."""

import base64
import hashlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.core.errors import DomainError

HTML = "text/html; charset=utf-8"
# A route a link in a message opens: served without sign-in (the catalogue's public_routes; the function
# checks the signed token itself), and marked so in the OpenAPI document.
PUBLIC = {"x-practiceflow-public": True}
# A link's signed token, the path parameter of every link route. Any length reaches the use case, so a mangled
# link gets the link's own answer (a page, in a browser), not a bare validation error.
LinkToken = Annotated[str, Path(max_length=4096)]


def link_responses(what: str, model: type) -> dict[int, dict[str, Any]]:
    """A link route's answer for the OpenAPI document: `model` as JSON, or a page for a browser."""
    return {200: {"description": f"{what}: JSON, or a page for a browser (Accept: text/html)",
                  "content": {"application/json": {"model": model}, "text/html": {"schema": {"type": "string"}}}}}

STYLE = ("body{font:1.125rem/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;"
         "color:#1b1b1b;background:#fff}dt{font-weight:600}dd{margin:0 0 .75rem}"
         "button{font:inherit;min-width:14rem;padding:.6rem 1.2rem;margin:.25rem 0}")
# the one inline style block, allowed by its hash: nothing else may load, run, frame the page or be posted to
CSP = ("default-src 'none'; "
       f"style-src 'sha256-{base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()}'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The token in the address is the credential: no referrer carries it off, no cache keeps the page.
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


@dataclass(frozen=True)
class Button:
    label: str
    target: str  # where its form posts: a relative URL, e.g. "./<token>"


@dataclass(frozen=True)
class Page:
    title: str
    lines: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # (term, value), shown as a description list
    buttons: tuple[Button, ...] = ()
    lang: str = "en"


def render(page: Page) -> str:
    e = html.escape
    body = [f"<h1>{e(page.title)}</h1>"]
    body += [f'<p role="status">{e(line)}</p>' if n == 0 else f"<p>{e(line)}</p>" for n, line in enumerate(page.lines)]
    if page.facts:
        body.append("<dl>" + "".join(f"<dt>{e(term)}</dt><dd>{e(value)}</dd>" for term, value in page.facts)
                    + "</dl>")
    body += [f'<form method="post" action="{e(b.target)}"><button type="submit">{e(b.label)}</button></form>'
             for b in page.buttons]
    return (f'<!doctype html>\n<html lang="{e(page.lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="robots" content="noindex">\n'
            f"<title>{e(page.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<main>\n{chr(10).join(body)}\n</main>\n</body>\n</html>\n")


def response(page: Page, status: int = 200) -> Response[str]:
    return Response(status_code=status, content_type=HTML, body=render(page), headers=dict(HEADERS))


def wants_html(accept: str | None) -> bool:
    """True when the Accept header asks for text/html and ranks it no lower than JSON: a browser's does
    ("text/html,...,*/*;q=0.8"); an API client's, curl's "*/*" or none at all get JSON."""
    ranks: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *parameters = (p.strip() for p in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranks[media.lower()] = max(quality, ranks.get(media.lower(), 0.0))
    wanted = ranks.get("text/html", 0.0)
    return wanted > 0 and wanted >= ranks.get("application/json", 0.0)


def accept(router: Any) -> str | None:
    """The request's Accept header (Powertools' headers are case-insensitive)."""
    return router.current_event.headers.get("accept")


def error_page(error: DomainError) -> Page:
    return Page(title="This link did not work", lines=(error.message,
                                                       "If you need help, please call the practice."))


T = TypeVar("T")


def answer(accept: str | None, act: Callable[[], T], page: Callable[[T], Page],
           data: Callable[[T], Any] = lambda result: result) -> Any:
    """A link's answer: for an API client, `data` of what `act` returns (JSON; an error as the usual JSON
    error); for a browser, `page` of it, or an error page with the error's status: never JSON in front of a
    person."""
    if not wants_html(accept):
        return data(act())
    try:
        result = act()
    except DomainError as error:
        return response(error_page(error), error.status)
    return response(page(result))
