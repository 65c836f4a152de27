"""The daily compliance run's DynamoDB cost against the practice's size: every check registered in
`functions.compliance.wiring.compliance_checks()` and then the run itself (`ComplianceRun.run`: each check's open
findings, what it raises, findings opened with their notices, kept or closed, the week's snapshot) at 100 and
1,000 staff, each practice with 100,000 audit entries and the ordinary data of its size, first with 5 and then
with 50 things to find per check; and the same run again the same day (everything kept: the steady state).
Requests (and read units, billed) should follow what the checks find, not the practice's size.

The practice's ordinary data per staff member: 10 claims (8 paid, 1 accepted, 1 still in work with a distant
deadline), 4 dated lots in stock that expire next year, 2 decided leave requests, a recent sign-in, a licence
that expires in two years, a training assignment due next year and a policy to sign by next year; and for every
5 staff, one patient with an email consent who was sent 3 emails in the last 30 days. The audit chain was
verified last night. Things to find, per check: licences expiring within the warning window, overdue training,
unsigned policies past their sign-by date, claims due within the warning window, expired lots with stock,
emails to patients without consent, leave requests waiting past the policy's days, members not signed in for
100 days (the audit chain's check finds nothing: the chain is whole and verified).

Read units are billed as DynamoDB bills them: each request's items summed and rounded up to 4 KB, half a unit
eventually consistent, a whole unit consistent (item size per DynamoDB's rules, bench.inventory_nightly).
COMPLIANCE_BENCH_STAFF=100 for a quick run."""

import json
import math
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.support import RESULTS, local_environment

STAFF_SIZES = tuple(int(n) for n in os.environ.get("COMPLIANCE_BENCH_STAFF", "100,1000").split(","))
AUDIT_ENTRIES = int(os.environ.get("COMPLIANCE_BENCH_AUDIT", "100000"))
FINDINGS = (5, 50)
PATIENTS_PER_STAFF = 5  # one patient emailed (three times in 30 days) for every five staff members
PRACTICE = "bench"
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
local_environment()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def days_ago(days: int, hour: int = 9) -> str:
    return iso(datetime.combine(TODAY - timedelta(days=days), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour))


class ReadMeter:
    """Requests by operation, items read and read units billed, for every DynamoDB call on one client."""

    def __init__(self, client) -> None:
        self.client, self._consistent = client, False
        self.reset()
        client.meta.events.register("before-parameter-build.dynamodb", self._note)
        client.meta.events.register("after-call.dynamodb", self._count)

    def reset(self) -> None:
        self.calls: dict[str, int] = {}
        self.items, self.billed = 0, 0.0

    def _note(self, params, model=None, **_: Any) -> None:
        self._consistent = bool(params.get("ConsistentRead"))

    def _count(self, http_response=None, model=None, **_: Any) -> None:
        from bench.inventory_nightly import item_size

        self.calls[model.name] = self.calls.get(model.name, 0) + 1
        if model.name not in ("Query", "Scan", "GetItem"):
            return
        raw = json.loads(http_response.content) if http_response is not None else {}
        found = raw.get("Items") or ([raw["Item"]] if raw.get("Item") else [])
        self.items += len(found)
        units = max(1, math.ceil(sum(item_size(item) for item in found) / 4096))
        self.billed += units * (1.0 if self._consistent else 0.5)

    def take(self) -> dict[str, Any]:
        taken = {"requests": sum(self.calls.values()), "by_operation": dict(sorted(self.calls.items())),
                 "items_read": self.items, "read_units_billed": self.billed}
        self.reset()
        return taken


class Seeder:
    """Writes a practice's data the way its areas store it: straight items built by the areas' own item builders
    (batched: a bench, not a use case), and the deliveries and consents through their adapters."""

    def __init__(self, table) -> None:
        from functions.core.audit_store import AuditStore

        self.table, self.audit, self.batch = table, AuditStore(table), []
        self.count = 0

    def put(self, item: dict[str, Any]) -> None:
        from functions.core.table import serialize

        self.batch.append({"PutRequest": {"Item": serialize(item)}})
        if len(self.batch) == 25:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.table.dynamodb.batch_write_item(RequestItems={self.table.name: self.batch})
            self.count += len(self.batch)
            self.batch = []

    def member(self, user_id: str, last_signed_in_at: str | None, created_at: str = "2025-01-01T00:00:00.000Z",
               manager_id: str | None = None, role: str = "nurse") -> None:
        from functions.staff.dynamo.members import DynamoStaffRecords
        from functions.staff.models.members import StaffMember

        member = StaffMember(practice_id=PRACTICE, user_id=user_id, name=f"Member {user_id}", role=role,
                             contracted_hours=40, fte=1.0, location_ids=["main"], manager_id=manager_id, version=1,
                             created_at=created_at, updated_at=created_at, last_signed_in_at=last_signed_in_at)
        self.put(DynamoStaffRecords._item(member))

    def leave(self, leave_id: str, user_id: str, status: str, submitted_at: str) -> None:
        from functions.staff.dynamo.leave import DynamoLeaveBook
        from functions.staff.models.leave import LeaveRequest

        day = TODAY + timedelta(days=20)
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        self.put(DynamoLeaveBook._item(LeaveRequest(
            practice_id=PRACTICE, id=leave_id, user_id=user_id, kind="vacation", unit="days", first_day=day,
            last_day=day, starts_at=start, ends_at=start + timedelta(days=1), minutes=480, time_zone="UTC",
            status=status, submitted_by=user_id, submitted_at=submitted_at, version=1)))

    def claim(self, claim_id: str, state: str, deadline: date, date_of_service: date) -> None:
        """The claim and, as billing's adapter writes it beside every claim not yet accepted, its filing marker."""
        from functions.billing.dynamo.items import claim_item, filing_marker
        from functions.core.table import Put
        from tests.unit.billing.claims import claim

        stored = claim(id=claim_id, charge_id=f"charge-{claim_id}", state=state, timely_filing_deadline=deadline,
                       date_of_service=date_of_service)
        self.put(claim_item(PRACTICE, stored))
        if isinstance(marker := filing_marker(PRACTICE, stored), Put):
            self.put(marker.item)

    def lot(self, item_id: str, lot: str, expires_on: date, on_hand: int) -> None:
        from functions.inventory.dynamo.stock import lot_row
        from functions.inventory.models.stock import LotBalance

        self.put(lot_row(LotBalance(practice_id=PRACTICE, item_id=item_id, location_id="store", lot=lot,
                                    expires_on=expires_on, on_hand=on_hand)))

    def certification(self, certification_id: str, holder_id: str, expires_on: date) -> None:
        from functions.compliance.dynamo.certifications import _item
        from functions.compliance.models.certifications import Certification

        self.put(_item(Certification(
            id=certification_id, practice_id=PRACTICE, holder_id=holder_id, kind="licence", name="RN licence",
            number=f"RN-{certification_id}", issuing_body="State board", expires_on=expires_on, version=1,
            created_at=iso(NOW), created_by="bench", updated_at=iso(NOW), updated_by="bench")))

    def assignment(self, assignment_id: str, user_id: str, due_on: date) -> None:
        from functions.compliance.dynamo.training import _marker, _row
        from tests.contract.compliance_training_support import assignment

        open_assignment = assignment(assignment_id, user_id, programme_id=f"PROG-{assignment_id}",
                                     due_on=due_on).model_copy(update={"practice_id": PRACTICE})
        self.put(_row(open_assignment))
        self.put(_marker(open_assignment))

    def unsigned(self, policy_id: str, user_id: str, sign_by: date) -> None:
        from functions.compliance.dynamo.policies import _ack_row
        from tests.contract.compliance_training_support import request

        self.put(_ack_row(request(policy_id, 1, user_id, sign_by=sign_by).model_copy(
            update={"practice_id": PRACTICE})))

    def patient(self, channels: list[str] | None) -> str:
        """A patient on file, with a communication consent allowing `channels` (None: no consent)."""
        from functions.core.audit import draft
        from functions.core.auth import Caller, Role
        from functions.records.dynamo import DynamoConsentBook, DynamoPatientRecords
        from tests.contract.records_world import consent, patient

        caller = Caller(user_id="bench", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}))
        new = patient()
        DynamoPatientRecords(self.table, self.audit).register(
            PRACTICE, new, draft(caller, "patient.create", "PATIENT", new.id, iso(NOW)), [])
        if channels is not None:
            DynamoConsentBook(self.table, self.audit).add(
                PRACTICE, consent(new.id, kind="communication", channels=channels,
                                  granted_at="2025-01-01T00:00:00.000Z"), 0,
                draft(caller, "consent.create", "PATIENT", new.id, iso(NOW)), [])
        return new.id

    def email(self, key: str, patient_id: str, at: str) -> None:
        """A reminder emailed to the patient: requested, claimed and recorded sent, as the worker does."""
        from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoMessageLog
        from functions.notifications.models.messages import NotificationRequest, Recipient, Source, new_message
        from functions.notifications.ports import NewMessage

        request = NotificationRequest(practice_id=PRACTICE, recipient=Recipient(kind="patient", patient_id=patient_id),
                                      template="appointment.reminder", data={},
                                      source=Source(area="scheduling", entity="appointment", entity_id="A1"),
                                      idempotency_key=key)
        message = new_message(request, at)
        DynamoMessageLog(self.table, self.audit).create(NewMessage(message, {}, request.fingerprint()))
        ledger = DynamoDeliveryLedger(self.table)
        ledger.claim(PRACTICE, message.id, "email", 1, at)
        ledger.record_sent(PRACTICE, message.id, "email", 1, at, "ses-bench", patient_id)


def seed_practice(seeder: Seeder, staff: int) -> None:
    for n in range(staff):
        user = f"staff-{n:05d}"
        seeder.member(user, last_signed_in_at=days_ago(n % 30), manager_id="staff-00000" if n else None,
                      role="nurse" if n else "coordinator")
        seeder.certification(f"lic-{n:05d}", user, TODAY + timedelta(days=700 + n % 30))
        seeder.assignment(f"asg-{n:05d}", user, TODAY + timedelta(days=300 + n % 30))
        seeder.unsigned("POLICY-ALL", user, TODAY + timedelta(days=300))
        for k in range(2):
            seeder.leave(f"leave-{n:05d}-{k}", user, "approved", days_ago(40 + k))
        for k in range(10):
            state = "paid" if k < 8 else ("accepted" if k == 8 else "draft")
            service = TODAY - timedelta(days=5 + (n * 10 + k) % 300)
            seeder.claim(f"claim-{n:05d}-{k}", state, service + timedelta(days=365), service)
        for k in range(4):
            seeder.lot(f"item-{n:05d}", f"L{k}", date(2027, 6, 1) + timedelta(days=k), 10)
    seeder.flush()
    for n in range(staff // PATIENTS_PER_STAFF):
        patient_id = seeder.patient(["email", "in_app"])
        for k in range(3):
            seeder.email(f"bench-{n:05d}-{k}", patient_id, days_ago(1 + (n + k * 7) % 29))


def seed_findings(seeder: Seeder, first: int, count: int) -> None:
    """`count` things for each check to find, numbered from `first` (so a second call adds new ones)."""
    for n in range(first, first + count):
        seeder.claim(f"due-{n:05d}", "scrubbed", TODAY + timedelta(days=n % 14), TODAY - timedelta(days=80))
        seeder.lot(f"expired-{n:05d}", "X1", TODAY - timedelta(days=1 + n % 20), 3)
        seeder.leave(f"waiting-{n:05d}", f"staff-{1 + n % 50:05d}", "pending", days_ago(8 + n % 10))
        seeder.member(f"quiet-{n:05d}", last_signed_in_at=days_ago(100 + n))
        seeder.certification(f"due-{n:05d}", f"staff-{1 + n % 50:05d}", TODAY + timedelta(days=n % 40 - 10))
        seeder.assignment(f"late-{n:05d}", f"staff-{1 + n % 50:05d}", TODAY - timedelta(days=1 + n % 40))
        seeder.unsigned(f"POLICY-{n:05d}", f"staff-{1 + n % 50:05d}", TODAY - timedelta(days=1 + n % 20))
    seeder.flush()
    for n in range(first, first + count):
        seeder.email(f"unconsented-{n:05d}", seeder.patient(None), days_ago(1 + n % 20))


def write_audit(table, entries: int) -> None:
    from bench.audit_job import _write_trail
    from functions.core.audit_store import AuditStore

    seq, last = AuditStore(table).head(PRACTICE)
    _write_trail(table, PRACTICE, seq, last, entries)


def verified_last_night() -> None:
    """The nightly verification's verdict (intact), stored as the job stores it before the 05:00 run; the bench
    measures the checks, not the re-hashing of 100,000 entries (bench.audit_job does)."""
    from functions.compliance.dynamo.settings import DynamoChainVerdicts
    from functions.compliance.models.settings import ChainVerdict
    from functions.core.table import Table

    DynamoChainVerdicts(Table()).record(PRACTICE, ChainVerdict(at=iso(NOW - timedelta(hours=2)), intact=True,
                                                               checked=AUDIT_ENTRIES))


def run_checks(meter: ReadMeter) -> dict[str, Any]:
    """Each registered check's own reads (its `find`), then the daily run over all of them, then that run again
    the same day (everything raised is kept)."""
    from functions.compliance import wiring

    checks = wiring.compliance_checks()
    meter.reset()
    per_check = {}
    for check in checks:
        started = time.perf_counter()
        found = len(list(check.find(PRACTICE, TODAY)))
        per_check[check.name] = {**meter.take(), "found": found, "seconds": round(time.perf_counter() - started, 3)}
    runs = {}
    for name in ("run", "rerun"):
        started = time.perf_counter()
        summary = wiring.compliance_run().run(PRACTICE)
        runs[name] = {**meter.take(), "seconds": round(time.perf_counter() - started, 3), "open": summary.open,
                      "failed": summary.failed, "notices": summary.notices,
                      **{what: sum(getattr(o, what) for o in summary.checks)
                         for what in ("raised", "opened", "kept", "updated", "closed")}}
    return {"checks": per_check, **runs}


def measure(staff: int) -> dict[str, Any]:
    from moto import mock_aws

    from functions.core import clock, container, settings, table
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("compliance"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        container.reset()
        practice = table.Table()
        seeder = Seeder(practice)
        started = time.perf_counter()
        seed_practice(seeder, staff)
        write_audit(practice, AUDIT_ENTRIES)
        verified_last_night()
        seed_findings(seeder, 0, FINDINGS[0])
        print(f"  seeded {staff} staff, {AUDIT_ENTRIES} audit entries in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        meter = ReadMeter(practice.dynamodb)
        previous = clock.use(clock.FixedClock(NOW))
        try:
            rows = {str(FINDINGS[0]): run_checks(meter)}
            seed_findings(seeder, FINDINGS[0], FINDINGS[1] - FINDINGS[0])
            rows[str(FINDINGS[1])] = run_checks(meter)
        finally:
            clock.use(previous)
            table.client.cache_clear()
            container.reset()
    return {"findings_per_check": rows}


def main() -> None:
    results = {"audit_entries": AUDIT_ENTRIES, "today": TODAY.isoformat(),
               "note": "every registered check, then the daily run (ComplianceRun.run) and the same run again the "
                       "same day; requests by operation, items read and read units billed",
               "staff": {}}
    for staff in STAFF_SIZES:
        results["staff"][str(staff)] = row = measure(staff)
        for findings, measured in row["findings_per_check"].items():
            by_check = ", ".join(f"{name} {c['requests']}" for name, c in measured["checks"].items())
            run, rerun = measured["run"], measured["rerun"]
            print(f"{staff:>5} staff, {findings:>2} per check: run {run['requests']:>4} requests "
                  f"({run['read_units_billed']:>6.1f} RCU, opened {run['opened']:>3}), rerun {rerun['requests']:>4} "
                  f"({rerun['read_units_billed']:>6.1f} RCU, kept {rerun['kept']:>3})   checks: {by_check}")
        RESULTS.mkdir(parents=True, exist_ok=True)  # after each size: the larger takes a while
        (RESULTS / "compliance_checks.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
