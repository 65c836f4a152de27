from functions.core.audit import GENESIS, AuditDraft, chain, verify_chain


def entries(n: int) -> list[dict]:
    result, seq, last = [], 0, GENESIS
    for i in range(n):
        entry = chain(seq, last, AuditDraft(practice_id="demo", actor=f"u{i}", role="coordinator",
                                             action="patient.read", entity="PATIENT", entity_id=f"p{i}",
                                             request_id=f"r{i}", at="2026-11-26T10:00:00.000Z"))
        seq, last = entry.seq, entry.hash
        result.append(entry.model_dump())
    return result


def head(chain_entries):
    return (chain_entries[-1]["seq"], chain_entries[-1]["hash"]) if chain_entries else (0, GENESIS)


def test_untouched_chain_is_intact():
    trail = entries(5)
    result = verify_chain(trail, head(trail))
    assert result.intact and result.checked == 5


def test_each_entry_links_to_the_one_before():
    trail = entries(3)
    assert trail[0]["prev_hash"] == GENESIS
    assert trail[2]["prev_hash"] == trail[1]["hash"]


def test_changed_field_is_detected():
    trail = entries(4)
    the_head = head(trail)
    trail[1]["action"] = "patient.update"
    result = verify_chain(trail, the_head)
    assert result.problems == ["entry 2 was changed after it was written"]


def test_changed_and_rehashed_entry_breaks_the_next_link():
    trail = entries(4)
    the_head = head(trail)
    forged = chain(1, trail[0]["hash"], AuditDraft(**{k: v for k, v in trail[1].items()
                                                       if k not in ("seq", "prev_hash", "hash")} | {"actor": "x"}))
    trail[1] = forged.model_dump()
    result = verify_chain(trail, the_head)
    assert "entry 3 does not link to entry 2" in result.problems


def test_removed_middle_entry_is_detected():
    trail = entries(4)
    the_head = head(trail)
    del trail[1]
    assert any("missing" in p for p in verify_chain(trail, the_head).problems)


def test_removed_last_entry_is_detected_by_the_head():
    trail = entries(4)
    the_head = head(trail)
    assert "entries 4..4 are missing from the end" in verify_chain(trail[:-1], the_head).problems


def test_verification_can_resume_from_a_checkpoint():
    trail = entries(6)
    result = verify_chain(trail[3:], head(trail), start=(3, trail[2]["hash"]))
    assert result.intact and result.checked == 3
