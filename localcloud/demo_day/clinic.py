"""The front desk's part of the day: booking the clinic, the reminders' confirm links, check-in to the end of each
visit (and the one patient who does not come), and the practitioner's leave that moves the patients booked on it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from localcloud.demo_day.client import Client, DemoFailed
from localcloud.demo_day.plan import Plan

DESK, COORDINATOR, PRACTITIONER = "front_desk", "coordinator", "practitioner"


def book(client: Client, demo: dict[str, Any], practitioner: str, patient: str, day: date) -> dict[str, Any]:
    """The front desk finds the practitioner's earliest free follow-up on the day and books it for the patient."""
    follow_up = demo["appointment_types"][0]
    slots = client.ok(DESK, "GET", "/slots", query={"type_id": follow_up, "from": str(day), "to": str(day),
                                                     "practitioner_id": practitioner, "order": "earliest",
                                                     "limit": 1})["slots"]
    if not slots:
        raise DemoFailed(f"no free follow-up on {day} for practitioner {practitioner}")
    return client.ok(DESK, "POST", "/appointments", {"type_id": follow_up, "practitioner_id": practitioner,
                                                     "patient_id": patient, "start": slots[0]["start"]})


def book_the_week(client: Client, plan: Plan, demo: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Ada and Alan with Dr. Jackson, Grace and Katherine with Dr. Vaughan on the clinic day; Ada and Grace with
    Dr. Jackson again a week later, the day she will ask to have off."""
    ada, alan, grace, katherine = demo["patients"]
    jackson, vaughan = demo["practitioners"]
    clinic = [book(client, demo, doctor, patient, plan.clinic_day)
              for doctor, patient in ((jackson, ada), (jackson, alan), (vaughan, grace), (vaughan, katherine))]
    later = [book(client, demo, jackson, patient, plan.leave_day) for patient in (ada, grace)]
    return {"clinic": clinic, "leave_day": later}


def confirm_from_reminders(client: Client, plan: Plan, demo: dict[str, Any], clinic: list[dict[str, Any]]) -> int:
    """Each patient whose reminder carried links confirms from it (no sign-in: the link is the key); the front desk
    phones the others and confirms for them. Returns how many confirmed by link."""
    contacts = _contacts(client, demo)
    by_link = 0
    for appointment in clinic:
        confirm = None
        for token in client.links(contacts[appointment["patient_id"]], "appointments/reply"):
            shown = client.ok(None, "GET", f"/appointments/reply/{token}")
            if shown["action"] == "confirm" and shown["local_date"] == str(plan.clinic_day):
                confirm = token
        if confirm:
            client.ok(None, "POST", f"/appointments/reply/{confirm}")
            by_link += 1
        else:
            client.change(DESK, f"/appointments/{appointment['id']}/confirm", f"/appointments/{appointment['id']}")
    return by_link


def see(client: Client, appointment: dict[str, Any]) -> None:
    """Check-in, the exam room and the end of the visit."""
    path = f"/appointments/{appointment['id']}"
    for step in ("arrive", "in-room", "complete"):
        client.change(DESK, f"{path}/{step}", path)


def not_seen(client: Client, appointment: dict[str, Any]) -> None:
    path = f"/appointments/{appointment['id']}"
    client.change(DESK, f"{path}/no-show", path)


def day_report(client: Client, plan: Plan) -> dict[str, Any]:
    """The clinic day as each appointment says it went."""
    statuses: Counter[str] = Counter()
    reminded = 0
    for practitioner in client.ok(DESK, "GET", "/practitioners")["practitioners"]:
        for listed in client.ok(DESK, "GET", "/appointments", query={
                "practitioner_id": practitioner["id"], "date": str(plan.clinic_day)})["appointments"]:
            appointment = client.ok(DESK, "GET", f"/appointments/{listed['id']}")
            statuses[appointment["status"]] += 1
            reminded += appointment["reminder_sent_at"] is not None
    return {"booked": sum(statuses.values()), "reminded": reminded, "statuses": dict(statuses)}


def _contacts(client: Client, demo: dict[str, Any]) -> dict[str, str]:
    """Where each patient's messages go: their email, else their phone."""
    found = {}
    for patient_id in demo["patients"]:
        patient = client.ok(DESK, "GET", f"/patients/{patient_id}")
        found[patient_id] = patient.get("email") or patient.get("phone")
    return found


# --- the practitioner's leave -------------------------------------------------------------------------------

def ask_for_leave(client: Client, plan: Plan) -> dict[str, Any]:
    """Dr. Jackson asks for the leave day off; with patients booked on it, her manager decides, and approves."""
    leave = client.ok(PRACTITIONER, "POST", "/leave-requests", {
        "kind": "training", "unit": "days", "first_day": str(plan.leave_day), "last_day": str(plan.leave_day),
        "note": "a course"})
    client.ok(None, "POST", "/_local/drain")  # the workflow assesses the request, then asks her manager
    client.ok(COORDINATOR, "POST", f"/leave-requests/{leave['id']}/approve", {"reason": "cover arranged"})
    client.ok(None, "POST", "/_local/drain")  # approved: her patients on that day are offered other times
    return leave


def answer_move_offers(client: Client, demo: dict[str, Any], later: list[dict[str, Any]]) -> int:
    """The first patient booked on the leave day takes the first time her offer names, if it reached her; the
    others let theirs lapse. Returns how many moved this way."""
    contacts = _contacts(client, demo)
    tokens = client.links(contacts[later[0]["patient_id"]], "appointments/moves")
    if not tokens:
        return 0
    return int(client.ok(None, "POST", f"/appointments/moves/{tokens[0]}")["status"] == "moved")


def work_the_list(client: Client, demo: dict[str, Any], leave: dict[str, Any]) -> int:
    """The front desk phones each patient still to move and books them with Dr. Vaughan the same day, the earliest
    time free. Returns how many it moved."""
    vaughan = demo["practitioners"][1]
    moved = 0
    for patient in client.ok(DESK, "GET", f"/leave-requests/{leave['id']}/moves")["patients"]:
        day = patient["start"][:10]
        slots = client.ok(DESK, "GET", "/slots", query={
            "type_id": demo["appointment_types"][0], "from": day, "to": day, "practitioner_id": vaughan,
            "order": "earliest", "limit": 1, "patient_id": patient["patient_id"]})["slots"]
        if slots:
            path = f"/appointments/{patient['appointment_id']}"
            client.change(DESK, f"{path}/reschedule", path, {"start": slots[0]["start"], "practitioner_id": vaughan})
            moved += 1
    return moved


def leave_report(client: Client, leave: dict[str, Any], later: list[dict[str, Any]]) -> dict[str, Any]:
    read = client.ok(COORDINATOR, "GET", f"/leave-requests/{leave['id']}")
    now = [client.ok(DESK, "GET", f"/appointments/{a['id']}") for a in later]
    return {"status": read["status"], "patients_booked": len(later),
            "still_with_her": sum(a["practitioner_id"] == b["practitioner_id"] and a["start"] == b["start"]
                                  for a, b in zip(now, later, strict=True)),
            "offers_closed": read.get("patients_to_move")}
