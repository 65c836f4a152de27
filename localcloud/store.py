"""The local cloud's data directory: the table's items, the secrets that must outlive a restart (the
page-token key and the token-signing key), the demo practice's ids and the running server's address.
Every file is written whole to a temporary file and renamed over the old one, so a crash mid-write
leaves the previous version, never half of one.

The table is a snapshot (table.json) plus a write-ahead journal (journal-NNNNNN.jsonl): every change is
appended to the journal as it is made, one line per item (its new image, or null once deleted), before
the request that made it is answered; now and then the local cloud folds the journal into a new
snapshot. Loading is the snapshot with the journals from the one it names replayed on top, in order. A
line cut short by a kill is the last one written and was never acknowledged: it is skipped."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(".practice")
TABLE_FILE = "table.json"
SECRETS_FILE = "secrets.json"
SERVER_FILE = "server.json"
DEMO_FILE = "demo.json"
JOURNAL_GLOB = "journal-*.jsonl"
FORMAT = 1


def journal_name(sequence: int) -> str:
    return f"journal-{sequence:06d}.jsonl"


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
    def save_items(self, items: list[dict[str, Any]], journal: int | None = None) -> None:
        """Items in DynamoDB's wire format ({"pk": {"S": ...}, ...}), as a scan returns them; `journal` is
        the first journal whose changes the snapshot does not hold yet."""
        document: dict[str, Any] = {"format": FORMAT,
                                    "items": [{k: _encode(v) for k, v in item.items()} for item in items]}
        if journal is not None:
            document["journal"] = journal
        write_atomically(self.path / TABLE_FILE, json.dumps(document, separators=(",", ":"), sort_keys=True),
                         private=True)

    def _snapshot(self) -> tuple[list[dict[str, Any]], int]:
        document = read_json(self.path / TABLE_FILE)
        if not document:
            return [], 0
        if document.get("format") != FORMAT:
            raise ValueError(f"{self.path / TABLE_FILE} has format {document.get('format')}; expected {FORMAT}")
        return document["items"], int(document.get("journal", 0))

    def journals(self) -> list[tuple[int, Path]]:
        """The journal files, oldest first."""
        found = []
        for path in self.path.glob(JOURNAL_GLOB):
            number = path.stem.removeprefix("journal-")
            if number.isdigit():
                found.append((int(number), path))
        return sorted(found)

    def load_items(self) -> list[dict[str, Any]]:
        """The table as it was after the last change that reached the journal."""
        encoded, first_journal = self._snapshot()
        items = {(item["pk"]["S"], item["sk"]["S"]): item for item in encoded}
        for sequence, path in self.journals():
            if sequence < first_journal:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    change = json.loads(line)
                except ValueError:
                    continue  # cut short by a kill mid-write: never acknowledged
                key = (change["k"]["pk"]["S"], change["k"]["sk"]["S"])
                if change["i"] is None:
                    items.pop(key, None)
                else:
                    items[key] = change["i"]
        return [{k: _decode(v) for k, v in item.items()} for _, item in sorted(items.items())]

    def next_journal(self) -> int:
        journals = self.journals()
        return max(journals[-1][0] + 1 if journals else 0, self._snapshot()[1])

    def forget_journals_before(self, sequence: int) -> None:
        for number, path in self.journals():
            if number < sequence:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

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


class Journal:
    """One journal file, appended to by whoever holds the data-plane lock (so lines are in the order the
    changes were made) and made durable by sync(). Each change goes to the operating system at once: a
    killed process loses nothing it wrote; sync() is for the machine losing power, and several requests'
    changes share one fsync."""

    def __init__(self, path: Path, sequence: int) -> None:
        self.path, self.sequence = path, sequence
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._handle = os.fdopen(descriptor, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._unsynced = False
        self.changes = 0
        self.size = path.stat().st_size

    def append(self, changes: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> None:
        """(key, new item or None) pairs, in DynamoDB's wire format."""
        text = "".join(json.dumps({"k": _encode_item(key), "i": None if item is None else _encode_item(item)},
                                  separators=(",", ":"), sort_keys=True) + "\n" for key, item in changes)
        with self._lock:
            self._handle.write(text)
            self._handle.flush()
            self._unsynced = True
            self.changes += len(changes)
            self.size += len(text)

    def sync(self) -> None:
        with self._lock:
            if not self._unsynced or self._handle.closed:
                return
            self._unsynced = False
            descriptor = os.dup(self._handle.fileno())
        try:
            os.fsync(descriptor)  # outside the lock: appends go on while the disk catches up
        finally:
            os.close(descriptor)

    def close(self) -> None:
        with self._lock:
            if not self._handle.closed:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()


def _encode_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _encode(v) for k, v in item.items()}
