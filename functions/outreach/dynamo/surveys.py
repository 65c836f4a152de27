"""DynamoDB adapter of SurveyBox: an answer once per registration, added to its workshop's totals."""

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.table import Put, Table, Update
from functions.outreach.dynamo import keys
from functions.outreach.models.surveys import SurveyAnswer


class DynamoSurveyBox:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def answer(self, practice_id: str, answer: SurveyAnswer, audit: AuditDraft) -> None:
        """TransactWriteItems: the answer OUTREACH_REGISTRATION#<r>/SURVEY (attribute_not_exists), UpdateItem
        ADD to the workshop's survey totals, audit."""
        item = {"pk": keys.registration_pk(practice_id, answer.registration_id), "sk": keys.SURVEY,
                "kind": "OUTREACH_SURVEY", **answer.model_dump(mode="json", exclude_none=True)}
        totals = Update({"pk": keys.workshop_pk(practice_id, answer.workshop_id), "sk": keys.WORKSHOP},
                        "ADD survey_answers :one, survey_rating_sum :rating, survey_again :again", {},
                        {":one": 1, ":rating": answer.rating, ":again": int(answer.would_attend_again)})
        self.audit.commit(audit, [Put(item, "attribute_not_exists(pk)",
                                      on_conflict=Conflict("this survey is answered already",
                                                           code="survey_answered")), totals])

    def answered(self, practice_id: str, registration_id: str) -> bool:
        """GetItem OUTREACH_REGISTRATION#<r>/SURVEY (consistent)."""
        return self.table.get(keys.registration_pk(practice_id, registration_id), keys.SURVEY,
                              consistent=True) is not None
