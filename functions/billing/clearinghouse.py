"""The clearinghouse port, and a simulated clearinghouse for local runs and tests.

The production adapter (an HTTP/SFTP client of a real clearinghouse) is out of scope; it implements
the same Protocol. The simulation keeps its state in the table, so a script set by a test holds across
Lambda invocations (each workflow step is one), and answers with real 835 files.

Script (per claim, or per practice with claim "*"): what successive submissions meet ("ok", "timeout",
"throttle", "reject"), how many polls the acknowledgement and the remittance stay pending, and the
payer's adjudication of successive accepted submissions ("paid", "partially_paid", "denied" with CARC
and RARC). The last entry of a list repeats."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import Field

from functions.billing import remit
from functions.billing.models.charges import ChargeLine
from functions.billing.models.claims import Claim, Subscriber
from functions.billing.x12_837 import COMPONENT, segments_of
from functions.core import clock
from functions.core.keys import collection_pk
from functions.core.models import Shape
from functions.core.table import Table


class ClearinghouseUnavailable(Exception):  # noqa: N818 - the name the ASL Retry matches
    """Transient: the clearinghouse timed out or is down. Worth retrying with backoff."""


class ClearinghouseThrottled(Exception):  # noqa: N818 - the name the ASL Retry matches
    """Transient: too many requests. Worth retrying with backoff."""


class SubmissionRejected(Exception):  # noqa: N818 - the name the ASL Catch matches
    """Permanent: the clearinghouse refused the file (999 / front-end edit). Retrying will not help."""


AckStatus = Literal["pending", "accepted", "rejected"]


@dataclass(frozen=True)
class Acknowledgement:
    status: AckStatus
    reason: str = ""


class Clearinghouse(Protocol):
    def submit(self, practice_id: str, control_number: int, document: str) -> str:
        """Send an 837P; returns the clearinghouse's submission id. Raises ClearinghouseUnavailable or
        ClearinghouseThrottled (transient) or SubmissionRejected (permanent)."""

    def acknowledgement(self, practice_id: str, submission_id: str) -> Acknowledgement: ...

    def remittance(self, practice_id: str, submission_id: str) -> str | None:
        """The 835 that answers the submission, or None while the payer has not answered."""

    def status_inquiry(self, practice_id: str, submission_id: str) -> str:
        """A claim status inquiry (276/277): a short status category for the follow-up log."""


class Adjudicated(Shape):
    outcome: remit.Outcome = "paid"
    carc: str = "16"
    rarc: str | None = None


class Script(Shape):
    submit: list[Literal["ok", "timeout", "throttle", "reject"]] = Field(default_factory=lambda: ["ok"])
    ack_pending_polls: int = 0
    ack: Literal["accepted", "rejected"] = "accepted"
    remit_pending_polls: int = 0
    remits: list[Adjudicated] = Field(default_factory=lambda: [Adjudicated()])
    answer: bool = True  # False: the payer never answers (for follow-up tests)


SIM = "CLEARINGHOUSE"


def _at(items: list, index: int):
    return items[min(index, len(items) - 1)]


def claim_from_837(document: str) -> Claim:
    """Enough of the claim back from its 837P for the simulated payer to adjudicate it."""
    rows = segments_of(document)
    first = {}
    lines: list[ChargeLine] = []
    dos = None
    for row in rows:
        first.setdefault(row[0] + (row[1] if row[0] == "NM1" else ""), row)
        if row[0] == "SV1":
            procedure = row[1].split(COMPONENT)
            lines.append(ChargeLine(procedure_code=procedure[1], modifiers=procedure[2:], units=int(row[4]),
                                    diagnosis_pointers=[1], charge_cents=remit.cents(row[2])))
        if row[0] == "DTP" and row[1] == "472":
            dos = datetime.strptime(row[3], "%Y%m%d").date()
    clm, subscriber, payer, sbr = first["CLM"], first["NM1IL"], first["NM1PR"], first["SBR"]
    place, _, frequency = clm[5].split(COMPONENT)
    dob = datetime.strptime(first["DMG"][2], "%Y%m%d").date()
    return Claim(
        id=clm[1], charge_id="-", patient_id="-", rank="primary" if sbr[1] == "P" else "secondary", payer_id="-",
        payer_name=payer[3], payer_electronic_id=payer[9],
        subscriber=Subscriber(member_id=subscriber[9], given_name=subscriber[4], family_name=subscriber[3],
                              birth_date=dob, gender="unknown", coverage_id="-", coverage_start=dob),
        date_of_service=dos, place_of_service=place, diagnoses=[], lines=lines, total_cents=remit.cents(clm[2]),
        state="submitted", frequency_code=frequency, timely_filing_deadline=dos, version=1, created_at="-",
        updated_at="-",
    )


@dataclass
class SimulatedClearinghouse:
    table: Table
    calls: list[tuple[str, str]] = field(default_factory=list)  # (operation, id): what it was asked

    def _pk(self, practice_id: str) -> str:
        return collection_pk(practice_id, SIM)

    # --- telling it how to behave ----------------------------------------------------------------
    def script(self, practice_id: str, script: Script, claim_id: str = "*") -> None:
        self.table.put({"pk": self._pk(practice_id), "sk": f"SCRIPT#{claim_id}", "kind": "SIM_SCRIPT",
                        "script": script.model_dump(), "submit_calls": 0, "accepted": 0})

    def _script(self, practice_id: str, claim_id: str) -> tuple[str, Script]:
        for key in (claim_id, "*"):
            item = self.table.get(self._pk(practice_id), f"SCRIPT#{key}", consistent=True)
            if item:
                return key, Script.model_validate(item["script"])
        return "", Script()

    def _count(self, practice_id: str, key: str, counter: str) -> int:
        """Atomically add one to a script's counter; returns the count before this call."""
        if not key:
            return 0
        response = self.table.dynamodb.update_item(
            TableName=self.table.name,
            Key={"pk": {"S": self._pk(practice_id)}, "sk": {"S": f"SCRIPT#{key}"}},
            UpdateExpression="ADD #c :one", ExpressionAttributeNames={"#c": counter},
            ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="UPDATED_OLD",
        )
        return int(response.get("Attributes", {}).get(counter, {}).get("N", "0"))

    # --- the Clearinghouse protocol ----------------------------------------------------------------
    def submit(self, practice_id: str, control_number: int, document: str) -> str:
        claim = claim_from_837(document)
        self.calls.append(("submit", claim.id))
        key, script = self._script(practice_id, claim.id)
        behaviour = _at(script.submit, self._count(practice_id, key, "submit_calls"))
        if behaviour == "timeout":
            raise ClearinghouseUnavailable("the clearinghouse did not answer in time")
        if behaviour == "throttle":
            raise ClearinghouseThrottled("the clearinghouse is throttling submissions")
        if behaviour == "reject":
            raise SubmissionRejected("999 rejected: IK3 segment error in loop 2010BA (subscriber): member id "
                                     "not on file with the payer")
        submission_id = f"SIM{control_number:09d}"
        sequence = self._count(practice_id, key, "accepted")
        self.table.put({"pk": self._pk(practice_id), "sk": f"SUBMISSION#{submission_id}", "kind": "SIM_SUBMISSION",
                        "claim_id": claim.id, "document": document, "sequence": sequence, "ack_polls": 0,
                        "remit_polls": 0, "control_number": control_number})
        return submission_id

    def _poll(self, practice_id: str, submission_id: str, counter: str) -> tuple[dict[str, Any], int]:
        response = self.table.dynamodb.update_item(
            TableName=self.table.name,
            Key={"pk": {"S": self._pk(practice_id)}, "sk": {"S": f"SUBMISSION#{submission_id}"}},
            UpdateExpression="ADD #c :one", ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#c": counter}, ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="ALL_OLD",
        )
        from functions.core.table import deserialize

        item = deserialize(response["Attributes"])
        return item, int(item.get(counter, 0))

    def acknowledgement(self, practice_id: str, submission_id: str) -> Acknowledgement:
        self.calls.append(("acknowledgement", submission_id))
        item, polls = self._poll(practice_id, submission_id, "ack_polls")
        _, script = self._script(practice_id, item["claim_id"])
        if polls < script.ack_pending_polls:
            return Acknowledgement("pending")
        if script.ack == "rejected":
            return Acknowledgement("rejected", "277CA A7:21 (invalid subscriber id)")
        return Acknowledgement("accepted")

    def remittance(self, practice_id: str, submission_id: str) -> str | None:
        self.calls.append(("remittance", submission_id))
        item, polls = self._poll(practice_id, submission_id, "remit_polls")
        _, script = self._script(practice_id, item["claim_id"])
        if not script.answer or polls < script.remit_pending_polls:
            return None
        adjudication = _at(script.remits, int(item["sequence"]))
        claim = claim_from_837(item["document"])
        icn = f"ICN{int(item['control_number']):010d}"
        return remit.build(claim, remit.Adjudication(adjudication.outcome, adjudication.carc, adjudication.rarc),
                           icn, int(item["control_number"]), clock.now().astimezone(UTC))

    def status_inquiry(self, practice_id: str, submission_id: str) -> str:
        self.calls.append(("status_inquiry", submission_id))
        item = self.table.get(self._pk(practice_id), f"SUBMISSION#{submission_id}", consistent=True)
        return "A1:20 accepted, pending adjudication" if item else "A6:21 not found"
