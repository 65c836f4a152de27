"""The ports the compliance checks read the other areas through, each held to its adapter in
functions/compliance/sources/: the same story told to the fake (in the check's words) and to the area's own
adapters on moto (as the area writes it), and the same answer read back. Fakes cannot drift."""

from datetime import date, timedelta

import pytest

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from tests.fakes import compliance as fakes

P = "practice-contract"
OTHER = "practice-other"
TODAY = date(2026, 11, 30)
AT = "2026-11-30T08:00:00.000Z"


def audit(practice_id: str = P, entity_id: str = "x"):
    caller = Caller(user_id="coord-1", practice_id=practice_id, roles=frozenset({Role.COORDINATOR}), request_id="t")
    return draft(caller, "test.change", "THING", entity_id, AT)


def side(request):
    """The fixture's param: 'fake', or 'dynamo' with a fresh moto cloud."""
    if request.param == "dynamo":
        request.getfixturevalue("cloud")
    return request.param


# --- ClaimsToFile ------------------------------------------------------------------------------------------------

class ClaimsStory:
    def __init__(self, kind: str) -> None:
        self.kind, self.versions = kind, {}
        if kind == "fake":
            self.port = fakes.FakeClaimsToFile()
            return
        from functions.billing.dynamo.claims import DynamoClaimLedger
        from functions.compliance.sources.billing import BillingClaimsToFile
        from functions.core.audit_store import AuditStore
        from functions.core.table import Table

        table = Table()
        self.ledger, self.port = DynamoClaimLedger(table, AuditStore(table)), BillingClaimsToFile(table)

    def claim(self, claim_id: str, state: str, deadline: date, practice_id: str = P, filing_days: int = 90) -> None:
        """A claim opened (or moved to `state`) as billing does it."""
        if self.kind == "fake":
            self.port.put(practice_id, claim_id, state, deadline, payer_id="acme")
            return
        from tests.unit.billing.claims import claim

        version = self.versions.get((practice_id, claim_id), 0) + 1
        self.versions[(practice_id, claim_id)] = version
        stored = claim(id=claim_id, charge_id=f"charge-{claim_id}", state=state, timely_filing_deadline=deadline,
                       date_of_service=deadline - timedelta(days=filing_days), version=version)
        if version == 1:
            self.ledger.open(practice_id, stored, audit(practice_id, claim_id), [])
        else:
            self.ledger.save(practice_id, stored, version - 1, audit(practice_id, claim_id), [])


@pytest.fixture(params=["fake", "dynamo"])
def claims(request) -> ClaimsStory:
    return ClaimsStory(side(request))


def test_claims_not_yet_accepted_and_due_by_the_day_are_listed_by_deadline(claims):
    claims.claim("C-LATE", "draft", TODAY - timedelta(days=2))
    claims.claim("C-SOON", "scrubbed", TODAY + timedelta(days=3), filing_days=1)  # a one-day payer
    claims.claim("C-EDGE", "rejected", TODAY + timedelta(days=14), filing_days=365)
    claims.claim("C-FAR", "draft", TODAY + timedelta(days=15))
    claims.claim("C-OK", "accepted", TODAY)
    claims.claim("C-OTHER", "draft", TODAY, practice_id=OTHER)
    found = claims.port.filing_due(P, TODAY + timedelta(days=14))
    assert [(c.claim_id, c.state, c.deadline) for c in found] == [
        ("C-LATE", "draft", TODAY - timedelta(days=2)), ("C-SOON", "scrubbed", TODAY + timedelta(days=3)),
        ("C-EDGE", "rejected", TODAY + timedelta(days=14))]
    assert {c.payer_id for c in found} == {"acme"}


def test_a_claim_leaves_the_list_once_the_payer_accepts_it(claims):
    claims.claim("C1", "scrubbed", TODAY)
    claims.claim("C1", "submitted", TODAY)
    assert [c.claim_id for c in claims.port.filing_due(P, TODAY)] == ["C1"]
    claims.claim("C1", "accepted", TODAY)
    assert claims.port.filing_due(P, TODAY) == []


# --- ExpiredStock ------------------------------------------------------------------------------------------------

class StockStory:
    def __init__(self, request, kind: str) -> None:
        self.kind, self.balances = kind, {}
        if kind == "fake":
            self.port = fakes.FakeExpiredStock()
            return
        from functions.compliance.sources.inventory import InventoryExpiredStock
        from functions.core.table import Table
        from tests.contract.inventory_support import StockWorld, stock_world

        request.param = "dynamo"
        self.world: StockWorld = stock_world(request)
        self.port = InventoryExpiredStock(Table())
        self.world.location("store")
        self.world.item("vaccine", lot_tracked=True, expiry_tracked=True)

    def receive(self, lot: str, expires_on: date, quantity: int) -> None:
        key = ("vaccine", "store", lot)
        self.balances[key] = (expires_on, self.balances.get(key, (expires_on, 0))[1] + quantity)
        if self.kind == "dynamo":
            self.world.move("receive", "vaccine", "store", quantity, lot=lot, expires_on=expires_on)
        else:
            self.port.put(P, *key, *self.balances[key])

    def write_off(self, lot: str, quantity: int) -> None:
        key = ("vaccine", "store", lot)
        expires_on, on_hand = self.balances[key]
        self.balances[key] = (expires_on, on_hand - quantity)
        if self.kind == "dynamo":
            self.world.move("expire", "vaccine", "store", quantity, lot=lot, reason="expired")
        else:
            self.port.put(P, *key, *self.balances[key])


@pytest.fixture(params=["fake", "dynamo"])
def stock(request) -> StockStory:
    return StockStory(request, side(request))


def test_lots_with_stock_that_expired_before_the_day_are_listed(stock):
    stock.receive("A", TODAY - timedelta(days=3), 4)
    stock.receive("B", TODAY, 2)  # expires today: not yet expired
    stock.receive("C", TODAY + timedelta(days=30), 5)
    found = stock.port.expired(P, TODAY)
    assert [(lot.item_id, lot.location_id, lot.lot, lot.expires_on, lot.on_hand) for lot in found] == [
        ("vaccine", "store", "A", TODAY - timedelta(days=3), 4)]
    assert stock.port.expired(OTHER, TODAY) == []


def test_an_expired_lot_leaves_the_list_when_its_stock_reaches_zero(stock):
    stock.receive("A", TODAY - timedelta(days=3), 4)
    stock.write_off("A", 1)
    assert [lot.on_hand for lot in stock.port.expired(P, TODAY)] == [3]
    stock.write_off("A", 3)
    assert stock.port.expired(P, TODAY) == []


# --- PatientDeliveries -------------------------------------------------------------------------------------------

class DeliveryStory:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "fake":
            self.port = fakes.FakePatientDeliveries()
            return
        from functions.compliance.sources.notifications import NotificationsPatientDeliveries
        from functions.core.table import Table
        from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoMessageLog

        table = Table()
        self.log, self.ledger = DynamoMessageLog(table), DynamoDeliveryLedger(table)
        self.port = NotificationsPatientDeliveries(table)

    def sent(self, key: str, channel: str, at: str, patient_id: str | None = "pat-1",
             practice_id: str = P) -> str:
        """A message requested, and its channel claimed and recorded sent, as notifications' worker does."""
        from functions.notifications.models.messages import NotificationRequest, Recipient, Source, new_message
        from functions.notifications.ports import NewMessage

        recipient = (Recipient(kind="patient", patient_id=patient_id) if patient_id
                     else Recipient(kind="staff", user_id="nurse-1"))
        request = NotificationRequest(practice_id=practice_id, recipient=recipient, template="appointment.reminder",
                                      data={}, source=Source(area="scheduling", entity="appointment", entity_id="A1"),
                                      idempotency_key=key)
        message = new_message(request, at)
        if self.kind == "fake":
            if patient_id:
                self.port.send(practice_id, message.id, channel, patient_id, at)
            return message.id
        self.log.create(NewMessage(message, {}, request.fingerprint()))
        assert self.ledger.claim(practice_id, message.id, channel, 1, at)
        self.ledger.record_sent(practice_id, message.id, channel, 1, at, "provider-1", patient_id)
        return message.id


@pytest.fixture(params=["fake", "dynamo"])
def deliveries(request) -> DeliveryStory:
    return DeliveryStory(side(request))


def test_emails_and_sms_to_patients_are_listed_by_day_in_order(deliveries):
    early = deliveries.sent("key-00000001", "sms", "2026-11-01T23:59:00.000Z")
    email = deliveries.sent("key-00000002", "email", "2026-11-02T09:00:00.000Z")
    deliveries.sent("key-00000003", "in_app", "2026-11-02T09:00:00.000Z")
    deliveries.sent("key-00000004", "email", "2026-11-02T10:00:00.000Z", patient_id=None)  # a staff member
    deliveries.sent("key-00000005", "email", "2026-11-03T00:00:00.000Z")
    deliveries.sent("key-00000006", "email", "2026-11-02T11:00:00.000Z", practice_id=OTHER)
    found = deliveries.port.sent(P, date(2026, 11, 1), date(2026, 11, 2))
    assert [(d.message_id, d.channel, d.patient_id, d.sent_at) for d in found] == [
        (early, "sms", "pat-1", "2026-11-01T23:59:00.000Z"), (email, "email", "pat-1", "2026-11-02T09:00:00.000Z")]


# --- CommunicationConsents ---------------------------------------------------------------------------------------

class ConsentStory:
    def __init__(self, kind: str) -> None:
        self.kind, self.rev = kind, {}
        if kind == "fake":
            self.port = fakes.FakeCommunicationConsents()
            return
        from functions.compliance.sources.records import RecordsConsents
        from functions.core.audit_store import AuditStore
        from functions.core.table import Table
        from functions.records.dynamo import DynamoConsentBook, DynamoPatientRecords

        table = Table()
        audit_store = AuditStore(table)
        self.records, self.book = DynamoPatientRecords(table, audit_store), DynamoConsentBook(table, audit_store)
        self.port = RecordsConsents(table)

    def patient(self) -> str:
        from tests.contract.records_world import patient

        new = patient()
        if self.kind == "dynamo":
            self.records.register(P, new, audit(P, new.id), [])
        self.rev[new.id] = 0
        return new.id

    def grant(self, patient_id: str, consent_id: str, kind: str, channels: list[str], at: str) -> None:
        if self.kind == "fake":
            if kind == "communication":
                self.port.grant(P, patient_id, consent_id, channels, at)
            return
        from tests.contract.records_world import consent

        extra = {"shares_with": ["01ARZ3NDEKTSV4RRFFQ69G5FAV"]} if kind == "data_sharing" else {}
        self.book.add(P, consent(patient_id, id=consent_id, kind=kind, channels=channels, granted_at=at, **extra),
                      self.rev[patient_id], audit(P, patient_id), [])
        self.rev[patient_id] += 1

    def revoke(self, patient_id: str, consent_id: str, channels: list[str], granted_at: str, at: str) -> None:
        if self.kind == "fake":
            self.port.revoke(P, patient_id, consent_id, at)
            return
        from tests.contract.records_world import consent

        revoked = consent(patient_id, id=consent_id, kind="communication", channels=channels, granted_at=granted_at,
                          status="revoked", revoked_at=at, version=2)
        self.book.replace(P, revoked, 1, self.rev[patient_id], audit(P, patient_id), [])
        self.rev[patient_id] += 1


@pytest.fixture(params=["fake", "dynamo"])
def consents(request) -> ConsentStory:
    return ConsentStory(side(request))


def test_a_patient_s_communication_consents_come_back_in_force_or_revoked(consents):
    ada, bob = consents.patient(), consents.patient()
    consents.grant(ada, "c-old", "communication", ["email"], "2026-01-01T00:00:00.000Z")
    consents.revoke(ada, "c-old", ["email"], "2026-01-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z")
    consents.grant(ada, "c-new", "communication", ["sms", "in_app"], "2026-07-01T00:00:00.000Z")
    consents.grant(ada, "c-care", "treatment", [], "2026-07-01T00:00:00.000Z")
    found = sorted(consents.port.consents(P, ada), key=lambda s: s.granted_at)
    assert [(sorted(s.channels), s.granted_at, s.revoked_at) for s in found] == [
        (["email"], "2026-01-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z"),
        (["in_app", "sms"], "2026-07-01T00:00:00.000Z", None)]
    assert found[0].allowed("email", "2026-03-01T00:00:00.000Z") and not found[0].allowed("email", AT)
    assert consents.port.consents(P, bob) == [] and consents.port.consents(P, "nobody") == []


# --- WaitingLeaveRequests ----------------------------------------------------------------------------------------

class LeaveStory:
    def __init__(self, kind: str) -> None:
        self.kind, self.stored = kind, {}
        if kind == "fake":
            self.port = fakes.FakeWaitingLeave()
            return
        from functions.compliance.sources.staff import StaffWaitingLeave
        from functions.core.audit_store import AuditStore
        from functions.core.table import Table
        from functions.staff.dynamo.leave import DynamoLeaveBook
        from functions.staff.dynamo.members import DynamoStaffRecords, DynamoStaffSettings

        table = Table()
        audit_store = AuditStore(table)
        self.book, self.members = DynamoLeaveBook(table, audit_store), DynamoStaffRecords(table, audit_store)
        self.settings = DynamoStaffSettings(table, audit_store)
        self.port = StaffWaitingLeave(table)

    def member(self, user_id: str, manager_id: str | None) -> None:
        if self.kind == "fake":
            self.port.member(P, user_id, manager_id)
            return
        from tests.contract.staff_support import member

        self.members.add(member(user_id, manager_id=manager_id).model_copy(update={"practice_id": P}), audit())

    def decision_days(self, days: int) -> None:
        if self.kind == "fake":
            self.port.set_decision_days(P, days)
            return
        from functions.staff.models.members import default_policy

        policy = default_policy(P).model_copy(update={"leave_decision_days": days, "version": 1})
        self.settings.save_policy(policy, audit())

    def submit(self, leave_id: str, user_id: str, submitted_at: str) -> None:
        if self.kind == "fake":
            self.port.submit(P, leave_id, user_id, submitted_at)
            return
        from tests.contract.test_staff_leave_book import leave

        request = leave(leave_id, user=user_id).model_copy(update={"practice_id": P, "submitted_at": submitted_at})
        self.book.submit(request, self.book.calendar(P, user_id), audit())
        self.stored[leave_id] = request

    def move(self, leave_id: str, status: str) -> None:
        if self.kind == "fake":
            self.port.move(P, leave_id, status)
            return
        request = self.stored[leave_id]
        changes = ({"decision": "approve", "decided_by": "mgr-1", "decided_at": "2026-11-21T09:00:00.000Z"}
                   if status == "decided" else {"status": status})  # answered; the workflow yet to apply it
        moved = request.model_copy(update={**changes, "version": request.version + 1})
        self.book.save(moved, audit())
        self.stored[leave_id] = moved


@pytest.fixture(params=["fake", "dynamo"])
def leave(request) -> LeaveStory:
    return LeaveStory(side(request))


def test_undecided_requests_submitted_before_the_day_are_listed_with_their_approver(leave):
    leave.member("nurse-1", "mgr-1")
    leave.member("nurse-2", None)
    leave.submit("L1", "nurse-1", "2026-11-20T10:00:00.000Z")
    leave.submit("L2", "nurse-2", "2026-11-21T10:00:00.000Z")
    leave.submit("L3", "nurse-1", "2026-11-22T10:00:00.000Z")
    leave.move("L3", "pending_coordinator")
    leave.submit("L4", "nurse-1", "2026-11-25T00:00:00.000Z")  # on the day: not before it
    found = leave.port.waiting_since(P, date(2026, 11, 25))
    assert [(w.leave_id, w.user_id, w.status, w.approver_id) for w in found] == [
        ("L1", "nurse-1", "pending", "mgr-1"), ("L2", "nurse-2", "pending", None),
        ("L3", "nurse-1", "pending_coordinator", None)]


def test_a_decided_request_leaves_the_list_and_the_policy_s_days_are_read(leave):
    leave.member("nurse-1", "mgr-1")
    assert leave.port.decision_days(P) == 5
    leave.decision_days(3)
    assert leave.port.decision_days(P) == 3
    leave.submit("L1", "nurse-1", "2026-11-20T10:00:00.000Z")
    leave.move("L1", "approved")
    assert leave.port.waiting_since(P, TODAY) == []


def test_a_request_answered_before_its_workflow_applies_the_answer_is_no_longer_waiting(leave):
    leave.member("nurse-1", "mgr-1")
    leave.submit("L1", "nurse-1", "2026-11-20T10:00:00.000Z")
    leave.move("L1", "decided")
    assert leave.port.waiting_since(P, TODAY) == []


# --- SignIns -----------------------------------------------------------------------------------------------------

class SignInStory:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "fake":
            self.port = fakes.FakeSignIns()
            return
        from functions.compliance.sources.staff import StaffSignIns
        from functions.core.audit_store import AuditStore
        from functions.core.table import Table
        from functions.staff.dynamo.members import DynamoStaffRecords

        table = Table()
        self.members, self.port = DynamoStaffRecords(table, AuditStore(table)), StaffSignIns(table)

    def add(self, user_id: str, created_at: str, active: bool = True) -> None:
        if self.kind == "fake":
            self.port.add(P, user_id, created_at, active)
            return
        from tests.contract.staff_support import member

        self.members.add(member(user_id, active=active).model_copy(update={"created_at": created_at}), audit())

    def sign_in(self, user_id: str, at: str) -> None:
        if self.kind == "fake":
            self.port.sign_in(P, user_id, at)
            return
        self.members.sign_in(self.members.member(P, user_id), at, audit())

    def deactivate(self, user_id: str) -> None:
        if self.kind == "fake":
            self.port.set_active(P, user_id, False)
            return
        current = self.members.member(P, user_id)
        self.members.replace(current.model_copy(update={"active": False, "version": current.version + 1}), audit())


@pytest.fixture(params=["fake", "dynamo"])
def sign_ins(request) -> SignInStory:
    return SignInStory(side(request))


def test_active_members_quiet_since_before_the_day_are_listed_oldest_first(sign_ins):
    sign_ins.add("never", "2026-05-01T00:00:00.000Z")
    sign_ins.add("idle", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in("idle", "2026-06-01T00:00:00.000Z")
    sign_ins.add("busy", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in("busy", "2026-11-29T00:00:00.000Z")
    sign_ins.add("gone", "2026-01-01T00:00:00.000Z", active=False)
    found = sign_ins.port.quiet_since(P, date(2026, 9, 1))
    assert [(a.user_id, a.last_signed_in_at, a.created_at) for a in found] == [
        ("never", None, "2026-05-01T00:00:00.000Z"), ("idle", "2026-06-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")]


def test_signing_in_or_deactivating_takes_a_member_off_the_list(sign_ins):
    sign_ins.add("a", "2026-01-01T00:00:00.000Z")
    sign_ins.add("b", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in("a", "2026-11-30T07:00:00.000Z")
    sign_ins.deactivate("b")
    assert sign_ins.port.quiet_since(P, TODAY) == []
