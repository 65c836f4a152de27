"""The wiring of PracticeFlow as data: every function, API mount, stream consumer, state machine, event
rule and schedule. The CDK stacks build AWS resources from it and localcloud builds the same things on
moto from it, so the two clouds cannot drift. No CDK import here: localcloud reads this too."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATEMACHINES = ROOT / "statemachines"


class Access(StrEnum):
    """What a function may do; each maps to the narrowest IAM actions that allow it (infra/iam.py)."""

    TABLE_READ = "table:read"  # GetItem, Query, BatchGetItem on the table and its indexes
    TABLE_WRITE = "table:write"  # PutItem, UpdateItem, DeleteItem, ConditionCheckItem (transactions)
    TABLE_STREAM = "table:stream"  # read the table's stream (outbox publisher only)
    EVENTS_PUT = "events:put"  # PutEvents on the practice bus
    PAGE_TOKEN_SECRET = "secret:page-token"  # noqa: S105 (a name) read the secret that signs page tokens
    STATES_START = "states:start"  # start the catalogue's state machines
    # ListExecutions of, and StopExecution of an execution of, the catalogue state machines the function names
    STATES_STOP = "states:stop"
    # SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat: resume an execution waiting on a task token
    STATES_CALLBACK = "states:callback"
    EMAIL_SEND = "ses:send"  # SES SendEmail from the practice's verified sender identity
    SMS_SEND = "sns:publish"  # SNS Publish to phone numbers (SMS), and CheckIfPhoneNumberIsOptedOut
    # presign uploads to, and read, the encrypted evidence bucket (training certificates): objects only
    EVIDENCE_FILES = "s3:evidence"
    # read how many messages wait on each of the stage's dead-letter queues (GetQueueAttributes), nothing else
    DEAD_LETTER_DEPTHS = "sqs:dead-letter-depths"

    # write the audit trail's daily parts to the Object Lock archive, and read back one that is there: objects only
    AUDIT_ARCHIVE = "s3:audit-archive"

    # invite users to sign in: AdminGetUser, AdminCreateUser, AdminAddUserToGroup on the user pool only
    USER_INVITE = "cognito:invite"


TABLE_ACCESS = frozenset({Access.TABLE_READ, Access.TABLE_WRITE})


@dataclass(frozen=True)
class Function:
    name: str  # short, unique: "records-api"
    handler: str  # dotted path to the Lambda handler
    area: str
    description: str
    access: frozenset[Access]
    memory_mb: int = 512
    timeout_s: int = 10
    # API mounts: each becomes /<mount> and /<mount>/{proxy+} on the REST API, routed to this function
    mounts: tuple[str, ...] = ()
    # consumes the table's stream, keeping only records whose new image has one of these kinds
    stream_kinds: tuple[str, ...] = ()
    # one-line reason the function needs its concurrency capped or reserved; None means shared pool
    reserved_concurrency: int | None = None
    # paths under a mount served WITHOUT the Cognito authorizer (the function checks a signed token itself),
    # e.g. "notifications/opt-out/{token}" for the opt-out link in a message
    public_routes: tuple[str, ...] = ()
    # catalogue state machines the function starts or resumes: each one's ARN reaches it in the environment
    # variable functions.core.settings.state_machine_arn_variable(name), set by the CDK stack and localcloud
    state_machines: tuple[str, ...] = ()
    # the Cognito user pool trigger this function is (invoked by Cognito, synchronously, during a sign-in):
    # "post_authentication"
    user_pool_trigger: str | None = None

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def tenant_scoped(self) -> bool:
        """An API function (or a user pool trigger) with table access: each request reaches the table only
        through its tenant role, tagged with the caller's practice (functions/core/tenancy.py); a sign-in names
        the one practice it is for, like a request. Jobs, workers and workflow tasks span practices (they walk
        the registry, or take events and task input, not a caller), so keep their own."""
        return (bool(self.mounts) or self.user_pool_trigger is not None) and bool(self.access & TABLE_ACCESS)


@dataclass(frozen=True)
class StateMachine:
    name: str
    definition: str  # file name under statemachines/
    # ${Placeholder} in the ASL -> name of the catalogue function whose ARN fills it
    functions: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return STATEMACHINES / self.definition


@dataclass(frozen=True)
class Target:
    function: str | None = None
    state_machine: str | None = None

    def __post_init__(self) -> None:
        if (self.function is None) == (self.state_machine is None):
            raise ValueError("a target is exactly one function or one state machine")


@dataclass(frozen=True)
class EventRule:
    name: str
    pattern: dict  # EventBridge event pattern, matched on the practice bus
    target: Target


@dataclass(frozen=True)
class Schedule:
    name: str  # also the name `practice job run NAME` takes
    expression: str  # EventBridge "cron(...)" or "rate(...)", in UTC
    target: Target
    input: dict = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Topic:
    """An SNS topic that an AWS service publishes to and catalogue functions subscribe to: how events
    from outside (an email bounce, a patient's SMS reply) come in."""

    name: str
    subscribers: tuple[str, ...]  # catalogue function names
    publisher: str  # the AWS service principal allowed to publish, e.g. "ses.amazonaws.com"
    description: str = ""


@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str


@dataclass(frozen=True)
class TableSpec:
    pk: str = "pk"
    sk: str = "sk"
    ttl_attribute: str = "ttl"
    indexes: tuple[Index, ...] = (
        Index("gsi1", "gsi1pk", "gsi1sk"),  # lookups by name / audit of a patient
        Index("gsi2", "gsi2pk", "gsi2sk"),  # lookups by date of birth
        Index("gsi3", "gsi3pk", "gsi3sk"),  # lookups by phone
        Index("gsi4", "gsi4pk", "gsi4sk"),  # every claim of a practice, by date of service
    )


@dataclass(frozen=True)
class Catalog:
    table: TableSpec
    functions: tuple[Function, ...]
    state_machines: tuple[StateMachine, ...] = ()
    rules: tuple[EventRule, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    topics: tuple[Topic, ...] = ()

    def function(self, name: str) -> Function:
        for function in self.functions:
            if function.name == name:
                return function
        raise KeyError(f"no function {name!r} in the catalogue")

    def state_machine(self, name: str) -> StateMachine:
        for machine in self.state_machines:
            if machine.name == name:
                return machine
        raise KeyError(f"no state machine {name!r} in the catalogue")

    def schedule(self, name: str) -> Schedule:
        for schedule in self.schedules:
            if schedule.name == name:
                return schedule
        raise KeyError(f"no schedule {name!r} in the catalogue")

    def api_functions(self) -> tuple[Function, ...]:
        return tuple(f for f in self.functions if f.mounts)

    def extended(self, **more: tuple) -> Catalog:
        """A catalogue with extra entries (tests add a probe function or workflow this way)."""
        return replace(self, **{k: (*getattr(self, k), *v) for k, v in more.items()})


API_READ_WRITE = frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.PAGE_TOKEN_SECRET})
# the notifications worker and job: read records and preferences, write the log, send, sign opt-out links
NOTIFY_SEND = frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.PAGE_TOKEN_SECRET, Access.EMAIL_SEND,
                         Access.SMS_SEND})

CATALOG = Catalog(
    table=TableSpec(),
    functions=(
        Function(
            name="records-api",
            handler="functions.records.handler.handler",
            area="records",
            description="Patients, contacts, coverage, consent and care team; FHIR export",
            access=API_READ_WRITE,
            mounts=("patients",),
        ),
        Function(
            name="accounts-api",
            handler="functions.accounts.handler.handler",
            area="accounts",
            description="Invitations to sign in: staff by role, patients bound to their record",
            # the invitation book and records' patient (table, through the tenant role); the pool's admin calls
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.USER_INVITE}),
            memory_mb=256,
            mounts=("accounts",),
        ),
        Function(
            name="outbox-publisher",
            handler="functions.core.outbox.handler",
            area="core",
            description="Carries domain events from the table stream (the outbox) to EventBridge",
            access=frozenset({Access.TABLE_STREAM, Access.EVENTS_PUT}),
            stream_kinds=("OUTBOX_EVENT",),
            timeout_s=30,
        ),
        Function(
            name="compliance-jobs",
            handler="functions.compliance.jobs.handler",
            area="compliance",
            description="Scheduled compliance jobs: the audit chain verification, the daily compliance checks, "
                        "training, policy and licence reminders, the audit trail's daily archive",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.AUDIT_ARCHIVE}),
            timeout_s=300,
            memory_mb=256,
        ),
        Function(
            name="compliance-api",
            handler="functions.compliance.handler.handler",
            area="compliance",
            description="Staff training and its evidence, policies to acknowledge, licences and certifications, "
                        "compliance findings and the board",
            # presigns certificate uploads to the evidence bucket and checks one is there before a completion
            access=API_READ_WRITE | {Access.EVIDENCE_FILES},
            mounts=("training", "policies", "certifications", "compliance"),
        ),
        Function(
            name="audit-api",
            handler="functions.compliance.audit_handler.handler",
            area="compliance",
            description="The privacy officer's audit views: by patient, by user, disclosures and their accounting, "
                        "the CSV export with chain hashes",
            access=API_READ_WRITE,
            mounts=("audit",),
        ),
        Function(
            name="notifications-api",
            handler="functions.notifications.handler.handler",
            area="notifications",
            description="Templates, preferences and opt-out, the delivery log, sending, care instructions, inbox",
            access=API_READ_WRITE,
            mounts=("notifications", "messages", "inbox"),
            public_routes=("notifications/opt-out/{token}",),
        ),
        Function(
            name="notifications-worker",
            handler="functions.notifications.worker.handler",
            area="notifications",
            description="Delivers notification.requested events exactly once (SES, SNS, inbox); bounces, SMS STOP",
            access=NOTIFY_SEND,
            timeout_s=30,
        ),
        Function(
            name="notifications-jobs",
            handler="functions.notifications.jobs.handler",
            area="notifications",
            description="Sends the messages quiet hours deferred, once their time has come",
            access=NOTIFY_SEND,
            timeout_s=300,
            memory_mb=256,
        ),
        Function(
            name="scheduling-api",
            handler="functions.scheduling.handler.handler",
            area="scheduling",
            description="Practitioners, rooms, appointment types, availability, slot search, booking, waitlist",
            access=API_READ_WRITE,
            mounts=("practitioners", "rooms", "appointment-types", "availability", "slots", "appointments",
                    "waitlist"),
            # a reminder's confirm/cancel link, a move offer's links: the function checks the signed token itself
            public_routes=("appointments/reply/{token}", "appointments/moves/{token}"),
        ),
        Function(
            name="scheduling-jobs",
            handler="functions.scheduling.jobs.handler",
            area="scheduling",
            description="Appointment reminders due (sparse index) and expiring waitlist offers",
            access=API_READ_WRITE,  # the page-token secret signs the reminders' reply links
            timeout_s=300,
            memory_mb=256,
        ),
        Function(
            name="billing-api",
            handler="functions.billing.handler.handler",
            area="billing",
            description="Fee schedule, charges, claims, payers, invoices, payments, A/R aging",
            access=API_READ_WRITE | {Access.STATES_START, Access.STATES_CALLBACK},
            mounts=("charges", "claims", "payers", "invoices", "payments", "reports"),
            state_machines=("claim-submission",),
        ),
        Function(
            name="billing-tasks",
            handler="functions.billing.tasks.handler",
            area="billing",
            description="The claim submission workflow's steps: scrub, build 837P, submit, ack, 835, denials",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            timeout_s=30,
        ),
        Function(
            name="billing-jobs",
            handler="functions.billing.jobs.handler",
            area="billing",
            description="Follows up claims the payer has not answered after the practice's follow-up days",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            timeout_s=300,
            memory_mb=256,
        ),
        Function(
            name="staff-api",
            handler="functions.staff.handler.handler",
            area="staff",
            description="Staff members, shifts and the roster, coverage rules and gaps, leave requests, PTO",
            access=API_READ_WRITE | {Access.STATES_START, Access.STATES_CALLBACK},
            mounts=("staff", "shifts", "roster", "coverage", "leave-requests", "pto"),
            # a leave notice's approve/reject link: the function checks the signed token itself
            public_routes=("leave-requests/decide/{token}",),
            state_machines=("leave-approval",),
        ),
        Function(
            name="staff-sign-in",
            handler="functions.staff.sign_in_trigger.handler",
            area="staff",
            description="Cognito PostAuthentication: keeps a staff member's last sign-in on their profile, audited",
            # GetItem of the profile and the audit head, one TransactWriteItems; no bus, no secret, no API
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            memory_mb=256,
            timeout_s=5,  # Cognito waits at most 5 seconds for a trigger
            user_pool_trigger="post_authentication",
        ),
        Function(
            name="staff-tasks",
            handler="functions.staff.tasks.handler",
            area="staff",
            description="The leave approval workflow's steps: assess, ask, approve, move the booked patients, "
                        "reject, withdraw, fail",
            # the page-token secret signs the links that offer booked patients other times
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.STATES_CALLBACK,
                              Access.PAGE_TOKEN_SECRET}),
            timeout_s=30,
            state_machines=("leave-approval",),
        ),
        Function(
            name="staff-solver",
            handler="functions.staff.solver_worker.handler",
            area="staff",
            description="Solves a requested week's draft roster with OR-Tools CP-SAT (its own function: no API "
                        "cold start loads the solver)",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            timeout_s=120,
            memory_mb=2048,
        ),
        Function(
            name="staff-jobs",
            handler="functions.staff.jobs.handler",
            area="staff",
            description="Monthly PTO accrual by policy, once per practice and month; the daily count of leave "
                        "waiting for a decision",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            timeout_s=300,
            memory_mb=256,
        ),
        Function(
            name="outreach-api",
            handler="functions.outreach.handler.handler",
            area="outreach",
            description="Workshops and community programmes: publishing, registration and the waitlist, "
                        "attendance, follow-up surveys",
            # publishing starts the workshop's promotion, unpublishing or cancelling stops it
            access=API_READ_WRITE | {Access.STATES_START, Access.STATES_STOP},
            mounts=("workshops", "registrations", "sessions", "surveys"),
            # a workshop's public sign-up link, a sign-up's confirmation link, the survey link: the function checks
            # the signed token itself (and rate-limits sign-ups)
            public_routes=("registrations/signup/{token}", "registrations/confirm/{token}", "surveys/{token}"),
            state_machines=("workshop-promotion",),
        ),
        Function(
            name="outreach-tasks",
            handler="functions.outreach.tasks.handler",
            area="outreach",
            description="The workshop promotion's steps: select the audience a page at a time, invite in batches, "
                        "remind, close registration, send the survey, write the reach report",
            # the page-token secret signs the survey links; messages leave through the table's outbox
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.PAGE_TOKEN_SECRET}),
            timeout_s=60,
            memory_mb=256,
        ),
        # --- inventory ---
        Function(
            name="inventory-api",
            handler="functions.inventory.handler.handler",
            area="inventory",
            description="Supply items, locations and suppliers; stock, movements, low stock, expiry, counts; "
                        "purchase orders",
            # ordering starts the reorder workflow, and an approval resumes the run that waits for it
            access=API_READ_WRITE | {Access.STATES_START, Access.STATES_CALLBACK},
            mounts=("items", "locations", "stock", "movements", "counts", "suppliers", "purchase-orders"),
            state_machines=("low-stock-reorder",),
        ),
        Function(
            name="inventory-jobs",
            handler="functions.inventory.jobs.handler",
            area="inventory",
            description="Nightly stock drift check (balances re-derived from the ledger); daily expiry watch",
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE}),
            timeout_s=600,
            memory_mb=512,
        ),
        Function(
            name="inventory-tasks",
            handler="functions.inventory.tasks.handler",
            area="inventory",
            description="The low-stock reorder workflow's steps: scope, gather, plan, create orders, route, ask "
                        "the coordinator, send to the supplier",
            # resumes a waiting run itself when the coordinator answered before the wait began
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.STATES_CALLBACK}),
            timeout_s=60,
            state_machines=("low-stock-reorder",),
        ),
        # --- operations ---
        Function(
            name="operations-jobs",
            handler="functions.operations.jobs.handler",
            area="operations",
            description="The watcher: messages parked on every dead-letter queue and scheduled jobs overdue, as the "
                        "two metrics the stage's alarms read",
            # reads and baselines the jobs' run items (core.job_runs); counts the dead-letter queues' messages
            access=frozenset({Access.TABLE_READ, Access.TABLE_WRITE, Access.DEAD_LETTER_DEPTHS}),
            timeout_s=60,
            memory_mb=256,
        ),
    ),
    state_machines=(
        StateMachine(
            name="claim-submission",
            definition="claim_submission.asl.json",
            functions={"BillingTasks": "billing-tasks"},
        ),
        StateMachine(
            name="leave-approval",
            definition="leave_approval.asl.json",
            functions={"StaffTasks": "staff-tasks"},
        ),
        StateMachine(
            name="workshop-promotion",
            definition="workshop_promotion.asl.json",
            functions={"OutreachTasks": "outreach-tasks"},
        ),
        StateMachine(
            name="low-stock-reorder",
            definition="low_stock_reorder.asl.json",
            functions={"InventoryTasks": "inventory-tasks"},
        ),
    ),
    rules=(
        EventRule(
            name="notification-requested",
            pattern={"detail-type": ["notification.requested"]},
            target=Target(function="notifications-worker"),
        ),
        EventRule(
            name="roster-draft-requested",
            pattern={"detail-type": ["staff.roster.draft_requested"]},
            target=Target(function="staff-solver"),
        ),
        EventRule(
            name="stock-low",
            pattern={"detail-type": ["inventory.stock-low"]},
            target=Target(state_machine="low-stock-reorder"),
        ),
    ),
    topics=(
        Topic(
            name="email-feedback",
            subscribers=("notifications-worker",),
            publisher="ses.amazonaws.com",
            description="SES bounces and complaints for mail sent through the notifications configuration set",
        ),
        Topic(
            name="sms-replies",
            subscribers=("notifications-worker",),
            publisher="sms-voice.amazonaws.com",
            description="Patients' SMS replies (STOP, START) to the practice's two-way number",
        ),
    ),
    schedules=(
        Schedule(
            name="verify-audit-chains",
            expression="cron(15 3 * * ? *)",
            target=Target(function="compliance-jobs"),
            input={"job": "verify_audit_chains"},
            description="Re-hash every practice's new audit entries; alarm when a chain is broken",
        ),
        Schedule(
            name="verify-audit-chains-full",
            expression="cron(45 3 ? * SUN *)",
            target=Target(function="compliance-jobs"),
            input={"job": "verify_audit_chains", "full": True},
            description="Weekly: re-hash every audit entry, so an edit to an already verified one is found",
        ),
        Schedule(
            name="archive-audit-trail",
            expression="cron(15 4 * * ? *)",
            target=Target(function="compliance-jobs"),
            # yesterday; a night it missed (its did-not-run alarm says so) is run again by hand with "day" and "days"
            input={"job": "archive_audit_trail"},
            description="Daily, after the chain verification: each practice's audit trail of the days before to the "
                        "Object Lock archive, once",
        ),
        # --- compliance: the monitoring engine and certification reminders ---
        Schedule(
            name="run-compliance-checks",
            expression="cron(0 5 * * ? *)",
            target=Target(function="compliance-jobs"),
            input={"job": "run_compliance_checks"},
            description="Daily, after the chain verification: every practice's compliance checks open, keep and "
                        "close findings",
        ),
        Schedule(
            name="remind-certifications",
            expression="cron(15 13 * * ? *)",
            target=Target(function="compliance-jobs"),
            input={"job": "remind_certifications"},
            description="Daily: licences and certifications 60, 30 and 7 days before expiry, and expired",
        ),
        Schedule(
            name="send-deferred-notifications",
            expression="rate(15 minutes)",
            target=Target(function="notifications-jobs"),
            input={"job": "send_deferred_notifications"},
            description="Send the messages held back by quiet hours (or a provider outage) that are now due",
        ),
        Schedule(
            name="send-appointment-reminders",
            expression="rate(15 minutes)",
            target=Target(function="scheduling-jobs"),
            input={"job": "send_appointment_reminders"},
            description="Ask notifications for every appointment reminder now due, each once",
        ),
        Schedule(
            name="expire-waitlist-offers",
            expression="rate(15 minutes)",
            target=Target(function="scheduling-jobs"),
            input={"job": "expire_waitlist_offers"},
            description="Return expired waitlist offers to waiting and offer the time to the next in line",
        ),
        Schedule(
            name="follow-up-claims",
            expression="cron(0 6 * * ? *)",
            target=Target(function="billing-jobs"),
            input={"job": "follow_up_claims"},
            description="Daily: a status inquiry for each claim the payer has not answered after N days",
        ),
        Schedule(
            name="accrue-pto",
            expression="cron(0 * 1 * ? *)",
            target=Target(function="staff-jobs"),
            input={"job": "accrue_pto"},
            description="Monthly PTO accrual: hourly on the 1st (UTC), so each practice's month is credited "
                        "once it has begun in its time zone; later runs that month find it done",
        ),
        Schedule(
            name="count-pending-leave",
            expression="cron(45 6 * * ? *)",
            target=Target(function="staff-jobs"),
            input={"job": "count_pending_leave"},
            description="Daily: how many leave requests wait for a decision (the dashboard's business numbers)",
        ),
        # --- training, policies ---
        Schedule(
            name="remind-training",
            expression="cron(0 13 * * ? *)",
            target=Target(function="compliance-jobs"),
            input={"job": "remind_training"},
            description="Daily: training due in 14 or 3 days or overdue (weekly), and policies to sign, each "
                        "reminder stage once",
        ),
        # --- inventory ---
        Schedule(
            name="check-stock-drift",
            expression="cron(30 7 * * ? *)",
            target=Target(function="inventory-jobs"),
            input={"job": "check_stock_drift"},
            description="Nightly: re-derive every stock balance from the ledger and report any drift",
        ),
        Schedule(
            name="watch-expiry",
            expression="cron(0 12 * * ? *)",
            target=Target(function="inventory-jobs"),
            input={"job": "watch_expiry", "within_days": 30},
            description="Daily: tell the coordinators of stock expired or expiring within 30 days",
        ),
        Schedule(
            name="reorder-low-stock",
            expression="cron(30 4 * * ? *)",
            target=Target(state_machine="low-stock-reorder"),
            input={"trigger": "nightly"},
            description="Nightly: order what is below its reorder point in every practice (the sparse low-stock "
                        "index); lines an open order holds are not ordered twice",
        ),
        # --- operations ---
        Schedule(
            name="watch-operations",
            expression="rate(15 minutes)",
            target=Target(function="operations-jobs"),
            input={"job": "watch"},
            description="Count the messages parked on every dead-letter queue and the jobs overdue; the two alarms "
                        "read these (and a watcher that stopped sends none, which alarms too)",
        ),
    ),
)
