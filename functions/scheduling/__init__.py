"""Scheduling: practitioners, rooms, appointment types, availability, slot search, booking without double
booking, the status flow, reminders, the waitlist, and FHIR export of appointments, schedules and slots."""
