"""The local cloud's data directory: the table's items, the secrets that must outlive a restart (the
page-token key and the token-signing key), the demo practice's ids and the running server's address.
Every file is written whole to a temporary file and renamed over the old one, so a crash mid-write
leaves the previous version, never half of one."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(".practice")
TABLE_FILE = "table.json"
SECRETS_FILE = "secrets.json"
SERVER_FILE = "server.json"
DEMO_FILE = "demo.json"
FORMAT = 1


def write_atomically(path: Path, text: str, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600 if private else 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


# --- DynamoDB wire-format items, with binary values made JSON-safe -----------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode_attribute(k, v) for k, v in value.items()}
    return value


def _encode_attribute(type_name: str, value: Any) -> Any:
    if type_name == "B":
        return base64.b64encode(bytes(value)).decode()
    if type_name == "BS":
        return [base64.b64encode(bytes(v)).decode() for v in value]
    if type_name == "M":
        return {k: _encode(v) for k, v in value.items()}
    if type_name == "L":
        return [_encode(v) for v in value]
    return _encode(value) if isinstance(value, dict) else value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode_attribute(k, v) for k, v in value.items()}
    return value


def _decode_attribute(type_name: str, value: Any) -> Any:
    if type_name == "B":
        return base64.b64decode(value)
    if type_name == "BS":
        return [base64.b64decode(v) for v in value]
    if type_name == "M":
        return {k: _decode(v) for k, v in value.items()}
    if type_name == "L":
        return [_decode(v) for v in value]
    return _decode(value) if isinstance(value, dict) else value


class DataDir:
    def __init__(self, path: Path | str = DEFAULT_DATA_DIR) -> None:
        self.path = Path(path).resolve()

    def ensure(self) -> DataDir:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    # items ---------------------------------------------------------------------------------------
    def save_items(self, items: list[dict[str, Any]]) -> None:
        """Items in DynamoDB's wire format ({"pk": {"S": ...}, ...}), as a scan returns them."""
        document = {"format": FORMAT, "items": [{k: _encode(v) for k, v in item.items()} for item in items]}
        write_atomically(self.path / TABLE_FILE, json.dumps(document, separators=(",", ":"), sort_keys=True),
                         private=True)

    def load_items(self) -> list[dict[str, Any]]:
        document = read_json(self.path / TABLE_FILE)
        if not document:
            return []
        if document.get("format") != FORMAT:
            raise ValueError(f"{self.path / TABLE_FILE} has format {document.get('format')}; expected {FORMAT}")
        return [{k: _decode(v) for k, v in item.items()} for item in document["items"]]

    # secrets -------------------------------------------------------------------------------------
    def _secrets(self) -> dict[str, str]:
        stored = read_json(self.path / SECRETS_FILE) or {}
        wanted = {"page_token_secret": 32, "token_signing_key": 48}
        missing = {name: secrets.token_urlsafe(size) for name, size in wanted.items() if name not in stored}
        if missing:
            stored = {**stored, **missing}
            write_atomically(self.path / SECRETS_FILE, json.dumps(stored, indent=2), private=True)
        return stored

    def page_token_secret(self) -> str:
        return self._secrets()["page_token_secret"]

    def token_signing_key(self) -> bytes:
        return self._secrets()["token_signing_key"].encode()

    # the running server --------------------------------------------------------------------------
    def record_server(self, url: str, pid: int) -> None:
        write_atomically(self.path / SERVER_FILE, json.dumps({"url": url, "pid": pid}))

    def server(self) -> dict[str, Any] | None:
        return read_json(self.path / SERVER_FILE)

    def forget_server(self, pid: int) -> None:
        recorded = self.server()
        if recorded and recorded.get("pid") == pid:
            with contextlib.suppress(FileNotFoundError):
                (self.path / SERVER_FILE).unlink()

    # the demo practice ---------------------------------------------------------------------------
    def demo(self) -> dict[str, Any] | None:
        return read_json(self.path / DEMO_FILE)

    def save_demo(self, demo: dict[str, Any]) -> None:
        write_atomically(self.path / DEMO_FILE, json.dumps(demo, indent=2))
