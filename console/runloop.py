"""The run loop: the periodic tick and running until told to stop, on the asyncio loop.

qasync makes the asyncio loop the Qt loop in the window, so this one loop serves both modes.
Work from other threads (a camera status from the capture thread) reaches the loop thread
through `on_loop(fn, …)` — `call_soon_threadsafe` while the loop runs, held until it starts (or
run at shutdown) otherwise; the UI's equivalent is `console.ui.taskman.to_gui`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from typing import Any, Callable

from console.core.signal import Signal

log = logging.getLogger(__name__)
TICK_S = 0.25


GC_YOUNG_THRESHOLD = 25_000
"""Net container allocations between young collections (CPython's default is 700)."""


def tune_gc() -> None:
    """Set the collector up for a busy room, once start-up is done."""
    # Startup objects never die; freezing them keeps full GC passes (and loop stalls under a
    # 50k events/s load) short.
    gc.freeze()
    # Events are plain data (no reference cycles), but every one is a tracked container: at
    # the default 700-allocation threshold a 20k/s room triggers ~90 young collections a
    # second, each rescanning the events still queued for the log. Measured headless at
    # 20k/s: GC time 2.9 s → 0.4 s per 20 s, longest pause 176 → ~80 ms.
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


class RunLoop:
    def __init__(self, tick: Callable[[], Any], clock, platforms=None) -> None:
        self._tick = tick
        self._clock = clock
        self._platforms = platforms
        self.ticked = Signal("app.ticked")
        """After every tick (4×/s), on the loop thread; a failing listener is logged and skipped."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
        self._lock = threading.Lock()

    def set_platforms(self, platforms) -> None:
        """A new PlatformRunner after a mid-show switch: it is the one stopped at the end."""
        self._platforms = platforms

    def on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call `fn(*args)` on the loop thread soon; safe from any thread."""
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._call, fn, args)
                return
            except RuntimeError:  # the loop closed under us: keep it for drain_pending()
                pass
        with self._lock:
            self._pending.append((fn, args))

    @staticmethod
    def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 — one failing call never stops the loop
            log.exception("loop call %r failed", fn)

    def drain_pending(self) -> None:
        """Run what arrived while no loop ran (call on the thread that owns the services)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for fn, args in pending:
            self._call(fn, args)

    def tick(self) -> None:
        self.drain_pending()
        self._tick()
        self.ticked.emit()

    async def run(self, quit_after: float | None = None, stop: asyncio.Event | None = None) -> None:
        """Run the platforms and the periodic tick until `stop` is set or `quit_after` passes."""
        stop = stop or asyncio.Event()
        self._loop = asyncio.get_running_loop()
        tune_gc()
        if self._platforms is not None:
            self._platforms.start()
        deadline = None if quit_after is None else self._clock.monotonic() + quit_after
        try:
            while not stop.is_set():
                self.tick()
                if deadline is not None and self._clock.monotonic() >= deadline:
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK_S)
        finally:
            if self._platforms is not None:
                await self._platforms.stop()
            self._loop = None
            self.tick()
