"""The stock_expired check on the fake stock: an expired lot with units on hand, until it is used up or written
off."""

from datetime import date

from functions.compliance.checks.base import Severity
from functions.compliance.checks.stock_expired import StockExpired
from tests.fakes.compliance import FakeExpiredStock

P = "practice-a"
TODAY = date(2026, 11, 30)


def test_an_expired_lot_with_stock_is_raised_for_the_coordinators():
    stock = FakeExpiredStock()
    stock.put(P, "gauze", "clinic", "L-1", date(2026, 11, 29), 12)
    [raised] = StockExpired(stock).find(P, TODAY)
    assert (raised.check, raised.severity, raised.owner) == ("stock_expired", Severity.HIGH, "role:coordinator")
    assert raised.key == "lot-gauze-clinic-L-1" and raised.due_on == date(2026, 11, 29)
    assert "12 unit(s)" in raised.title and raised.link == "/stock/expiring?location_id=clinic"


def test_a_lot_expiring_today_is_not_expired_yet():
    stock = FakeExpiredStock()
    stock.put(P, "gauze", "clinic", "L-1", TODAY, 3)
    assert list(StockExpired(stock).find(P, TODAY)) == []


def test_a_lot_at_zero_is_not_raised_and_clears_once_written_off():
    stock = FakeExpiredStock()
    stock.put(P, "gauze", "clinic", "L-1", date(2026, 11, 1), 0)
    stock.put(P, "swabs", "cart-1", "L-2", date(2026, 11, 1), 4)
    check = StockExpired(stock)
    assert [r.key for r in check.find(P, TODAY)] == ["lot-swabs-cart-1-L-2"]
    assert list(check.find(P, date(2026, 12, 1))) == list(check.find(P, TODAY))  # kept
    stock.put(P, "swabs", "cart-1", "L-2", date(2026, 11, 1), 0)  # written off
    assert list(check.find(P, date(2026, 12, 1))) == []


def test_a_lot_number_that_is_no_key_segment_gets_a_stable_digest_key():
    stock = FakeExpiredStock()
    stock.put(P, "vaccine", "fridge", "LOT 42/A", date(2026, 11, 1), 1)
    [first] = StockExpired(stock).find(P, TODAY)
    [again] = StockExpired(stock).find(P, TODAY)
    assert first.key == again.key and first.key.startswith("lot-") and len(first.key) <= 40
    assert set(first.key) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
