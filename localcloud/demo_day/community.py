"""The practice beyond the exam room: an evening workshop promoted to the patients who asked to hear about its
topic, two of them registering and coming, and the compliance run's board."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from localcloud.demo_day.client import Client
from localcloud.demo_day.plan import Plan

COORDINATOR, FACILITATOR = "coordinator", "practitioner"
TOPIC = "nutrition"  # every demo patient's consent names it (localcloud/demo.py)


def publish_workshop(client: Client, plan: Plan) -> dict[str, Any]:
    """An hour on eating well, the evening of the clinic day, for adults who consent to hear about nutrition:
    publishing it starts its promotion."""
    starts = plan.on_clinic_day(18)
    workshop = client.ok(COORDINATOR, "POST", "/workshops", {
        "title": "Eating well on a budget", "topic": TOPIC, "capacity": 10, "facilitator_id": "local-practitioner",
        "description": "Plan a week of meals, read a label, and leave with recipes.",
        "audience": {"topics": [TOPIC], "min_age": 18},
        "registration_deadline": plan.on_clinic_day(12).isoformat(),
        "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                      "mode": "in_person", "room": "Community room", "address": "12 Main Street, Springfield"}]})
    client.change(COORDINATOR, f"/workshops/{workshop['id']}/publish", f"/workshops/{workshop['id']}")
    client.ok(None, "POST", "/_local/drain")  # the promotion selects the audience and invites it
    return workshop


def register(client: Client, workshop: dict[str, Any], patients: list[str]) -> None:
    """Invited patients sign up from the app, each as themselves."""
    for patient in patients:
        client.ok(f"patient:{patient}", "POST", "/registrations", {"workshop_id": workshop["id"]})


def take_attendance(client: Client, workshop: dict[str, Any]) -> None:
    """The facilitator marks everyone registered as there."""
    registrations = client.ok(FACILITATOR, "GET", f"/workshops/{workshop['id']}/registrations")["registrations"]
    present = [r["id"] for r in registrations if r["status"] == "registered"]
    session = workshop["sessions"][0]["id"]
    client.ok(FACILITATOR, "POST", f"/sessions/{session}/attendance", {"present": present})


def reach_report(client: Client, workshop: dict[str, Any]) -> dict[str, Any]:
    status, report, _ = client.request(COORDINATOR, "GET", f"/workshops/{workshop['id']}/reach")
    if status == 404:
        return {"outcome": "still promoting"}
    return {key: report[key] for key in ("outcome", "invited", "delivered", "registered", "attended", "surveyed")}


def compliance_report(client: Client) -> dict[str, Any]:
    board = client.ok(COORDINATOR, "GET", "/compliance/board")
    return {"open_findings": board["open"], "by_severity": {k: v for k, v in board["by_severity"].items() if v},
            "last_run_at": board["last_run_at"]}
