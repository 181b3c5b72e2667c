"""The one object the UI, hotkeys and the run-of-show talk to for interactions.

It owns the engines, feeds them hub events, applies the cross-cutting guards (air-text lint,
fatigue) and publishes what the engines recorded as Actions. Threading: operations and hub
batches arrive on the loop thread; `snapshot()` may be called from the video worker, so all state
is touched under one lock, and Actions are published only after the lock is released.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import threading
from collections import deque
from typing import Any, Awaitable, Callable, Sequence

from console.commerce.backend import CouponBackend, PublishOutcome
from console.commerce.catalog import Catalog, shared_catalog
from console.core import actions as A
from console.core.clock import Clock, SystemClock
from console.core.events import ActionSource, Event, Viewer
from console.core.hub import SessionHub
from console.core.signal import Signal

from . import registry
from .fatigue import FatigueGuard
from .lint import AirTextLint, describe
from .outbox import Outbox
from .poll import PollBackend
from .prediction import PredictionBackend
from .presets import Preset, load_presets
from .results import Result, ok, refused
from .views import OverlayState, RoomView

__all__ = ["Interactions", "Result", "Preset"]

log = logging.getLogger(__name__)

AUDIENCE_KINDS = ("comment", "like", "gift", "follow", "join", "leave", "order", "viewer_count")


class Interactions:
    """Interaction operations are the registered kinds' actions (console/interact/kinds/):
    `ix.open_poll(...)`, `ix.draw()` … resolve through the registry, so a new kind adds its
    operations here without this class changing."""

    def __init__(self, hub: SessionHub, clock: Clock | None = None, *,
                 coupon_backend: CouponBackend | None = None, fatigue: FatigueGuard | None = None,
                 lint: AirTextLint | None = None, presets: list[Preset] | None = None,
                 poll_backend: PollBackend | None = None, catalog: Catalog | None = None,
                 language: Callable[[], str] | None = None,
                 prediction_backend: PredictionBackend | None = None) -> None:
        self.hub = hub
        self.catalog = catalog if catalog is not None else shared_catalog()
        """The one product catalog: product cards and segments take names and prices from it."""
        self.language = language or (lambda: "zh")
        """The audience's language (overlay language): what product names on air are written in."""
        self.clock = clock or SystemClock()
        self.fatigue = fatigue or FatigueGuard()
        self.lint = lint or AirTextLint.load()
        self.preset_problems: list[str] = []
        """What was wrong with presets.toml (each bad preset skipped), for the host."""
        self.presets: list[Preset] = load_presets(problems=self.preset_problems) if presets is None else presets
        self.coupon_backend = coupon_backend
        self.poll_backend = poll_backend
        self.prediction_backend = prediction_backend
        """Runs predictions on the platform (Twitch); None = no platform has them (refused)."""
        self._lock = threading.RLock()
        self.outbox = Outbox(self.clock)
        self.changed = Signal("interactions.changed")
        """Emitted after anything changed (often: per comment batch); listeners stay cheap."""
        self._first_seen: dict[str, float] = {}
        self._started = self.clock.monotonic()
        self._viewers: int | None = None
        self.blocked: set[str] = set()
        self.chain_head: Callable[[], tuple[int, str] | None] = lambda: None
        """The session log's newest (seq, hash) on disk; the app points it at the store."""
        self.notices: deque[Result] = deque(maxlen=50)
        """Results that arrived later (a shop answering); newest last, for the UI to show."""

        self.kinds = registry.load_kinds()
        self.engines: dict[str, Any] = {k.name: k.engine(self) for k in self.kinds}
        self._event_handlers = [e.on_events for e in self.engines.values() if hasattr(e, "on_events")]
        self._tickers = [e.tick for e in self.engines.values() if hasattr(e, "tick")]
        self._subscription = hub.subscribe(self._on_events, name="interactions", kinds=AUDIENCE_KINDS)

    def __getattr__(self, name: str) -> Any:
        # Registered actions become methods (ix.open_poll(...)); kind names give their engine.
        if name.startswith("_"):
            raise AttributeError(name)
        act = registry.action(name)
        if act is not None:
            return functools.partial(act.fn, self)
        engines = self.__dict__.get("engines", {})
        if name in engines:
            return engines[name]
        raise AttributeError(f"Interactions has no action or kind {name!r}")

    def engine(self, kind: str) -> Any:
        return self.engines[kind]

    # -- plumbing ------------------------------------------------------------------------------
    def add_listener(self, fn: Callable[[], None]) -> None:
        self.changed.connect(fn)

    def close(self) -> None:
        self.hub.unsubscribe(self._subscription)

    def _flush(self, changed: bool = True) -> None:
        """Publish what the engines recorded, then tell listeners. Never called under the lock."""
        with self._lock:
            actions = self.outbox.drain()
        if actions:
            self.hub.publish_batch(actions)
        if changed or actions:
            self.changed.emit()  # a broken panel is logged by Signal and never stops the engines

    def run(self, op: Callable[[], Result]) -> Result:
        """Run an engine operation under the lock, then publish what it recorded.

        Both inside the hub's delivery order (hub.ordered()), so no audience batch is delivered
        between a state change (lottery open/close) and the record of it.
        """
        with self.hub.ordered():
            with self._lock:
                result = op()
            self._flush(result.ok)
        return result

    def watch_time(self, viewer: Viewer) -> float:
        return self.clock.monotonic() - self._first_seen.get(viewer.id, self._started)

    def _on_events(self, batch: Sequence[Event]) -> None:
        with self._lock:
            now = self.clock.monotonic()
            seen = self._first_seen
            for ev in batch:
                if ev.kind == "viewer_count":
                    self._viewers = ev.count
                elif ev.viewer is not None and ev.viewer.id not in seen:
                    seen[ev.viewer.id] = now
            changed = False
            for handler in self._event_handlers:
                changed |= bool(handler(batch))
        self._flush(changed)

    def spawn(self, coro: Awaitable[PublishOutcome], done: Callable[[PublishOutcome], None]) -> bool:
        """Run a backend call (a shop answering) on the asyncio loop; `done` under the lock."""
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

    def async_result(self, result: Result) -> None:
        self.notices.append(result)

    def guarded(self, kind: str, texts: Sequence[str | None], override_lint: bool,
                op: Callable[[], Result], *, call_to_action: bool) -> Result:
        """Lint the air text, run the operation, count it against viewer fatigue."""
        hits = self.lint.check(*texts)
        if hits and not override_lint:
            return refused(describe(hits), tuple(h.term for h in hits))
        with self.hub.ordered():
            return self._guarded(kind, texts, hits, op, call_to_action)

    def _guarded(self, kind, texts, hits, op, call_to_action) -> Result:
        with self._lock:
            result = op()
            if result.ok and hits:
                self.outbox.emit(A.LINT_OVERRIDE, {
                    "kind": kind, "text": " | ".join(t for t in texts if t),
                    "hits": [h.term for h in hits]}, ActionSource.HOST)
            if result.ok and call_to_action:
                now = self.clock.monotonic()
                warning = self.fatigue.record(now, kind)
                if warning:
                    self.outbox.emit(A.FATIGUE_WARNING, {
                        "kind": kind, "count": self.fatigue.recent(now),
                        "window_s": self.fatigue.window_s, "max_calls": self.fatigue.max_calls,
                    }, ActionSource.ENGINE)
                    result = dataclasses.replace(result, warnings=(*result.warnings, warning))
        self._flush(result.ok)
        return result

    def fatigue_preview(self) -> str | None:
        """What the next call to action would be warned about (show it next to the buttons),
        in the interface language."""
        with self._lock:
            warning = self.fatigue.would_warn(self.clock.monotonic())
        return warning.text() if warning is not None else None

    def block_viewer(self, viewer_id: str) -> None:
        """Blocked viewers cannot enter lotteries from now on (moderation)."""
        with self._lock:
            self.blocked.add(viewer_id)

    # -- stop, presets, time -------------------------------------------------------------------
    def stop(self, kind: str, source: ActionSource = ActionSource.HOST) -> Result:
        if kind not in self.engines:
            return refused("stop.unknown", kind=kind, kinds=", ".join(self.engines))
        spec = registry.KINDS[kind]
        return self.run(lambda: spec.stop(self.engines[kind], source))

    def run_preset(self, preset_id: str, *, override_lint: bool = False,
                   source: ActionSource = ActionSource.HOST) -> Result:
        preset = next((p for p in self.presets if p.id == preset_id), None)
        if preset is None:
            return refused("preset.unknown", preset=preset_id)
        name = registry.KINDS[preset.kind].preset_action if preset.kind in registry.KINDS else None
        if name is None:
            return refused("preset.kind", label=preset.label_en, kind=preset.kind)
        try:
            return registry.ACTIONS[name].fn(self, **preset.params, source=source, override_lint=override_lint)
        except (KeyError, TypeError) as exc:
            return refused("preset.bad", label=preset.label_en, error=str(exc))

    def tick(self) -> list[Result]:
        with self.hub.ordered():
            with self._lock:
                results = [r for tick in self._tickers for r in tick()]
                # A countdown on air changes what panels show every second without any event.
                counting = any(k.timed and self.engines[k.name].view() is not None for k in self.kinds)
            self._flush(bool(results) or counting)
        return results

    def snapshot(self) -> OverlayState:
        with self._lock:
            return OverlayState(RoomView(self._viewers), **{name: e.view() for name, e in self.engines.items()})
