"""run_once: the first request with a key does the work; a retry or a lost race gets the first answer."""

import pytest
from pydantic import BaseModel

from functions.core.errors import Conflict, Invalid
from functions.core.idempotency import AlreadyDone, IdempotentRequest, run_once


class Receipt(BaseModel):
    id: str
    amount: int


class Store:
    """A fake of an area store's idempotency part: records written with the work, keyed per practice."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], dict] = {}

    def replay(self, practice_id: str, request: IdempotentRequest):
        stored = self.records.get((practice_id, request.key))
        if stored is None:
            return None
        if stored["fingerprint"] != request.fingerprint:
            raise Invalid("reused", code="idempotency_key_reused")
        return stored["response"]

    def write(self, practice_id: str, request: IdempotentRequest | None, receipt: Receipt) -> Receipt:
        if request is not None:
            if (practice_id, request.key) in self.records:
                raise AlreadyDone("already done")
            self.records[(practice_id, request.key)] = request.answered(receipt).model_dump()
        return receipt


def pay(store: Store, practice: str, key: str | None, amount: int, made: list) -> Receipt:
    def work(request):
        receipt = Receipt(id=f"r{len(made) + 1}", amount=amount)
        made.append(receipt)
        return store.write(practice, request, receipt)

    return run_once(store, practice, key, "payments.record", {"amount": amount}, work, Receipt.model_validate)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_does_nothing_again():
    store, made = Store(), []
    first = pay(store, "p1", "key-00001", 500, made)
    assert pay(store, "p1", "key-00001", 500, made) == first
    assert len(made) == 1


def test_the_same_key_for_a_different_request_is_refused():
    store, made = Store(), []
    pay(store, "p1", "key-00001", 500, made)
    with pytest.raises(Invalid):
        pay(store, "p1", "key-00001", 900, made)


def test_keys_are_per_practice():
    store, made = Store(), []
    pay(store, "p1", "key-00001", 500, made)
    pay(store, "p2", "key-00001", 500, made)
    assert len(made) == 2


def test_without_a_key_every_request_does_the_work():
    store, made = Store(), []
    pay(store, "p1", None, 500, made)
    pay(store, "p1", None, 500, made)
    assert len(made) == 2


def test_a_race_lost_to_the_same_key_answers_with_the_winners_response():
    store = Store()
    winner = Receipt(id="winner", amount=500)

    def work(request):  # the other request's transaction commits between our check and our write
        store.records[("p1", request.key)] = request.answered(winner).model_dump()
        raise AlreadyDone("already done")

    answer = run_once(store, "p1", "key-00001", "payments.record", {"amount": 500}, work, Receipt.model_validate)
    assert answer == winner


def test_a_lost_race_whose_winner_left_no_record_asks_for_a_retry():
    def work(request):
        raise AlreadyDone("already done")

    with pytest.raises(Conflict):
        run_once(Store(), "p1", "key-00001", "payments.record", {}, work, Receipt.model_validate)
