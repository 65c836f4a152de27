"""Who may do what: one table of actions, read by every area's use cases through `authorize`.

An action is "<area>.<thing>.<verb>" (`records.patient.read`). Its rule names the staff roles that may do
it, and whether "self" may too: a patient reaching their own data, or a staff member their own (their
leave, their training). A patient reaches another patient's data never, whatever the rule says; a rule
that names `Role.PATIENT` lets any patient of the practice do it (slot search, a workshop list).

The use case authorizes, not the entry point: it is the one place that knows the subject (an appointment's
patient is known only once the appointment is read), and its unit tests on fakes then cover who may do what.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from functions.core.auth import Caller, Role
from functions.core.errors import Forbidden


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    self_: bool = False  # the patient or staff member the subject names may, too


def staff(*roles: Role) -> Rule:
    return Rule(frozenset(roles))


def staff_or_self(*roles: Role) -> Rule:
    return Rule(frozenset(roles), self_=True)


@dataclass(frozen=True)
class Subject:
    """Whose data an action touches: a patient, a staff member (by sign-in id), or neither."""

    patient_id: str | None = None
    user_id: str | None = None


def patient(patient_id: str | None) -> Subject:
    return Subject(patient_id=patient_id)


def staff_member(user_id: str | None) -> Subject:
    return Subject(user_id=user_id)


NOBODY = Subject()

C, P, F, B, S = Role.COORDINATOR, Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.STAFF
PO = Role.PRIVACY_OFFICER

# The table. Each area keeps its own section; keep an action's rule on one line.
POLICY: dict[str, Rule] = {}

# --- records ------------------------------------------------------------------------------------------
RECORDS: dict[str, Rule] = {
    "records.patient.register": staff(C, F),
    "records.patient.search": staff(C, F, P, B),  # a patient never searches: they know their own id
    "records.patient.read": staff_or_self(C, F, P, B),
    "records.patient.export": staff_or_self(C, F, P, B),
    "records.patient.update": staff(C, F),
    "records.patient.delete": staff(C),
    "records.coverage.list": staff_or_self(C, F, P, B),
    "records.coverage.add": staff(C, F, B),  # billing fixes the insurance it bills; it edits nothing else here
    "records.coverage.update": staff(C, F, B),
    "records.consent.list": staff_or_self(C, F, P, B),
    "records.consent.grant": staff_or_self(C, F),  # the patient grants and withdraws their own consent
    "records.consent.update": staff_or_self(C, F),
    "records.consent.revoke": staff_or_self(C, F),
}

# --- scheduling ---------------------------------------------------------------------------------------
SCHEDULING: dict[str, Rule] = {
    "scheduling.policy.read": Rule(frozenset({C, F, P, Role.PATIENT})),
    "scheduling.policy.update": staff(C),
    "scheduling.practitioner.read": Rule(frozenset({C, F, P, Role.PATIENT})),
    "scheduling.practitioner.create": staff(C),
    "scheduling.practitioner.update": staff(C),
    "scheduling.availability.read": Rule(frozenset({C, F, P, Role.PATIENT})),
    "scheduling.availability.update": staff(C),
    "scheduling.room.read": staff(C, F, P),
    "scheduling.room.create": staff(C),
    "scheduling.appointment_type.read": Rule(frozenset({C, F, P, Role.PATIENT})),
    "scheduling.appointment_type.create": staff(C),
    "scheduling.appointment_type.update": staff(C),
    "scheduling.exception.read": staff(C, F, P),
    "scheduling.exception.change": staff(C, F),
    "scheduling.slot.search": Rule(frozenset({C, F, P, Role.PATIENT})),
    "scheduling.schedule.export": staff(C, F, P),
    "scheduling.appointment.book": staff_or_self(C, F),
    "scheduling.appointment.read": staff_or_self(C, F, P),
    "scheduling.appointment.change": staff_or_self(C, F),
    "scheduling.appointment.check_in": staff(C, F, P),
    "scheduling.report.read": staff(C, F, P),
    "scheduling.waitlist.read": staff_or_self(C, F),
    "scheduling.waitlist.change": staff_or_self(C, F),
    "scheduling.move.read": staff(C, F),
}

# --- billing ------------------------------------------------------------------------------------------
BILLING: dict[str, Rule] = {
    "billing.settings.read": staff(C, B),
    "billing.settings.change": staff(C, B),
    "billing.fee_schedule.read": staff(C, B),
    "billing.fee_schedule.change": staff(C, B),
    "billing.payer.read": staff(C, B),
    "billing.payer.change": staff(C, B),
    "billing.charge.create": staff(C, B),
    "billing.charge.read": staff(C, B),
    "billing.claim.create": staff(C, B),
    "billing.claim.read": staff(C, B),
    "billing.claim.list": staff(C, B),
    "billing.claim.scrub": staff(C, B),
    "billing.claim.submit": staff(C, B),
    "billing.claim.resolve": staff(C, B),
    "billing.invoice.create": staff(C, B),
    "billing.invoice.read": staff_or_self(C, B),  # a patient: their own
    "billing.invoice.list": staff_or_self(C, B),
    "billing.statement.read": staff_or_self(C, B),
    "billing.payment.create": staff_or_self(C, B),  # a patient pays their own invoice (by card)
    "billing.payment.read": staff_or_self(C, B),
    "billing.report.ar_aging": staff(C, B),
}

# --- notifications ------------------------------------------------------------------------------------
NOTIFICATIONS: dict[str, Rule] = {
    "notifications.template.read": staff(C, P, F, B, S),
    "notifications.template.edit": staff(C),
    "notifications.preferences.manage": staff_or_self(C, F),  # a patient's own, or the desk for them
    "notifications.family_preferences.manage": staff(C, F),
    "notifications.staff_preferences.manage": staff_or_self(C),  # a colleague's: their own, or a coordinator
    "notifications.message.send": staff(C, P, F),
    "notifications.care_instructions.send": staff(P),
    "notifications.message.read": staff_or_self(C, P, F),  # the log; a patient, the messages to themself
}

# --- staff --------------------------------------------------------------------------------------------
STAFF: dict[str, Rule] = {
    "staff.member.create": staff(C),
    "staff.member.list": staff(C),
    "staff.member.read": staff_or_self(C),
    "staff.member.update": staff(C),
    "staff.report.read": staff(C, P, F, B, S),  # a manager, of their own reports (the use case checks who)
    "staff.policy.read": staff(C, P, F, B, S),
    "staff.policy.update": staff(C),
    "staff.roster.read": staff(C, P, F, B, S),
    "staff.shift.create": staff(C),
    "staff.shift.delete": staff(C),
    "staff.coverage.read": staff(C),
    "staff.coverage.update": staff(C),
    "staff.draft.create": staff(C),
    "staff.draft.read": staff(C),
    "staff.draft.publish": staff(C),
    "staff.leave.submit": staff_or_self(C),
    "staff.leave.read": staff_or_self(C),
    "staff.leave.list": staff(C),
    "staff.leave.decide": staff(C),
    "staff.leave.decide_for_report": staff(C, P, F, B, S),  # a manager, of their own reports (checked)
    "staff.leave.withdraw": staff_or_self(C),
    "staff.leave.moves": staff(C, F),
    "staff.pto.read": staff_or_self(C),
}

# --- compliance ---------------------------------------------------------------------------------------
COMPLIANCE: dict[str, Rule] = {
    # --- training: programmes, assignments, completion and its evidence ---
    "compliance.programme.read": staff(C, PO, P, F, B, S),
    "compliance.programme.create": staff(C, PO),
    "compliance.programme.update": staff(C, PO),
    "compliance.assignment.create": staff(C, PO),  # assign a programme to roles or people
    "compliance.assignment.read": staff_or_self(C, PO),  # a manager reads their reports' (checked in the use case)
    "compliance.assignment.complete": staff_or_self(C, PO),  # one's own; a coordinator records it for someone
    "compliance.team.read": staff(C, PO, P, F, B, S),  # a manager's team view: only their own reports
    # --- policies to acknowledge ---
    "compliance.policy.read": staff(C, PO, P, F, B, S),
    "compliance.policy.create": staff(C, PO),
    "compliance.policy.publish": staff(C, PO),  # a new version, which everyone it names must sign again
    "compliance.policy.acknowledge": staff_or_self(),  # only the signer themselves
    "compliance.acknowledgement.read": staff_or_self(C, PO),
    # --- licences and certifications ---
    "compliance.certification.read": staff_or_self(C, PO),
    "compliance.certification.create": staff_or_self(C, PO),
    "compliance.certification.update": staff_or_self(C, PO),
    # --- monitoring: findings and the board ---
    "compliance.finding.read": staff_or_self(C, PO),  # the self: the finding's owner
    "compliance.board.read": staff(C, PO),
    "compliance.check.run": staff(C, PO),  # run the daily checks now
    "compliance.settings.update": staff(C, PO),  # privacy officers, warning windows (read: compliance.board.read)
    # --- the privacy officer's audit views ---
    "compliance.audit.read": staff(C, PO),  # who read or changed a patient's record; what a user did
    "compliance.audit.export": staff(C, PO),  # a date range as CSV with the chain hashes
    "compliance.disclosure.record": staff(C, PO, P, F, B),  # a disclosure §164.528 asks to account for
    "compliance.disclosure.accounting": staff_or_self(C, PO),  # the patient may ask for their own
}

# --- inventory ----------------------------------------------------------------------------------------
INVENTORY: dict[str, Rule] = {
    "inventory.item.read": staff(C, P, F, S),
    "inventory.item.create": staff(C),
    "inventory.item.update": staff(C),
    "inventory.location.read": staff(C, P, F, S),
    "inventory.location.create": staff(C),
    "inventory.location.update": staff(C),
    "inventory.supplier.read": staff(C, P, F, S),
    "inventory.supplier.create": staff(C),
    "inventory.supplier.update": staff(C),
    "inventory.stock.read": staff(C, P, F, S),
    "inventory.stock.receive": staff(C, P, F, S),
    "inventory.stock.use": staff(C, P, F, S),
    "inventory.stock.transfer": staff(C, P, F, S),
    "inventory.stock.adjust": staff(C),
    "inventory.stock.write_off": staff(C),  # expire or destroy (a controlled item's with a witness)
    "inventory.stock.set_levels": staff(C),  # reorder point and par level
    "inventory.count.create": staff(C, P, F, S),
    "inventory.count.read": staff(C, P, F, S),
    "inventory.count.record": staff(C, P, F, S),
    "inventory.count.post": staff(C),  # posting writes the variances as adjustments
    "inventory.order.read": staff(C, P, F, S),
    "inventory.order.create": staff(C),
    "inventory.order.approve": staff(C),  # approve or reject an order over the spending limit
    "inventory.order.receive": staff(C, P, F, S),
    "inventory.order.cancel": staff(C),
    "inventory.order.configure": staff(C),  # the spending limit
}

# --- outreach -----------------------------------------------------------------------------------------
OUTREACH: dict[str, Rule] = {
    "outreach.workshop.create": staff(C, P, F, S),
    "outreach.workshop.update": staff(C, P, F, S),
    "outreach.workshop.publish": staff(C, P, F, S),  # publish, unpublish, cancel
    "outreach.workshop.read": Rule(frozenset({C, P, F, S, Role.PATIENT})),  # a patient: one meant for them
    "outreach.workshop.list": Rule(frozenset({C, P, F, S, Role.PATIENT})),  # a patient: the ones meant for them
    "outreach.registration.create": staff_or_self(C, P, F, S),
    "outreach.registration.read": staff_or_self(C, P, F, S),
    "outreach.registration.list": staff(C, P, F, S),  # a workshop's registrations
    "outreach.registration.cancel": staff_or_self(C, P, F, S),
    "outreach.attendance.take": staff(C, P, F, S),  # the workshop's facilitator, or a coordinator (checked)
    "outreach.attendance.read": staff(C, P, F, S),
    "outreach.survey.results": staff(C, P, F, S),
    # --- promotion ---
    "outreach.reach.read": staff(C, P, F, S),
}

# --- accounts -----------------------------------------------------------------------------------------
ACCOUNTS: dict[str, Rule] = {
    "accounts.invitation.patient": staff(C, F),  # whoever registers patients gives them their sign-in
    "accounts.invitation.staff": staff(C),  # any staff role but the privacy officer's (below)
    # Separation of duties: the privacy officer reads the audit trail of what coordinators do, so a coordinator
    # may not make one (nor a second account of their own that reads it); a privacy officer names the next.
    "accounts.invitation.privacy_officer": staff(PO),
    "accounts.invitation.read": staff(C, F),  # the patient invitations the desk sends; a staff one needs C
    "accounts.invitation.read_staff": staff(C, PO),
}

for _section in (RECORDS, SCHEDULING, BILLING, NOTIFICATIONS, STAFF, COMPLIANCE, INVENTORY, OUTREACH, ACCOUNTS):
    assert not POLICY.keys() & _section.keys(), f"actions named twice: {POLICY.keys() & _section.keys()}"
    POLICY |= _section


def rule(action: str) -> Rule:
    try:
        return POLICY[action]
    except KeyError:
        raise LookupError(f"no rule for action {action!r}: add it to core.authz") from None


def _is_self(caller: Caller, subject: Subject) -> bool:
    if caller.is_patient:
        return subject.patient_id is not None and subject.patient_id == caller.patient_id
    return subject.user_id is not None and subject.user_id == caller.user_id


def may(caller: Caller, action: str, subject: Subject = NOBODY) -> bool:
    """Whether `caller` may do `action` to `subject`'s data (the same rule `authorize` enforces)."""
    allowed = rule(action)
    if caller.is_patient:
        if subject.patient_id is not None and subject.patient_id != caller.patient_id:
            return False
        return Role.PATIENT in allowed.roles or (allowed.self_ and _is_self(caller, subject))
    return bool(caller.roles & allowed.roles) or (allowed.self_ and _is_self(caller, subject))


def authorize(caller: Caller, action: str, subject: Subject = NOBODY) -> Caller:
    """`caller` if they may do `action` to `subject`'s data; otherwise Forbidden, which names the roles that
    may (roles are the practice's own groups, not secrets) and, for patient data, whose data it was, so the
    refusal is audited against that patient."""
    if may(caller, action, subject):
        return caller
    allowed = rule(action)
    if caller.is_patient and (allowed.self_ or Role.PATIENT in allowed.roles):
        raise Forbidden("you may only reach your own records", subject_patient_id=subject.patient_id)
    names = _role_names(allowed.roles | ({Role.PATIENT} if allowed.self_ and subject.patient_id else set()))
    raise Forbidden(f"your role may not do this; it is for: {', '.join(names)}", {"allowed_roles": names},
                    subject_patient_id=subject.patient_id)


def _role_names(roles: Iterable[Role]) -> list[str]:
    # in Role order, so the message is the same every time
    chosen = set(roles)
    return [role.value for role in Role if role in chosen]
