"""`practice demo` lives a day in the demo practice over HTTP on the local cloud; every number in its summary is
read back from the data, so the day's outcomes are pinned here: patients book, confirm and arrive (one does not),
claims go out and one is denied and corrected, payments post, the practitioner's leave moves her patients,
supplies are reordered and received, the workshop's promotion reports, and the compliance board shows the run."""

import json
import os
from pathlib import Path

import pytest

from localcloud import cli
from localcloud.demo_day.script import summary_lines

pytestmark = pytest.mark.e2e  # the local server, in this process, over loopback HTTP


@pytest.fixture(autouse=True)
def _environment_restored():
    # the command sets local defaults (fake credentials, quiet Powertools) in the environment
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def lived(tmp_path_factory) -> Path:
    """The data directory `practice demo --data-dir` lived its day in."""
    data_dir = tmp_path_factory.mktemp("demo-day")
    assert cli.main(["demo", "--data-dir", str(data_dir)]) == 0
    return data_dir


@pytest.fixture
def day(lived) -> dict:
    return json.loads((lived / cli.DEMO_DAY_RECORD).read_text())


def test_the_clinic_day_is_booked_reminded_confirmed_and_seen_but_for_one_no_show(day):
    assert day["clinic"] == {"booked": 4, "reminded": 4, "confirmed_by_link": 2,
                             "statuses": {"completed": 3, "no_show": 1}}


def test_each_visit_is_claimed_one_denial_is_corrected_and_payments_post(day):
    billing = day["billing"]
    assert billing["claims"] == 3 and billing["states"] == {"paid": 3} and billing["corrected_and_resubmitted"] == 1
    assert 0 < billing["paid_by_payer_cents"] < billing["billed_cents"]
    assert 0 < billing["paid_by_patients_cents"] < billing["patients_share_cents"]  # one of three patients paid
    assert billing["owed_to_the_practice_cents"] > 0


def test_the_approved_leave_leaves_no_patient_booked_with_the_absent_practitioner(day):
    leave = day["leave"]
    assert leave["status"] == "approved" and leave["patients_booked"] == 2 and leave["still_with_her"] == 0
    assert leave["moved_by_their_choice"] + leave["moved_by_the_front_desk"] == 2


def test_low_stock_is_reordered_the_order_over_the_limit_approved_and_a_delivery_received(day):
    supplies = day["supplies"]
    assert supplies["states"].get("received") == 1 and supplies["states"].get("sent") == 2
    assert supplies["by_trigger"] == {"stock-low": 3} and "awaiting_approval" not in supplies["states"]
    assert supplies["approved_by_the_coordinator"] == 1 and supplies["total_cents"] > 30_000
    assert supplies["of_which_on_order"] == supplies["still_below_reorder_point"]  # nothing low is forgotten


def test_the_workshop_promotion_reports_its_reach(day):
    assert day["workshop"] == {"outcome": "completed", "invited": 3, "delivered": 3, "registered": 2,
                               "attended": 2, "surveyed": 2}


def test_the_compliance_run_puts_the_lapsed_certification_and_the_expiring_licence_on_the_board(day):
    assert day["compliance"]["open_findings"] == 2 and day["compliance"]["by_severity"] == {"high": 1, "medium": 1}
    assert day["compliance"]["last_run_at"] > day["plan"]["clinic_day"]


def test_the_summary_names_each_workflow_with_the_numbers_read(day):
    lines = summary_lines(day)
    sections = [line.split()[0] for line in lines[1:] if not line.startswith("   ")]
    assert sections == ["appointments", "claims", "leave", "supplies", "workshop", "compliance"]
    text = "\n".join(lines)
    assert "3 completed, 1 no_show" in text and "3 invited" in text and "1 denied, corrected" in text


def test_a_data_directory_lives_its_demo_day_once(lived, capsys):
    assert cli.main(["demo", "--data-dir", str(lived)]) == 2
    assert "lived its demo day already" in capsys.readouterr().err
