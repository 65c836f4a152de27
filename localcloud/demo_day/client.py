"""The demo day's one way in: HTTP to the local server, as each person of the practice (a bearer token per role,
or a patient's own), plus the local-only endpoints a real cloud does by itself (its clock, what it sent)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import datetime
from itertools import count
from typing import Any
from urllib.parse import urlencode

Answer = tuple[int, Any, dict[str, str]]


class DemoFailed(RuntimeError):
    """A step of the day did not go as a practice would expect: the route, its status and the error code."""


class Client:
    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url = url
        self.tokens = tokens  # role (or "patient:<id>") -> bearer token
        self._keys = count(1)

    def request(self, who: str | None, method: str, path: str, body: Any = None, *, query: dict | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        """One HTTP request; `who` None for a public link. A POST carries a fresh Idempotency-Key, as an app does."""
        sent = {"Accept": "application/json", **(headers or {})}
        if who is not None:
            sent["Authorization"] = f"Bearer {self.tokens[who]}"
        data = None
        if body is not None or method in ("POST", "PUT", "PATCH"):
            data = json.dumps(body if body is not None else {}).encode()
            sent["Content-Type"] = "application/json"
        if method == "POST":
            sent.setdefault("Idempotency-Key", f"demo-day-{next(self._keys):05d}")
        url = f"{self.url}{path}" + (f"?{urlencode(query)}" if query else "")
        call = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310 - our loopback
        try:
            with urllib.request.urlopen(call, timeout=120) as response:  # noqa: S310 - our loopback server
                return response.status, _json(response.read()), dict(response.headers.items())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read()), dict(error.headers.items())

    def ok(self, who: str | None, method: str, path: str, body: Any = None, **options: Any) -> Any:
        """The answer's body; anything but a 2xx stops the day with the route and the error's code."""
        status, answer, _ = self.request(who, method, path, body, **options)
        if not 200 <= status < 300:
            code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
            raise DemoFailed(f"{method} {path} answered {status} {code}: "
                             f"{answer.get('error', {}).get('message') if isinstance(answer, dict) else answer}")
        return answer

    def change(self, who: str, path: str, read: str, body: Any = None, method: str = "POST") -> Any:
        """An update the HTTP way: read the thing's ETag at `read`, send it back in If-Match."""
        _, _, headers = self.request(who, "GET", read)
        etag = next((v for k, v in headers.items() if k.lower() == "etag"), None)
        return self.ok(who, method, path, body, headers={"If-Match": etag} if etag else None)

    # --- what the local cloud does by itself ---------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.fromisoformat(self.ok(None, "GET", "/_local/health")["now"])

    def live_until(self, moment: datetime) -> None:
        """Live through the time up to `moment` on the local cloud's clock: schedules fire, workflows wake."""
        seconds = (moment - self.now()).total_seconds()
        if seconds > 0:
            self.ok(None, "POST", "/_local/clock/advance", query={"seconds": f"{seconds:.0f}"})

    def links(self, to: str, kind: str) -> list[str]:
        """The link tokens of one kind (e.g. `appointments/reply`) in what was sent to an address or number."""
        sent = self.ok(None, "GET", "/_local/sent")
        texts = [m["body"] or "" for m in sent["email"] if to in m["to"]]
        texts += [m["text"] for m in sent["sms"] if m["to"] == to]
        return [token for text in texts for token in re.findall(rf"/{kind}/([A-Za-z0-9_.=-]+)", text)]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")
