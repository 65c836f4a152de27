"""Scheduling in the single table: the DynamoDB adapters of the ports, the only code that knows its keys,
indexes and conditions.

Layout:
    pk = PRACTICE#p#SCHEDULING            sk = CONFIG#POLICY                the practice's scheduling policy
                                          sk = CONFIG#PRACTITIONER#<id>     a practitioner with weekly hours
                                          sk = CONFIG#ROOM#<id>             a room
                                          sk = CONFIG#TYPE#<id>             an appointment type
                                          sk = EXCEPTION#<date>#<id>        a holiday, block or extra hours
    pk = PRACTICE#p#APPOINTMENT#<id>      sk = APPOINTMENT                  the appointment
        gsi1pk = PRACTICE#p#REMINDER_DUE  gsi1sk = <due UTC>#<id>           sparse: only while a reminder is due
        gsi2pk = PRACTICE#p#PATIENT_APPOINTMENTS#<patient>  gsi2sk = <start>#<id>
    pk = PRACTICE#p#PRACTITIONER#<id>#BOOKINGS  sk = <start UTC>#<appointment>   the practitioner's calendar
    pk = PRACTICE#p#ROOM#<id>#BOOKINGS          sk = <start UTC>#<appointment>   the room's calendar
    pk = PRACTICE#p#PRACTITIONER#<id>#HOLD      sk = <granule UTC>   one per 15 minutes held (appointment+buffer)
    pk = PRACTICE#p#ROOM#<id>#HOLD              sk = <granule UTC>   the same for the room
    pk = PRACTICE#p#PATIENT_HOLD#<patient>      sk = <granule UTC>   the patient's own time (no buffer)
    pk = PRACTICE#p#WAITLIST                    sk = ENTRY#<id>      a waitlist entry (ULIDs: first come first)
        gsi1pk = PRACTICE#p#OFFER_EXPIRY  gsi1sk = <expires UTC>#<id>     sparse: only while an offer is open

No double booking: a booking Puts every hold item with attribute_not_exists in one transaction, so of two
requests for overlapping times exactly one commits. Cancelling deletes them in the transaction that
cancels; rescheduling deletes the holds it leaves and puts the ones it takes, in one transaction.
Every write goes through AuditStore.commit: the change, its audit entry and its events together.
"""
