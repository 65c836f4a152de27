"""Finding a patient: by name, birth date or phone, a page at a time, each search audited once (the patients
it lists are a summary, not a read of each chart)."""

import hashlib
from collections.abc import Callable
from datetime import date, datetime

from functions.core import authz, clock, pagination
from functions.core.auth import Caller
from functions.core.errors import Invalid
from functions.core.service import AreaService, AuditTrail
from functions.records.models.patients import PatientPage, PatientSummary, name_key
from functions.records.ports import PatientIndex


class PatientSearch(AreaService):
    def __init__(self, index: PatientIndex, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now) -> None:
        self.index = index
        self.audit = audit
        self.page_key = page_key
        self.now = now

    def search(self, caller: Caller, *, family: str | None = None, given: str | None = None,
               birth_date: date | None = None, phone: str | None = None, limit: int = 20,
               page_token: str | None = None) -> PatientPage:
        """Exactly one kind of search: by name (family prefix, or family and given prefix), birth date or phone."""
        authz.authorize(caller, "records.patient.search")
        kinds = [kind for kind, value in (("name", family), ("birth_date", birth_date), ("phone", phone))
                 if value is not None]
        if given is not None and family is None:
            raise Invalid("search by given name needs a family name too", code="invalid_search")
        if len(kinds) != 1:
            raise Invalid("search by one of: family (and given), birth_date, phone", code="invalid_search")
        by = kinds[0]
        criteria = {"name": f"{name_key(family or '')}#{name_key(given or '')}", "birth_date": str(birth_date),
                    "phone": phone}[by]
        # the token is good for this practice and this exact search only
        query = f"patients.by_{by}.{hashlib.sha256(str(criteria).encode()).hexdigest()[:24]}"
        resume = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        after = None
        if resume is not None:
            after = resume.get("after")
            if not isinstance(after, str):
                raise Invalid("the page token is not valid here", code="invalid_page_token")
        practice = caller.practice_id
        if by == "name":
            patients, last = self.index.search_by_name(practice, family, given, limit, after)
        elif by == "birth_date":
            patients, last = self.index.search_by_birth_date(practice, birth_date, limit, after)
        else:
            patients, last = self.index.search_by_phone(practice, phone, limit, after)
        # one entry per search: what kind, by whom; the patients listed are not each a record read
        self._audit_read(caller, "patient.search", "PATIENT", f"by_{by}", None)
        token = pagination.encode({"after": last} if last else None, practice_id=practice, query=query,
                                  key=self.page_key())
        return PatientPage(patients=[PatientSummary.of(p) for p in patients], next_page_token=token)
