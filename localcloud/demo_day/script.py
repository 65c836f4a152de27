"""The day itself, in the order the practice lives it, and the summary read back from the data afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from localcloud.demo_day import clinic, community, office
from localcloud.demo_day.client import Client
from localcloud.demo_day.office import PayerScript
from localcloud.demo_day.plan import Plan


def live_the_day(client: Client, demo: dict[str, Any], payer: PayerScript) -> dict[str, Any]:
    plan = Plan.from_now(client.now())
    ada, _alan, grace, _katherine = demo["patients"]

    # before the clinic day: the week is booked, Dr. Jackson asks for a day off, a workshop goes out
    office.open_the_billing_office(client, demo)
    week = clinic.book_the_week(client, plan, demo)
    leave = clinic.ask_for_leave(client, plan)
    workshop = community.publish_workshop(client, plan)
    client.live_until(plan.started + timedelta(hours=2))
    moved_by_link = clinic.answer_move_offers(client, demo, week["leave_day"])

    # the day before: reminders go out (24 hours ahead); patients confirm, two sign up for the workshop
    client.live_until(plan.on_clinic_day(12, days=-1))
    by_link = clinic.confirm_from_reminders(client, plan, demo, week["clinic"])
    community.register(client, workshop, [ada, grace])

    # the clinic day: each visit at its time, its supplies used and its claim sent; Katherine does not come
    visits, no_show = week["clinic"], week["clinic"][3]
    claims = []
    for appointment in sorted(visits, key=lambda a: a["start"]):
        at = datetime.fromisoformat(appointment["start"])
        if appointment is no_show:
            client.live_until(at + timedelta(minutes=20))
            clinic.not_seen(client, appointment)
            continue
        client.live_until(at - timedelta(minutes=5))
        clinic.see(client, appointment)
        office.use_supplies(client, demo, appointment)
        claims.append(office.bill_the_visit(client, appointment, payer,
                                            "denied_then_paid" if len(claims) == 1 else "paid"))
    client.live_until(plan.on_clinic_day(12, 30))
    office.approve_and_receive(client)
    client.live_until(plan.on_clinic_day(17, 45))
    community.take_attendance(client, workshop)

    # the next day the front desk moves the patients the offers did not, and the payer answers: two claims paid,
    # one denied, corrected and sent again, which is paid the day after
    client.live_until(plan.on_clinic_day(9, days=1))
    moved_by_desk = clinic.work_the_list(client, demo, leave)
    client.live_until(plan.on_clinic_day(22, days=2))
    paid_by_patient = office.take_a_payment(client, claims)
    return {
        "plan": {"started": plan.started.isoformat(), "clinic_day": str(plan.clinic_day),
                 "leave_day": str(plan.leave_day), "ended": client.now().isoformat()},
        "clinic": {**clinic.day_report(client, plan), "confirmed_by_link": by_link},
        "billing": {**office.billing_report(client, claims), "paid_by_patients_cents": paid_by_patient},
        "leave": {**clinic.leave_report(client, leave, week["leave_day"]), "moved_by_their_choice": moved_by_link,
                  "moved_by_the_front_desk": moved_by_desk},
        "supplies": office.supplies_report(client),
        "workshop": community.reach_report(client, workshop),
        "compliance": community.compliance_report(client),
    }


def dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def summary_lines(day: dict[str, Any]) -> list[str]:
    """Each workflow's outcome as the data tells it: a section name, then a line or two."""
    plan, visits, billing = day["plan"], day["clinic"], day["billing"]
    leave, supplies, workshop, compliance = day["leave"], day["supplies"], day["workshop"], day["compliance"]
    sections = {
        "appointments": [f"{visits['booked']} booked for {plan['clinic_day']}, {visits['reminded']} reminded the "
                         f"day before, {visits['confirmed_by_link']} confirmed from the reminder's link",
                         f"at the end of the day: {_counts(visits['statuses'])}"],
        "claims": [f"{billing['claims']} sent ({_counts(billing['states'])}); "
                   f"{billing['corrected_and_resubmitted']} denied, corrected by the denial rules and sent again",
                   f"billed {dollars(billing['billed_cents'])}, the payer paid "
                   f"{dollars(billing['paid_by_payer_cents'])}; "
                   f"patients' share {dollars(billing['patients_share_cents'])}, "
                   f"{dollars(billing['paid_by_patients_cents'])} paid in the app; "
                   f"A/R {dollars(billing['owed_to_the_practice_cents'])}"],
        "leave": [f"Dr. Jackson's day off on {plan['leave_day']}: {leave['status']}",
                  f"of {leave['patients_booked']} patients booked that day: {leave['moved_by_their_choice']} chose "
                  f"an offered time, {leave['offers_closed']} were left when the offers closed",
                  f"the front desk moved {leave['moved_by_the_front_desk']}; {leave['still_with_her']} still booked "
                  f"with her"],
        "supplies": [f"{supplies['orders']} purchase orders for {dollars(supplies['total_cents'])} "
                     f"({_counts(supplies['states'])}), started by {_counts(supplies['by_trigger'])} events",
                     f"{supplies['approved_by_the_coordinator']} over the spending limit approved by the coordinator",
                     f"{supplies['still_below_reorder_point']} stock places still below their reorder point, "
                     f"{supplies['of_which_on_order']} of them on order"],
        "workshop": [f"promotion {workshop['outcome']}: {workshop['invited']} invited, {workshop['delivered']} "
                     f"delivered, {workshop['registered']} registered, {workshop['attended']} attended, "
                     f"{workshop['surveyed']} sent the survey" if "invited" in workshop else workshop["outcome"]],
        "compliance": [f"{compliance['open_findings']} open findings on the board "
                       f"({_counts(compliance['by_severity'])}), last run {compliance['last_run_at']}"],
    }
    lines = [f"A day at Demo Family Practice (the local cloud's clock from {plan['started'][:16]} to "
             f"{plan['ended'][:16]} UTC)"]
    for name, text in sections.items():
        lines += [f"  {name:<13} {text[0]}", *(f"  {'':<13} {more}" for more in text[1:])]
    return lines


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"
