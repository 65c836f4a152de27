"""The PractitionerLicences port over the compliance area's certifications (its adapter, so its keys stay its
own): one small Query of a practitioner's active licences per booking."""

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.scheduling.ports import LicenceOnFile


class CompliancePractitionerLicences:
    def __init__(self, table: Table) -> None:
        self.table = table

    def licences(self, practice_id: str, practitioner_id: str) -> list[LicenceOnFile]:
        """Query gsi4 PRACTITIONER_LICENCES#<practitioner> (compliance's sparse index: active licences only)."""
        from functions.compliance.dynamo.certifications import DynamoCertificationBook

        held = DynamoCertificationBook(self.table, AuditStore(self.table)).of_practitioner(practice_id,
                                                                                           practitioner_id)
        return [LicenceOnFile(number=c.number, issuing_body=c.issuing_body, expires_on=c.expires_on) for c in held]
