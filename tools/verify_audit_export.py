#!/usr/bin/env python3
"""Re-verify a PracticeFlow audit export (GET /audit/export) with nothing but Python's standard library.

Each row is one audit entry: every chained field, `prev_hash` and `hash`. The script re-hashes every row (SHA-256
of its fields but `hash` as canonical JSON: keys sorted, no spaces, UTF-8; `seq` a number; an empty
`subject_patient_id` is null; an empty `route` is left out, since entries written before the field existed were
hashed without it) and re-links them: seqs follow one another and each `prev_hash` is the hash of the row before.
So an edited row (its hash no longer matches), a removed one (a gap) or rows put in another order (a seq out of
order, a broken link) are found. The ends of a file are checked against what the export's response said
(`--first-seq`, `--last-seq`, `--last-hash`, from its X-Audit-* headers), and the first row against the hash
that came before it (`--anchor`: the previous part's last hash; 64 zeros for the trail's first entry). Several
files are parts of one export, in order: each must continue the one before.

An archived day (the daily archive: practices/<id>/audit/<yyyy>/<mm>/<dd>/part-<n>.csv in the audit archive
bucket) carries its ends in the object's metadata instead of headers: pass each part's `aws s3api head-object`
output (`--head`, one per file, in the files' order) and every part is checked against its own ends (the hash its
first row links to, its first and last seq, its last hash, its row count), and the parts against one another.

    python3 verify_audit_export.py [--anchor H] [--first-seq N] [--last-seq N] [--last-hash H] part1.csv [...]
    aws s3api head-object --bucket B --key K > part-1.json && aws s3 cp s3://B/K part-1.csv
    python3 verify_audit_export.py --head part-1.json part-1.csv

Exit status: 0 intact, 1 problems found (each printed), 2 a file that is not an export."""

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterable

NULLABLE = frozenset({"subject_patient_id", "route"})  # an empty cell is null
LATER = frozenset({"route"})  # added to the chain later: hashed only when set
REQUIRED = ("seq", "prev_hash", "hash")


class NotAnExport(Exception):
    pass


def row_hash(row: dict[str, str]) -> str:
    body = {}
    for name, text in row.items():
        if name == "hash":
            continue
        value = None if name in NULLABLE and text == "" else text
        if name == "seq":
            value = int(text)
        if name in LATER and value is None:
            continue
        body[name] = value
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or any(name not in reader.fieldnames for name in REQUIRED):
        raise NotAnExport(f"the header must name {', '.join(REQUIRED)}")
    rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise NotAnExport(f"line {number} does not have one cell per column")
        if not row["seq"].isdigit():
            raise NotAnExport(f"line {number}: seq is not a number")
    return rows


class Verifier:
    """Rows of one or more parts, in order; `problems` says what does not hold."""

    def __init__(self, anchor: str | None = None) -> None:
        self.last_seq: int | None = None
        self.last_hash: str | None = anchor
        self.practice: str | None = None
        self.checked = 0
        self.problems: list[str] = []

    def add(self, rows: list[dict[str, str]], where: str = "") -> None:
        for row in rows:
            seq = int(row["seq"])
            if self.last_seq is not None and seq != self.last_seq + 1:
                self.problems.append(f"{where}entry {seq} follows entry {self.last_seq}: "
                                     + ("entries are missing" if seq > self.last_seq + 1 else "out of order"))
            if self.last_hash is not None and row["prev_hash"] != self.last_hash:
                self.problems.append(f"{where}entry {seq} does not link to the entry before it")
            if row_hash(row) != row["hash"]:
                self.problems.append(f"{where}entry {seq} was changed after it was written")
            practice = row.get("practice_id")
            if self.practice is not None and practice != self.practice:
                self.problems.append(f"{where}entry {seq} is another practice's")
            self.practice = practice if self.practice is None else self.practice
            self.last_seq, self.last_hash = seq, row["hash"]
            self.checked += 1


def verify(parts: list[list[dict[str, str]]], anchor: str | None = None, first_seq: int | None = None,
           last_seq: int | None = None, last_hash: str | None = None) -> list[str]:
    """The problems found in the parts of one export, in order (none: intact)."""
    verifier = Verifier(anchor)
    for number, rows in enumerate(parts, start=1):
        verifier.add(rows, f"part {number}: " if len(parts) > 1 else "")
    rows = [row for part in parts for row in part]
    problems = verifier.problems
    if rows:
        first, last = int(rows[0]["seq"]), int(rows[-1]["seq"])
        if first_seq is not None and first != first_seq:
            problems.append(f"the export starts at entry {first_seq}, the file at entry {first}")
        if last_seq is not None and last != last_seq:
            problems.append(f"the export ends at entry {last_seq}, the file at entry {last}")
        if last_hash is not None and rows[-1]["hash"] != last_hash:
            problems.append("the last entry's hash is not the one the export gave")
    elif last_hash is not None or (first_seq is not None and last_seq is not None and last_seq >= first_seq):
        problems.append("the export held entries; the file holds none")
    return verifier.problems


def read_head(lines: str) -> dict[str, str]:
    """An archived part's metadata: head-object's (or get-object's) JSON answer, or its Metadata alone."""
    try:
        answer = json.loads(lines)
    except json.JSONDecodeError as error:
        raise NotAnExport(f"the head is not JSON: {error}") from None
    metadata = answer.get("Metadata", answer) if isinstance(answer, dict) else None
    names = ("first-seq", "last-seq", "prev-hash", "last-hash", "rows")
    if not isinstance(metadata, dict) or any(name not in metadata for name in names):
        raise NotAnExport(f"the head's metadata must name {', '.join(names)}")
    if not all(str(metadata[name]).isdigit() for name in ("first-seq", "last-seq", "rows")):
        raise NotAnExport("the head's first-seq, last-seq and rows must be numbers")
    return {name: str(value) for name, value in metadata.items()}


def head_problems(rows: list[dict[str, str]], head: dict[str, str], where: str = "") -> list[str]:
    """What an archived part's rows do not hold of the ends its metadata names."""
    problems = []
    if len(rows) != int(head["rows"]):
        problems.append(f"{where}the archive says {head['rows']} rows, the file holds {len(rows)}")
    if not rows:
        return problems
    if rows[0]["prev_hash"] != head["prev-hash"]:
        problems.append(f"{where}the first entry does not link to the hash the archive names before it")
    if int(rows[0]["seq"]) != int(head["first-seq"]) or int(rows[-1]["seq"]) != int(head["last-seq"]):
        problems.append(f"{where}the archive holds entries {head['first-seq']}..{head['last-seq']}, the file "
                        f"{rows[0]['seq']}..{rows[-1]['seq']}")
    if rows[-1]["hash"] != head["last-hash"]:
        problems.append(f"{where}the last entry's hash is not the one the archive names")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="the export's CSV parts, in order")
    parser.add_argument("--anchor", help="the hash before the first row (the previous part's last hash)")
    parser.add_argument("--first-seq", type=int, help="X-Audit-First-Seq of the first part")
    parser.add_argument("--last-seq", type=int, help="X-Audit-Last-Seq of the last part")
    parser.add_argument("--last-hash", help="X-Audit-Last-Hash of the last part")
    parser.add_argument("--head", action="append", default=[], metavar="JSON",
                        help="an archived part's head-object answer, one per file in order (instead of the above)")
    args = parser.parse_args(argv)
    try:
        parts, heads = [], []
        for name in args.files:
            with open(name, encoding="utf-8", newline="") as file:
                parts.append(read_rows(file))
        for name in args.head:
            with open(name, encoding="utf-8") as file:
                heads.append(read_head(file.read()))
        if heads and len(heads) != len(parts):
            raise NotAnExport(f"{len(heads)} heads for {len(parts)} files: give one head per archived part")
    except (OSError, UnicodeDecodeError, csv.Error, NotAnExport) as error:
        print(f"not an audit export: {error}", file=sys.stderr)
        return 2
    if heads:
        problems = verify(parts, heads[0]["prev-hash"])
        for number, (rows, head) in enumerate(zip(parts, heads, strict=True), start=1):
            problems += head_problems(rows, head, f"part {number}: " if len(parts) > 1 else "")
    else:
        problems = verify(parts, args.anchor, args.first_seq, args.last_seq, args.last_hash)
    for problem in problems:
        print(problem)
    count = sum(len(part) for part in parts)
    print(f"{count} entries checked: " + ("intact" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
