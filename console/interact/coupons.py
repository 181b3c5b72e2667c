"""Coupon drops: claims by comment keyword, quantity and per-viewer limits, expiry, unlock rules.

A drop can go live at once, after a delay (timed drop) or when the room's likes since it was armed
reach a goal (点赞满 N 发券) — exactly once. Going live issues one code from the coupon book and
makes it real through the backend (local at once; a shop over the network, as a task).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Sequence

from console.commerce.backend import CouponBackend, LocalCouponBackend, PublishOutcome
from console.commerce.book import CouponBook, CouponSpec
from console.core import actions as A
from console.core.events import ActionSource, Comment, Event, Like

from .keywords import matches_entry
from .outbox import Outbox
from .results import Result, ok, refused
from .views import CouponView

Spawn = Callable[[Awaitable[PublishOutcome], Callable[[PublishOutcome], None]], bool]
"""Run a backend coroutine and call back with its outcome on the loop thread; False if no loop."""


@dataclass
class Drop:
    coupon_id: str
    spec: CouponSpec
    phase: str  # "scheduled" | "locked" | "publishing" | "live" | "closed"
    like_goal: int | None = None
    likes: int = 0
    drop_at: float | None = None  # monotonic
    live_at: float | None = None  # monotonic
    code: str | None = None
    close_reason: str | None = None


class CouponEngine:
    def __init__(self, clock, outbox: Outbox, backend: CouponBackend | None = None,
                 spawn: Spawn | None = None, on_async_change: Callable[[Result], None] | None = None) -> None:
        self.clock = clock
        self.outbox = outbox
        self.backend: CouponBackend = backend or LocalCouponBackend()
        self.book = CouponBook()
        self.spawn = spawn
        self.on_async_change = on_async_change
        self.drop: Drop | None = None

    # -- arming and going live -----------------------------------------------------------------
    def arm(self, spec: CouponSpec, *, like_goal: int | None, drop_in_s: float | None,
            source: ActionSource) -> Result:
        problem = spec.problem()
        if problem:
            return refused(problem)  # a Message from the coupon spec
        if like_goal is not None and like_goal < 1:
            return refused("coupon.like_goal")
        if drop_in_s is not None and drop_in_s < 0:
            return refused("coupon.past")
        if self.drop is not None and self.drop.phase in ("scheduled", "locked", "publishing", "live"):
            return refused("coupon.running")
        if self.backend.remote and self.spawn is None:
            return refused("coupon.needs_loop", backend=self.backend.name)
        coupon_id = self.outbox.new_id("coupon")
        now = self.clock.monotonic()
        phase = "locked" if like_goal else "scheduled" if drop_in_s else "pending"
        self.drop = Drop(coupon_id, spec, phase, like_goal=like_goal,
                         drop_at=now + drop_in_s if drop_in_s else None)
        if phase != "pending":
            self.outbox.emit(A.COUPON_ARM, {
                "coupon_id": coupon_id, "title": spec.title, "keyword": spec.keyword,
                "quantity": spec.quantity, "like_goal": like_goal, "drop_in_s": drop_in_s,
                **({"sku": spec.sku} if spec.sku else {}),
            }, source)
            if phase == "locked":
                return ok("coupon.armed_likes", goal=like_goal)
            return ok("coupon.armed_timed", seconds=f"{drop_in_s:g}")
        return self._go_live(source)

    def _go_live(self, source: ActionSource) -> Result:
        drop = self.drop
        assert drop is not None
        drop.code = self.book.issue_code()
        if not self.backend.remote:
            return self._live(drop, source, PublishOutcome(True, ""))
        drop.phase = "publishing"
        now = self.clock.now()
        coro = self.backend.publish(drop.spec, drop.code, now, now + drop.spec.expires_s)
        assert self.spawn is not None
        if not self.spawn(coro, lambda outcome: self._published(drop, outcome, source)):
            coro.close()
            drop.phase, drop.close_reason = "closed", "no network loop"
            return refused("coupon.no_loop")
        return ok("coupon.creating", code=drop.code, backend=self.backend.name)

    def _published(self, drop: Drop, outcome: PublishOutcome, source: ActionSource) -> None:
        if self.drop is not drop or drop.phase != "publishing":
            return  # stopped while the shop was answering
        if outcome.ok:
            result = self._live(drop, source, outcome)
        else:
            drop.phase, drop.close_reason, drop.code = "closed", "backend failed", None
            self.outbox.emit(A.COUPON_FAILED, {"coupon_id": drop.coupon_id, "backend": self.backend.name,
                                                "message": outcome.message}, ActionSource.SYSTEM)
            result = refused("coupon.failed", reason=outcome.message)
        if self.on_async_change:
            self.on_async_change(result)

    def _live(self, drop: Drop, source: ActionSource, outcome: PublishOutcome) -> Result:
        drop.phase = "live"
        drop.live_at = self.clock.monotonic()
        spec = drop.spec
        detail: dict[str, Any] = {
            "coupon_id": drop.coupon_id, "keyword": spec.keyword, "quantity": spec.quantity,
            "title": spec.title, "code": drop.code, "percent_off": spec.percent_off,
            "amount_off": spec.amount_off, "min_spend": spec.min_spend,
            "per_viewer_limit": spec.per_viewer_limit, "expires_s": spec.expires_s,
            "backend": self.backend.name,
        }
        if spec.sku:
            detail["sku"] = spec.sku
        if outcome.remote_id:
            detail["remote_id"] = outcome.remote_id
        if drop.like_goal:
            detail["like_goal"] = drop.like_goal
        self.outbox.emit(A.COUPON_DROP, detail, source)
        return ok("coupon.live", title=spec.title, keyword=spec.keyword, quantity=spec.quantity, code=drop.code)

    # -- claims, likes, time -------------------------------------------------------------------
    def on_events(self, batch: Sequence[Event]) -> bool:
        drop = self.drop
        if drop is None or drop.phase in ("closed", "scheduled", "publishing"):
            return False
        self.tick()
        changed = False
        for ev in batch:
            if drop.phase == "locked" and isinstance(ev, Like):
                drop.likes += max(0, ev.count)
                changed = True
                if drop.likes >= (drop.like_goal or 0):
                    self._go_live(ActionSource.ENGINE)
            elif drop.phase == "live" and isinstance(ev, Comment) and ev.viewer is not None:
                if not matches_entry(ev.text, drop.spec.keyword):
                    continue
                if self.book.claim(drop.coupon_id, drop.spec, ev.viewer.id) is not None:
                    continue  # exhausted or over the per-viewer limit: no claim, nothing issued
                changed = True
                self.outbox.emit(A.COUPON_CLAIM, {"coupon_id": drop.coupon_id, "viewer_id": ev.viewer.id,
                                                  "code": drop.code}, ActionSource.ENGINE)
                if self.remaining() == 0:
                    self._close("all claimed", ActionSource.ENGINE)
            elif drop.phase == "live" and isinstance(ev, Like) and drop.like_goal:
                drop.likes += max(0, ev.count)  # keep counting for the overlay after unlock
        return changed

    def tick(self) -> list[Result]:
        drop = self.drop
        if drop is None:
            return []
        now = self.clock.monotonic()
        if drop.phase == "scheduled" and drop.drop_at is not None and now >= drop.drop_at:
            return [self._go_live(ActionSource.ENGINE)]
        if drop.phase == "live" and drop.live_at is not None and now - drop.live_at >= drop.spec.expires_s:
            return [self._close("expired", ActionSource.ENGINE)]
        return []

    def _close(self, reason: str, source: ActionSource) -> Result:
        drop = self.drop
        assert drop is not None
        was = drop.phase
        drop.phase, drop.close_reason = "closed", reason
        self.outbox.emit(A.COUPON_CLOSE, {"coupon_id": drop.coupon_id, "reason": reason,
                                          "claimed": self.book.claimed(drop.coupon_id),
                                          "was": was}, source)
        key = {"all claimed": "coupon.closed_all", "expired": "coupon.closed_expired",
               "stopped by host": "coupon.closed_stopped"}.get(reason)
        return ok(key) if key else ok("coupon.closed", reason=reason)

    def stop(self, source: ActionSource) -> Result:
        if self.drop is None:
            return ok("coupon.none")
        result = ok("coupon.removed")
        if self.drop.phase != "closed":
            result = self._close("stopped by host", source)
        self.drop = None
        return result

    # -- reading -------------------------------------------------------------------------------
    def remaining(self) -> int:
        if self.drop is None:
            return 0
        return max(0, self.drop.spec.quantity - self.book.claimed(self.drop.coupon_id))

    def view(self) -> CouponView | None:
        drop = self.drop
        if drop is None:
            return None
        expires = None
        if drop.phase == "live" and drop.live_at is not None:
            expires = max(0.0, drop.spec.expires_s - (self.clock.monotonic() - drop.live_at))
        elif drop.phase == "closed":
            expires = 0.0
        return CouponView(
            coupon_id=drop.coupon_id,
            title=drop.spec.title,
            keyword=drop.spec.keyword,
            code=drop.code if drop.phase in ("live", "closed") else None,
            remaining=self.remaining(),
            quantity=drop.spec.quantity,
            expires_in_s=expires,
            like_goal=drop.like_goal,
            likes=drop.likes,
        )
