"""Replies to reminders by signed link, without signing in: what a link would do (a GET never acts: mail
scanners open links), and confirming or cancelling through it, as the appointment's patient."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from functions.core import clock
from functions.core.auth import Caller, Role
from functions.core.errors import NotFound
from functions.scheduling.backfill import local_text
from functions.scheduling.booking import Booking
from functions.scheduling.links import Reply, ReplyAnswer, ReplyLinks
from functions.scheduling.models.appointments import TRANSITIONS, Appointment, CancelIn, ReplyView
from functions.scheduling.models.setup import Policy
from functions.scheduling.ports import AppointmentBook, SchedulingSetup


class AppointmentReplies:
    def __init__(self, setup: SchedulingSetup, appointments: AppointmentBook, booking: Booking,
                 links: ReplyLinks | None, *, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.appointments = appointments
        self.booking = booking
        self.links = links
        self.now = now

    def link_for(self, practice_id: str, appointment: Appointment, action: str) -> str | None:
        """The signed link a reminder carries; None when the practice sends no links."""
        if self.links is None:
            return None
        return self.links.link(Reply(practice_id, appointment.id, action, int(appointment.start_at.timestamp())))

    def peek(self, token: str) -> ReplyAnswer:
        """What a link would do, changing nothing."""
        reply = self._reply(token)
        return self._answer(reply, self._replied(reply))

    def reply(self, token: str) -> ReplyAnswer:
        reply = self._reply(token)
        appointment = self._replied(reply)
        patient = Caller(user_id=f"link:{appointment.patient_id}", practice_id=reply.practice_id,
                         roles=frozenset({Role.PATIENT}), patient_id=appointment.patient_id, request_id="reply-link")
        if reply.action == "confirm":
            if appointment.status != "confirmed":  # a second click changes nothing
                appointment = self.booking.change_status(patient, appointment.id, "confirmed",
                                                          lambda: appointment.version)
        elif appointment.status != "cancelled":
            appointment = self.booking.cancel(patient, appointment.id, CancelIn(), lambda: appointment.version)
        return self._answer(reply, appointment)

    def _replied(self, reply: Reply) -> Appointment:
        appointment = self.appointments.appointment(reply.practice_id, reply.appointment_id)
        if appointment is None:
            raise NotFound("no such appointment", code="appointment_not_found")
        return appointment

    def _answer(self, reply: Reply, appointment: Appointment) -> ReplyAnswer:
        """Only what the holder of the link needs to decide: the practice, the local date and time, the status
        (whoever holds the link may not be the patient). And the replies the status still allows, each as
        its own signed token: both arrived in the same reminder, and a page offers both."""
        policy = self.setup.policy(reply.practice_id) or Policy()
        zone = ZoneInfo(policy.time_zone)
        local = appointment.start_at.astimezone(zone)
        view = ReplyView(action=reply.action, practice=policy.practice_name, local_date=local.date(),
                         local_time=f"{local:%H:%M}", time_zone=policy.time_zone, status=appointment.status)
        still = {action: self.links.token(Reply(reply.practice_id, reply.appointment_id, action, reply.expires))
                 for action, to in (("confirm", "confirmed"), ("cancel", "cancelled"))
                 if self.links is not None and to in TRANSITIONS[appointment.status]}
        return ReplyAnswer(view=view, when=local_text(appointment.start_at, zone), choices=still)

    def _reply(self, token: str) -> Reply:
        if self.links is None:
            raise NotFound("no such route", code="no_route")
        return self.links.verify(token, self.now())
