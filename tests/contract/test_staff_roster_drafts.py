"""RosterDrafts: the fake and the DynamoDB adapter behave alike."""

from datetime import date

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.staff.models.roster import DraftShift, RosterDraft
from tests.contract.staff_support import AT, PRACTICE, audit, both


@pytest.fixture(params=["fake", "dynamo"])
def drafts(request):
    from functions.staff.dynamo.drafts import DynamoRosterDrafts
    from tests.fakes.staff import FakeRosterDrafts

    return both(request, FakeRosterDrafts, DynamoRosterDrafts)


def draft(version: int = 1, **more) -> RosterDraft:
    values = {"status": "solving", **more}
    return RosterDraft(practice_id=PRACTICE, id="D1", location_id="main", week_of=date(2026, 3, 2), shift_hours=8,
                       requested_by="coord-1", version=version, created_at=AT, **values)


def test_a_draft_is_kept_and_solved_on_its_version(drafts):
    drafts.save(draft(), audit())
    with pytest.raises(Conflict):
        drafts.save(draft(), audit())
    shift = DraftShift(user_id="a", date=date(2026, 3, 2), start="08:00", end="16:00", role="front_desk")
    drafts.save(draft(version=2, status="ready", shifts=[shift], solve_seconds=0.5), audit())
    with pytest.raises(PreconditionFailed):
        drafts.save(draft(version=2, status="published"), audit())
    stored = drafts.draft(PRACTICE, "D1")
    assert (stored.status, stored.shifts, stored.solve_seconds) == ("ready", [shift], 0.5)
    assert drafts.draft(PRACTICE, "D2") is None
