"""Coupon drops, claims, limits, expiry and unlock rules through the real controller and hub."""

from __future__ import annotations

import itertools

import pytest

from console.commerce.book import CouponBook, CouponSpec
from console.commerce.codes import ALPHABET, AMBIGUOUS, is_valid_code, new_code
from console.core import actions as A
from console.core.events import Comment, Like, Viewer

_ids = itertools.count()


def comment(viewer_id: str, text: str = "领券") -> Comment:
    return Comment(platform="demo", msg_id=f"m{next(_ids)}", ts=0.0, viewer=Viewer(viewer_id, viewer_id), text=text)


def likes(n: int) -> Like:
    return Like(platform="demo", msg_id=f"l{next(_ids)}", ts=0.0, viewer=Viewer("liker", "liker"), count=n)


def named(log, name):
    return [a.detail for a in log if a.name == name]


def test_claims_until_exhausted_then_refused(room):
    hub, clock, ix, log = room
    assert ix.drop_coupon("¥20 off", "领券", quantity=3, amount_off=20).ok
    code = ix.snapshot().coupon.code
    assert code and is_valid_code(code)
    hub.publish_batch([comment(f"v{i}") for i in range(5)])
    claims = named(log, A.COUPON_CLAIM)
    assert [c["viewer_id"] for c in claims] == ["v0", "v1", "v2"]
    assert all(c["code"] == code for c in claims)
    assert ix.snapshot().coupon.remaining == 0
    [closed] = named(log, A.COUPON_CLOSE)
    assert closed["reason"] == "all claimed" and closed["claimed"] == 3
    hub.publish(comment("v9"))
    assert len(named(log, A.COUPON_CLAIM)) == 3


def test_per_viewer_limit(room):
    hub, clock, ix, log = room
    ix.drop_coupon("10% off", "领券", quantity=10, percent_off=10, per_viewer_limit=2)
    hub.publish_batch([comment("a"), comment("a"), comment("a"), comment("b")])
    assert [c["viewer_id"] for c in named(log, A.COUPON_CLAIM)] == ["a", "a", "b"]
    assert ix.snapshot().coupon.remaining == 7


def test_expiry_refuses_later_claims(room):
    hub, clock, ix, log = room
    ix.drop_coupon("10% off", "领券", quantity=10, percent_off=10, expires_s=60)
    hub.publish(comment("a"))
    clock.advance(59)
    assert ix.snapshot().coupon.expires_in_s == pytest.approx(1)
    clock.advance(1)
    hub.publish(comment("b"))  # arrives before the tick: still expired
    assert [c["viewer_id"] for c in named(log, A.COUPON_CLAIM)] == ["a"]
    assert named(log, A.COUPON_CLOSE)[0]["reason"] == "expired"
    assert ix.snapshot().coupon.expires_in_s == 0.0


def test_like_goal_drops_exactly_once(room):
    hub, clock, ix, log = room
    res = ix.drop_coupon("Thanks!", "领券", quantity=5, percent_off=5, like_goal=1000)
    assert res.ok and "1000 likes" in res.message
    view = ix.snapshot().coupon
    assert view.code is None and view.like_goal == 1000 and view.likes == 0
    hub.publish(comment("early"))  # locked: no claim
    hub.publish_batch([likes(400), likes(500)])
    assert ix.snapshot().coupon.code is None and named(log, A.COUPON_DROP) == []
    hub.publish_batch([likes(150), comment("x")])  # crosses 1000; claim in the same batch counts
    hub.publish_batch([likes(5000), likes(5000)])
    drops = named(log, A.COUPON_DROP)
    assert len(drops) == 1 and drops[0]["like_goal"] == 1000
    view = ix.snapshot().coupon
    assert view.code == drops[0]["code"] and view.likes == 11050
    assert [c["viewer_id"] for c in named(log, A.COUPON_CLAIM)] == ["x"]
    assert [a.name for a in log][:2] == [A.COUPON_ARM, A.COUPON_DROP]


def test_timed_drop(room):
    hub, clock, ix, log = room
    assert ix.drop_coupon("Later", "领券", quantity=5, amount_off=5, drop_in_s=30).ok
    clock.advance(29)
    assert ix.tick() == [] and ix.snapshot().coupon.code is None
    clock.advance(1)
    [res] = ix.tick()
    assert res.ok and ix.snapshot().coupon.code
    assert named(log, A.COUPON_DROP)[0]["code"] == ix.snapshot().coupon.code


@pytest.mark.parametrize("kwargs, words", [
    ({"quantity": 0, "amount_off": 5}, "quantity"),
    ({"quantity": 5}, "exactly one"),
    ({"quantity": 5, "amount_off": 5, "percent_off": 5}, "exactly one"),
    ({"quantity": 5, "percent_off": 150}, "between 0 and 100"),
    ({"quantity": 5, "amount_off": 5, "per_viewer_limit": 0}, "at least one claim"),
    ({"quantity": 5, "amount_off": 5, "expires_s": 0}, "valid for some time"),
    ({"quantity": 5, "amount_off": 5, "like_goal": 0}, "like goal"),
])
def test_bad_coupons_refused_in_words(room, kwargs, words):
    hub, clock, ix, log = room
    res = ix.drop_coupon("Deal", "领券", **kwargs)
    assert not res.ok and words in res.message and log == []


def test_one_coupon_at_a_time_and_stop(room):
    hub, clock, ix, log = room
    ix.drop_coupon("A", "领券", quantity=5, amount_off=5)
    assert not ix.drop_coupon("B", "领券", quantity=5, amount_off=5).ok
    assert ix.stop("coupon").ok and ix.snapshot().coupon is None
    assert named(log, A.COUPON_CLOSE)[0]["reason"] == "stopped by host"
    assert ix.drop_coupon("B", "领券", quantity=5, amount_off=5).ok


def test_codes_unambiguous_and_unique():
    assert not AMBIGUOUS & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET)
    book = CouponBook()
    codes = [book.issue_code() for _ in range(3000)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 8 and is_valid_code(c) for c in codes)
    with pytest.raises(ValueError):
        new_code(prefix="LIVE")  # L and I are look-alikes


def test_taken_codes_are_drawn_again(monkeypatch):
    """Uniqueness is enforced, not just likely: a random pick that is taken is redrawn."""
    picks = iter("2222" + "2222" + "3333")
    monkeypatch.setattr("console.commerce.codes.secrets.choice", lambda _alphabet: next(picks))
    assert new_code({"2222"}, length=4) == "3333"


def test_book_limits_directly():
    spec = CouponSpec("t", "k", quantity=2, amount_off=1)
    book = CouponBook()
    assert book.claim("c", spec, "a") is None
    assert book.claim("c", spec, "a") == "already claimed"
    assert book.claim("c", spec, "b") is None
    assert book.claim("c", spec, "z") == "all claimed"
    assert spec.describe() == "1 CNY off"
