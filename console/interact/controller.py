"""The one object the UI, hotkeys and the run-of-show talk to for interactions.

It owns the engines, feeds them hub events, applies the cross-cutting guards (air-text lint,
fatigue) and publishes what the engines recorded as Actions. Threading: operations and hub
batches arrive on the loop thread; `snapshot()` may be called from the video worker, so all state
is touched under one lock, and Actions are published only after the lock is released.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from typing import Any, Awaitable, Callable, Sequence

from console.commerce.backend import CouponBackend, PublishOutcome
from console.commerce.book import CouponSpec
from console.core import actions as A
from console.core.clock import Clock, SystemClock
from console.core.events import ActionSource, Event, Viewer
from console.core.hub import SessionHub

from .countdown import CountdownEngine
from .coupons import CouponEngine
from .fatigue import FatigueGuard
from .lint import AirTextLint, describe
from .lottery import LotteryEngine, LotteryRules
from .outbox import Outbox
from .poll import PollBackend, PollEngine, build_spec
from .presets import Preset, load_presets
from .results import Result, ok, refused
from .views import OverlayState, PinnedCommentView, ProductCardView

__all__ = ["Interactions", "Result", "Preset"]

log = logging.getLogger(__name__)

AUDIENCE_KINDS = ("comment", "like", "gift", "follow", "join", "leave", "order")
STOPPABLE = ("poll", "lottery", "coupon", "countdown", "product_card", "pinned")


class Interactions:
    def __init__(self, hub: SessionHub, clock: Clock | None = None, *,
                 coupon_backend: CouponBackend | None = None, fatigue: FatigueGuard | None = None,
                 lint: AirTextLint | None = None, presets: list[Preset] | None = None,
                 poll_backend: PollBackend | None = None) -> None:
        self.hub = hub
        self.clock = clock or SystemClock()
        self.fatigue = fatigue or FatigueGuard()
        self.lint = lint or AirTextLint.load()
        self.presets: list[Preset] = load_presets() if presets is None else presets
        self._lock = threading.RLock()
        self._outbox = Outbox(self.clock)
        self._listeners: list[Callable[[], None]] = []
        self._first_seen: dict[str, float] = {}
        self._started = self.clock.monotonic()
        self.blocked: set[str] = set()
        self.notices: deque[Result] = deque(maxlen=50)
        """Results that arrived later (a shop answering); newest last, for the UI to show."""

        self.polls = PollEngine(self.clock, self._outbox, poll_backend)
        self.lottery = LotteryEngine(self.clock, self._outbox, watch_time=self._watch_time,
                                     is_blocked=self.blocked.__contains__)
        self.coupons = CouponEngine(self.clock, self._outbox, coupon_backend, spawn=self._spawn,
                                    on_async_change=self._async_result)
        self.countdown = CountdownEngine(self.clock, self._outbox)
        self._product_card: ProductCardView | None = None
        self._pinned: PinnedCommentView | None = None
        self._subscription = hub.subscribe(self._on_events, name="interactions", kinds=AUDIENCE_KINDS)

    # -- plumbing ------------------------------------------------------------------------------
    def add_listener(self, fn: Callable[[], None]) -> None:
        self._listeners.append(fn)

    def close(self) -> None:
        self.hub.unsubscribe(self._subscription)

    def _flush(self, changed: bool = True) -> None:
        """Publish what the engines recorded, then tell listeners. Never called under the lock."""
        with self._lock:
            actions = self._outbox.drain()
        if actions:
            self.hub.publish_batch(actions)
        if changed or actions:
            for fn in list(self._listeners):
                try:
                    fn()
                except Exception:  # noqa: BLE001 — a broken panel must not stop the engines
                    log.exception("interactions listener failed")

    def _run(self, op: Callable[[], Result]) -> Result:
        with self._lock:
            result = op()
        self._flush(result.ok)
        return result

    def _watch_time(self, viewer: Viewer) -> float:
        return self.clock.monotonic() - self._first_seen.get(viewer.id, self._started)

    def _on_events(self, batch: Sequence[Event]) -> None:
        with self._lock:
            now = self.clock.monotonic()
            seen = self._first_seen
            for ev in batch:
                if ev.viewer is not None and ev.viewer.id not in seen:
                    seen[ev.viewer.id] = now
            changed = self.polls.on_events(batch)
            changed |= self.lottery.on_events(batch)
            changed |= self.coupons.on_events(batch)
        self._flush(changed)

    def _spawn(self, coro: Awaitable[PublishOutcome], done: Callable[[PublishOutcome], None]) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False

        async def runner() -> None:
            try:
                outcome = await coro
            except Exception as exc:  # noqa: BLE001 — report, never lose the drop silently
                log.exception("coupon backend failed")
                outcome = PublishOutcome(False, f"the shop connection failed unexpectedly ({type(exc).__name__})")
            with self._lock:
                done(outcome)
            self._flush(True)

        loop.create_task(runner())
        return True

    def _async_result(self, result: Result) -> None:
        self.notices.append(result)

    def _guarded(self, kind: str, texts: Sequence[str | None], override_lint: bool,
                 op: Callable[[], Result], *, call_to_action: bool) -> Result:
        """Lint the air text, run the operation, count it against viewer fatigue."""
        hits = self.lint.check(*texts)
        if hits and not override_lint:
            return refused(describe(hits), tuple(h.term for h in hits))
        with self._lock:
            result = op()
            if result.ok and hits:
                self._outbox.emit(A.LINT_OVERRIDE, {
                    "kind": kind, "text": " | ".join(t for t in texts if t),
                    "hits": [h.term for h in hits]}, ActionSource.HOST)
            if result.ok and call_to_action:
                now = self.clock.monotonic()
                warning = self.fatigue.record(now, kind)
                if warning:
                    self._outbox.emit(A.FATIGUE_WARNING, {
                        "kind": kind, "count": self.fatigue.recent(now),
                        "window_s": self.fatigue.window_s, "max_calls": self.fatigue.max_calls,
                    }, ActionSource.ENGINE)
                    joined = "; ".join(w for w in (result.warning, warning) if w)
                    result = Result(result.ok, result.message, result.lint_hits, joined)
        self._flush(result.ok)
        return result

    def fatigue_preview(self) -> str | None:
        """What the next call to action would be warned about (show it next to the buttons)."""
        with self._lock:
            return self.fatigue.would_warn(self.clock.monotonic())

    # -- polls ---------------------------------------------------------------------------------
    def open_poll(self, question: str, options: Sequence[str], *, duration_s: float | None = 60,
                  keywords: Sequence[Sequence[str]] | None = None,
                  source: ActionSource = ActionSource.HOST, override_lint: bool = False,
                  allow_change: bool = False) -> Result:
        spec = build_spec(self._outbox.new_id("poll"), question, options, keywords, duration_s, allow_change)
        if isinstance(spec, str):
            return refused(spec)
        return self._guarded("poll", [spec.question, *spec.options], override_lint,
                             lambda: self.polls.open(spec, source), call_to_action=True)

    def close_poll(self, source: ActionSource = ActionSource.HOST) -> Result:
        return self._run(lambda: self.polls.close(source))

    # -- lottery -------------------------------------------------------------------------------
    def start_lottery(self, keyword: str, *, window_s: float = 60, winners: int = 1,
                      rules: LotteryRules | dict[str, Any] | None = None,
                      source: ActionSource = ActionSource.HOST, override_lint: bool = False) -> Result:
        try:
            parsed = rules if isinstance(rules, LotteryRules) else LotteryRules.from_mapping(rules)
        except (ValueError, TypeError) as exc:
            return refused(f"Lottery rules not understood: {exc}")
        parsed = LotteryRules(parsed.followers_only, parsed.min_watch_s, parsed.high_value_only,
                              parsed.blocked | frozenset(self.blocked))
        return self._guarded("lottery", [keyword], override_lint,
                             lambda: self.lottery.start(keyword, window_s, winners, parsed, source),
                             call_to_action=True)

    def close_lottery_entries(self, source: ActionSource = ActionSource.HOST) -> Result:
        return self._run(lambda: self.lottery.close_entries(source))

    def draw(self, source: ActionSource = ActionSource.HOST) -> Result:
        return self._run(lambda: self.lottery.draw(source))

    def reroll(self, count: int = 1, source: ActionSource = ActionSource.HOST) -> Result:
        return self._run(lambda: self.lottery.reroll(count, source))

    def block_viewer(self, viewer_id: str) -> None:
        """Blocked viewers cannot enter lotteries from now on (moderation)."""
        with self._lock:
            self.blocked.add(viewer_id)

    # -- coupons -------------------------------------------------------------------------------
    def drop_coupon(self, title: str, keyword: str, *, quantity: int, percent_off: float | None = None,
                    amount_off: float | None = None, min_spend: float = 0, per_viewer_limit: int = 1,
                    expires_s: float = 600, like_goal: int | None = None, drop_in_s: float | None = None,
                    currency: str = "CNY", source: ActionSource = ActionSource.HOST,
                    override_lint: bool = False) -> Result:
        spec = CouponSpec(title.strip(), keyword.strip(), int(quantity), percent_off, amount_off,
                          float(min_spend), int(per_viewer_limit), float(expires_s), currency)
        return self._guarded("coupon", [spec.title, spec.keyword], override_lint,
                             lambda: self.coupons.arm(spec, like_goal=like_goal, drop_in_s=drop_in_s,
                                                      source=source), call_to_action=True)

    # -- countdown, product card, pinned comment -----------------------------------------------
    def start_countdown(self, seconds: float, label: str, *, flash_sale: bool = False,
                        sku: str | None = None, price: float | None = None,
                        source: ActionSource = ActionSource.HOST, override_lint: bool = False) -> Result:
        return self._guarded("flash_sale" if flash_sale else "countdown", [label], override_lint,
                             lambda: self.countdown.start(seconds, label, flash_sale=flash_sale, sku=sku,
                                                          price=price, source=source),
                             call_to_action=flash_sale)

    def show_product_card(self, sku: str, name: str, price: float, currency: str = "CNY",
                          coupon_text: str | None = None, source: ActionSource = ActionSource.HOST,
                          override_lint: bool = False) -> Result:
        def op() -> Result:
            if not sku.strip() or not name.strip():
                return refused("The product card needs the product's SKU and name.")
            if price < 0:
                return refused("The price cannot be negative.")
            self._product_card = ProductCardView(sku.strip(), name.strip(), float(price), currency, coupon_text)
            self._outbox.emit(A.PRODUCT_CARD, {"sku": sku, "name": name, "price": float(price),
                                               "currency": currency, "coupon_text": coupon_text}, source)
            return ok(f"Product card on screen: {name} {price:g} {currency}.")

        return self._guarded("product_card", [name, coupon_text], override_lint, op, call_to_action=False)

    def pin_comment(self, viewer_name: str, text: str, source: ActionSource = ActionSource.HOST,
                    override_lint: bool = False) -> Result:
        def op() -> Result:
            clean = " ".join(text.split())
            if not clean:
                return refused("There is no text to pin.")
            self._pinned = PinnedCommentView(viewer_name, clean)
            self._outbox.emit(A.PIN_COMMENT, {"viewer_name": viewer_name, "text": clean}, source)
            return ok("Comment pinned on screen.")

        return self._guarded("pinned", [text], override_lint, op, call_to_action=False)

    # -- stop, presets, time -------------------------------------------------------------------
    def stop(self, kind: str, source: ActionSource = ActionSource.HOST) -> Result:
        if kind not in STOPPABLE:
            return refused(f"Nothing called “{kind}” can be stopped (one of: {', '.join(STOPPABLE)}).")

        def op() -> Result:
            if kind == "poll":
                return self.polls.dismiss(source)
            if kind == "lottery":
                return self.lottery.dismiss(source)
            if kind == "coupon":
                return self.coupons.stop(source)
            if kind == "countdown":
                return self.countdown.stop(source)
            if kind == "product_card":
                self._product_card = None
            else:
                self._pinned = None
            self._outbox.emit(A.OVERLAY_CLEAR, {"kind": kind}, source)
            return ok("Removed from the screen.")

        return self._run(op)

    def run_preset(self, preset_id: str, *, override_lint: bool = False,
                   source: ActionSource = ActionSource.HOST) -> Result:
        preset = next((p for p in self.presets if p.id == preset_id), None)
        if preset is None:
            return refused(f"There is no preset called “{preset_id}”.")
        params = dict(preset.params)
        try:
            if preset.kind == "poll":
                return self.open_poll(params.pop("question"), params.pop("options"), source=source,
                                      override_lint=override_lint, **params)
            if preset.kind == "lottery":
                return self.start_lottery(params.pop("keyword"), source=source,
                                          override_lint=override_lint, **params)
            if preset.kind == "coupon":
                return self.drop_coupon(params.pop("title"), params.pop("keyword"), source=source,
                                        override_lint=override_lint, **params)
            if preset.kind == "countdown":
                return self.start_countdown(params.pop("seconds"), params.pop("label"), source=source,
                                            override_lint=override_lint, **params)
            return self.show_product_card(params.pop("sku"), params.pop("name"), params.pop("price"),
                                          source=source, override_lint=override_lint, **params)
        except (KeyError, TypeError) as exc:
            return refused(f"Preset “{preset.label_en}” is missing or has a wrong setting: {exc}. "
                           "Fix it in presets.toml.")

    def tick(self) -> list[Result]:
        with self._lock:
            results = [*self.polls.tick(), *self.lottery.tick(), *self.coupons.tick(), *self.countdown.tick()]
        self._flush(bool(results))
        return results

    def snapshot(self) -> OverlayState:
        with self._lock:
            return OverlayState(
                poll=self.polls.view(),
                lottery=self.lottery.view(),
                coupon=self.coupons.view(),
                countdown=self.countdown.view(),
                product_card=self._product_card,
                pinned=self._pinned,
            )
