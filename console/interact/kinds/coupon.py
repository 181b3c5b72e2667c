"""Coupon drops: codes viewers claim by keyword; optionally timed or unlocked by a like goal."""

from __future__ import annotations

from console.commerce.book import CouponSpec
from console.core.events import ActionSource

from ..coupons import CouponEngine
from ..registry import Confirm, Control, InteractionKind, register
from ..results import refused
from ..timefmt import mmss


def _describe(v):
    if v.code is None and v.like_goal is not None and v.likes < v.like_goal:
        return (f"locked: {v.likes:,}/{v.like_goal:,} likes", f"待解锁：{v.likes:,}/{v.like_goal:,} 赞")
    left = (f"{v.remaining} left", f"剩余 {v.remaining} 张")
    if v.expires_in_s is None:
        return left
    return (f"{left[0]} · {mmss(v.expires_in_s)}", f"{left[1]} · {mmss(v.expires_in_s)}")


KIND = register(InteractionKind(
    "coupon", ("Coupon", "优惠券"), order=30, timed=True,
    engine=lambda ix: CouponEngine(ix.clock, ix.outbox, ix.coupon_backend, spawn=ix.spawn,
                                   on_async_change=ix.async_result),
    stop=lambda engine, source: engine.stop(source),
    describe=_describe,
    controls=(Control("stop", ("Stop", "停止"), lambda ix: ix.stop("coupon")),),
    confirm_start=Confirm(("Drop coupon?", "发放优惠券？"),
                          ("“{label}” issues real coupon codes to viewers. This cannot be undone.",
                           "“{label}”将向观众发放真实券码，发出后无法撤回。"),
                          ("Drop coupon", "发放")),
))


@KIND.action("Coupon", "优惠券", preset=True)
def drop_coupon(ix, title: str, keyword: str, *, quantity: int, percent_off: float | None = None,
                amount_off: float | None = None, min_spend: float = 0, per_viewer_limit: int = 1,
                expires_s: float = 600, like_goal: int | None = None, drop_in_s: float | None = None,
                currency: str = "CNY", sku: str | None = None, source: ActionSource = ActionSource.HOST,
                override_lint: bool = False):
    """`sku`: a catalog product the coupon is for (its currency is used)."""
    product = ix.catalog.find(sku) if sku else None
    if sku and product is None:
        return refused("coupon.sku", sku=sku)
    if product is not None:
        currency = product.currency
    spec = CouponSpec(title.strip(), keyword.strip(), int(quantity), percent_off, amount_off,
                      float(min_spend), int(per_viewer_limit), float(expires_s), currency, sku)
    return ix.guarded("coupon", [spec.title, spec.keyword], override_lint,
                      lambda: ix.engine("coupon").arm(spec, like_goal=like_goal, drop_in_s=drop_in_s,
                                                      source=source), call_to_action=True)
