"""The denial-rules table: what to do with a denied claim, by its CARC (and RARC, and group code).
The most specific matching rule wins; no match sends the claim to a billing person. Pure."""

from dataclasses import dataclass

from functions.billing.models.setup import DenialRule

# What a practice starts with. A practice replaces the table with PUT /claims/settings.
DEFAULT_RULES: tuple[DenialRule, ...] = (
    # CARC 16: "claim lacks information or has submission/billing errors". With MA130 ("...no appeal
    # rights; correct and resubmit") the claim can go again as a replacement once the data is refreshed.
    DenialRule(carc="16", rarc="MA130", action="resubmit",
               note="incomplete or invalid information: resubmitted as a replacement with current records"),
    DenialRule(carc="16", rarc="N382", action="resubmit", correction="refresh_subscriber",
               note="missing or invalid patient identifier: resubmitted with the coverage on file"),
    DenialRule(carc="16", rarc="M51", action="work_item",
               note="missing or invalid procedure code: a coder must correct the charge"),
    DenialRule(carc="16", rarc="M76", action="work_item",
               note="missing or invalid diagnosis: a coder must correct the charge"),
    # CARC 31: patient cannot be identified as our insured. Worth one go with the coverage now on file.
    DenialRule(carc="31", action="resubmit", correction="refresh_subscriber",
               note="patient not identified: resubmitted with the coverage now on file"),
    DenialRule(carc="29", action="work_item", note="filing limit passed: appeal with proof or write off"),
    DenialRule(carc="27", action="work_item",
               note="coverage ended before the service: bill another payer or the patient"),
    DenialRule(carc="50", action="work_item", note="not medically necessary: appeal with records"),
    DenialRule(carc="97", action="work_item", note="bundled into another service: review the coding"),
    DenialRule(carc="18", action="close", note="exact duplicate of a claim already adjudicated"),
)


@dataclass(frozen=True)
class Decision:
    action: str  # resubmit, work_item, close
    correction: str
    reason: str
    carc: str | None
    rarc: str | None


def _specificity(rule: DenialRule) -> int:
    return (rule.rarc is not None) * 2 + (rule.group is not None)


def decide(carcs: list[tuple[str, str]], rarcs: list[str], rules: tuple[DenialRule, ...] | list[DenialRule] | None,
           auto_resubmits: int, max_auto_resubmits: int) -> Decision:
    """`carcs`: (group, reason) pairs from the 835 that explain the denial; `rarcs`: its remark codes.

    A resubmit the claim has already had `max_auto_resubmits` times goes to a person instead: automatic
    corrections must not loop."""
    table = DEFAULT_RULES if rules is None else tuple(rules)
    best: DenialRule | None = None
    for group, carc in carcs:
        for rule in table:
            if rule.carc != carc or (rule.group and rule.group != group) or (rule.rarc and rule.rarc not in rarcs):
                continue
            if best is None or _specificity(rule) > _specificity(best):
                best = rule
    codes = ", ".join(f"{g}-{c}" for g, c in carcs) or "none"
    remarks = ", ".join(rarcs) or "none"
    if best is None:
        return Decision("work_item", "none", f"denied ({codes}; remarks {remarks}): no rule handles it",
                        carcs[0][1] if carcs else None, rarcs[0] if rarcs else None)
    reason = f"denied ({codes}; remarks {remarks}): {best.note}" if best.note else f"denied ({codes})"
    if best.action == "resubmit" and auto_resubmits >= max_auto_resubmits:
        return Decision("work_item", "none", f"{reason}; already resubmitted {auto_resubmits} times automatically",
                        best.carc, best.rarc)
    return Decision(best.action, best.correction, reason, best.carc, best.rarc)
