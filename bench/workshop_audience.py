"""Audience selection and invitation for 5,000 patients, through the promotion's steps and their DynamoDB
adapters on moto, called as the state machine calls them (select a page, invite each batch of the page's Map,
next page): the DynamoDB requests by operation and the time. 5,000 patients consent to contact on the topic;
the workshop's criteria (age band on the session date, languages) keep about four in five. The workshop
itself is the workshops' (a fake here: in production each step adds one GetItem for it). Then the whole invitation
run again, as if every step were retried: nothing is sent twice, and what that costs."""

import json
import os
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()

PRACTICE = "bench-outreach"
WORKSHOP = "01HBENCHWORKSHOP0000000000"
PATIENTS = 5_000


def seed(db) -> None:
    """The audience index as 5,000 consent transactions leave it (written in bulk: seeding is not measured)."""
    from functions.core.ids import new_id
    from functions.records.dynamo import _audience_writes
    from functions.records.models.audience import AudienceChange, AudienceMember

    client = db.dynamodb
    items = []
    for n in range(PATIENTS):
        patient_id = new_id()
        member = AudienceMember(patient_id=patient_id, birth_date=date(1940 + n % 70, 1 + n % 12, 1 + n % 28),
                                language=("en", "es", "en", "fr", "en")[n % 5], channels=["email"])
        items += [op.item for op in _audience_writes(PRACTICE, patient_id,
                                                     AudienceChange(members={"diabetes": member}))]
    from functions.core.table import serialize

    for start in range(0, len(items), 25):
        client.batch_write_item(RequestItems={db.name: [{"PutRequest": {"Item": serialize(item)}}
                                                        for item in items[start:start + 25]]})


def run() -> dict:
    from moto import mock_aws

    from functions.core import settings, table
    from functions.outreach.audience import AudienceSelection
    from functions.outreach.dynamo.promotion import DynamoPromotionLedger
    from functions.outreach.models.workshops import AudienceCriteria, Workshop, WorkshopSession
    from functions.outreach.promotion import Promotion
    from functions.records.dynamo import DynamoAudienceIndex
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.fakes.outreach import FakeDeliveryLog, FakeSurveyLinks, FakeSurveyTally
    from tests.unit.outreach.promotion_support import AT, WorkshopSetup

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("outreach"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        db = table.Table()
        seed(db)
        first = datetime(2030, 6, 10, 17, tzinfo=UTC)
        workshops = WorkshopSetup()
        workshops.put(Workshop(
            id=WORKSHOP, practice_id=PRACTICE, title="Living well with diabetes", topic="diabetes",
            description="Food, movement, sleep.", status="published",
            audience=AudienceCriteria(topics=["diabetes"], min_age=18, max_age=80, languages=["en", "es"]),
            sessions=[WorkshopSession(id="s1", starts_at=first, ends_at=first + timedelta(hours=2), mode="online",
                                      link="https://meet.example/w")],
            registration_deadline=first - timedelta(days=2), capacity=40, facilitator_id="staff-fac", version=1,
            created_at=AT, updated_at=AT))
        promotion = Promotion(workshops.facts, AudienceSelection(DynamoAudienceIndex(db)), DynamoPromotionLedger(db),
                              FakeSurveyLinks(), FakeDeliveryLog(), FakeSurveyTally())
        counter = RequestCounter().watch(table.client())

        def invite_everyone() -> tuple[int, int, int]:
            cursor, pages, batches, sent = None, 0, 0, 0
            while True:
                page = promotion.select(PRACTICE, WORKSHOP, cursor)
                pages += 1
                for batch in page["batches"]:
                    sent += promotion.invite(PRACTICE, WORKSHOP, batch)["sent"]
                    batches += 1
                cursor = page["cursor"]
                if cursor is None:
                    return pages, batches, sent

        started = time.perf_counter()
        pages, batches, invited = invite_everyone()
        seconds = time.perf_counter() - started
        first_run = counter.take()
        started = time.perf_counter()
        _, _, again = invite_everyone()
        rerun_seconds = time.perf_counter() - started
        rerun = counter.take()
    requests = sum(first_run.values())
    return {
        "patients_consenting_to_the_topic": PATIENTS,
        "invited": invited,
        "select_steps": pages,
        "invite_steps (Map iterations, 25 a batch)": batches,
        "dynamodb_requests": requests,
        "dynamodb_requests_by_operation": dict(Counter(first_run)),
        "dynamodb_requests_per_invitation": round(requests / invited, 3),
        "workshop_reads_in_production (one GetItem per step, the workshops' adapter)": pages + batches,
        "seconds_on_moto": round(seconds, 2),
        "rerun_every_step": {"sent": again, "dynamodb_requests": sum(rerun.values()),
                             "by_operation": dict(Counter(rerun)), "seconds_on_moto": round(rerun_seconds, 2)},
    }


def main() -> None:
    results = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "workshop_audience.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
