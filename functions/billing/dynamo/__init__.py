"""Billing in the single table: the DynamoDB adapters of billing's ports, the only modules that know its keys,
indexes and conditions.

Layout:
    pk = PRACTICE#p#BILLING          sk = SETTINGS             billing provider, rule tables, follow-up days
                                     sk = FEE_SCHEDULE         the fee schedule (one item)
                                     sk = PAYER#<id>           a payer (timely filing, payer rule overrides)
                                     sk = CONTROL_NUMBER       the interchange control number counter
    pk = PRACTICE#p#CHARGE#<id>      sk = CHARGE               a visit's charge
                                     sk = CLAIM#<rank>         marker: the charge's claim for that rank
    pk = PRACTICE#p#CLAIM#<id>       sk = CLAIM                the claim (exactly one state)
                                     sk = FILE#<control>       an 837P sent for it
                                     sk = REMIT#<control>      the 835 that answered it
    pk = PRACTICE#p#CLAIM_FP#<hash>  sk = CLAIM#<id>           same patient/payer/date/services: duplicates
    pk = PRACTICE#p#INVOICE#<id>     sk = INVOICE              a patient invoice (payments listed in it)
    pk = PRACTICE#p#PAYMENT#<id>     sk = PAYMENT              a payment (patient or payer)
Indexes:
    gsi1pk = PRACTICE#p#CLAIM_STATE#<state>   gsi1sk = <date_of_service>#<id>  claims by state (every claim)
    gsi1pk = PRACTICE#p#INVOICES_OF#<patient> gsi1sk = <issued_on>#<id>    a patient's invoices
    gsi2pk = PRACTICE#p#AR#CLAIMS             gsi2sk = <date>#<id>         sparse: claims the payer owes on
    gsi2pk = PRACTICE#p#AR#INVOICES           gsi2sk = <issued_on>#<id>    sparse: invoices with a balance
    gsi3pk = PRACTICE#p#CLAIM_AWAITING        gsi3sk = <follow-up due>#<id> sparse: no answer yet
    gsi4pk = PRACTICE#p#CLAIMS                gsi4sk = <date_of_service>#<id>  every claim of the practice

Every change is a conditional write inside AuditStore.commit: the change, its audit entry and its domain
events land together or not at all."""
