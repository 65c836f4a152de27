"""The practice's business numbers as EMF metrics in the PracticeFlow namespace, for the stage's dashboard
(infra/constructs/dashboard.py). Each is ONE metric per area, never per practice: CloudWatch bills every
name-and-dimensions pair ($0.30 a month), so a practice dimension would multiply the bill by the practices.

Counters come from one place that sees every change: the outbox publisher counts the domain events it carried
(`count_events`), so no entry point has to remember to. The few numbers with no event behind them (reminders
sent, purchase orders) are counted where they happen; gauges (days in A/R, leave pending, open findings) are
sent by a daily job. `BUSINESS_METRICS` lists them all; a test checks each is really sent by the code."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from functions.core.events import DomainEvent
from functions.core.observability import metrics


@dataclass(frozen=True)
class BusinessMetric:
    name: str
    area: str  # its `service` dimension: the area whose number it is
    label: str  # what the dashboard calls it
    gauge: bool = False  # a level a daily job sends (the day's Maximum), not a count of things that happened
    unit: MetricUnit = MetricUnit.Count


BUSINESS_METRICS = (
    BusinessMetric("AppointmentsBooked", "scheduling", "Appointments booked"),
    BusinessMetric("NoShows", "scheduling", "No-shows"),
    BusinessMetric("RemindersSent", "notifications", "Appointment reminders sent"),
    BusinessMetric("ClaimsSubmitted", "billing", "Claims submitted"),
    BusinessMetric("ClaimsPaid", "billing", "Claims paid (in full or in part)"),
    BusinessMetric("ClaimsDenied", "billing", "Claims denied"),
    BusinessMetric("PurchaseOrdersCreated", "inventory", "Purchase orders created"),
    BusinessMetric("DaysInAR", "billing", "Days in A/R (dollar-weighted age of what is owed)", gauge=True,
                   unit=MetricUnit.NoUnit),
    BusinessMetric("LeavePending", "staff", "Leave requests waiting for a decision", gauge=True),
    BusinessMetric("ComplianceFindingsOpen", "compliance", "Open compliance findings", gauge=True),
)

# domain event type -> the business counter it adds one to
COUNTED_EVENTS = {
    "scheduling.appointment.booked": "AppointmentsBooked",
    "scheduling.appointment.no_show": "NoShows",
    "billing.claim.submitted": "ClaimsSubmitted",
    "billing.claim.paid": "ClaimsPaid",
    "billing.claim.partially_paid": "ClaimsPaid",
    "billing.claim.denied": "ClaimsDenied",
}


_BY_NAME = {m.name: m for m in BUSINESS_METRICS}


def business_metric(name: str) -> BusinessMetric:
    """KeyError for a name not in BUSINESS_METRICS: a number the dashboard would never show."""
    return _BY_NAME[name]


def count_events(events: Iterable[DomainEvent]) -> Counter[str]:
    """Count the business events among `events` (one EMF blob per counter, whatever the batch size) and return
    the counts. Called by the outbox publisher with the events EventBridge accepted."""
    counts = Counter(COUNTED_EVENTS[event.type] for event in events if event.type in COUNTED_EVENTS)
    for name, value in sorted(counts.items()):
        send(name, value)
    return counts


def send(name: str, value: float) -> None:
    """One business metric now, under its area's `service` dimension (whatever function sends it), flushed at
    once: the function's other metrics keep their own dimensions."""
    metric = business_metric(name)
    if is_metrics_disabled():  # single_metric prints regardless of POWERTOOLS_METRICS_DISABLED
        return
    # the metric is written when the block ends; nothing else goes in it
    with single_metric(name=name, unit=metric.unit, value=value, namespace=metrics.namespace,
                       default_dimensions={"service": metric.area}):
        pass
