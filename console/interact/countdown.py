"""Countdowns and flash sales (限时抢购): a timer on the video, 10–300 s."""

from __future__ import annotations

from console.messages import M, Message

from dataclasses import dataclass

from console.core import actions as A
from console.core.events import ActionSource

from .outbox import Outbox
from .results import Result, ok, refused
from .views import CountdownView

MIN_S, MAX_S = 10.0, 300.0


def clamp_seconds(seconds: float) -> tuple[float, Message | None]:
    """The duration to use and, when it had to change, a message saying so."""
    span = {"low": f"{MIN_S:g}", "high": f"{MAX_S:g}", "seconds": f"{seconds:g}"}
    if seconds < MIN_S:
        return MIN_S, M("countdown.raised", **span)
    if seconds > MAX_S:
        return MAX_S, M("countdown.cut", **span)
    return float(seconds), None


@dataclass
class _Running:
    countdown_id: str
    label: str
    total_s: float
    started: float
    flash_sale: bool
    sku: str | None
    price: float | None
    ended: bool = False


class CountdownEngine:
    def __init__(self, clock, outbox: Outbox) -> None:
        self.clock = clock
        self.outbox = outbox
        self.current: _Running | None = None

    def start(self, seconds: float, label: str, *, flash_sale: bool, sku: str | None,
              price: float | None, source: ActionSource) -> Result:
        if not label.strip():
            return refused("countdown.label")
        if price is not None and price < 0:
            return refused("countdown.price")
        if self.current is not None and not self.current.ended:
            return refused("countdown.running")
        total, warning = clamp_seconds(float(seconds))
        cid = self.outbox.new_id("countdown")
        self.current = _Running(cid, label.strip(), total, self.clock.monotonic(), flash_sale, sku, price)
        self.outbox.emit(A.COUNTDOWN_START, {
            "countdown_id": cid, "seconds": total, "label": self.current.label,
            "flash_sale": flash_sale, "sku": sku, "price": price, "requested_s": float(seconds),
        }, source)
        key = "flash_sale.started" if flash_sale else "countdown.started"
        return ok(key, warning=warning, label=self.current.label, seconds=f"{total:g}")

    def remaining_s(self) -> float:
        if self.current is None:
            return 0.0
        return max(0.0, self.current.total_s - (self.clock.monotonic() - self.current.started))

    def tick(self) -> list[Result]:
        if self.current is not None and not self.current.ended and self.remaining_s() == 0.0:
            return [self._end("done", ActionSource.ENGINE)]
        return []

    def _end(self, reason: str, source: ActionSource) -> Result:
        assert self.current is not None
        self.current.ended = True
        self.outbox.emit(A.COUNTDOWN_END, {"countdown_id": self.current.countdown_id, "reason": reason}, source)
        return ok("countdown.ended", label=self.current.label)

    def stop(self, source: ActionSource) -> Result:
        if self.current is None:
            return ok("countdown.none")
        result = self._end("stopped", source) if not self.current.ended else ok("countdown.removed")
        self.current = None
        return result

    def view(self) -> CountdownView | None:
        cur = self.current
        if cur is None:
            return None
        return CountdownView(cur.countdown_id, cur.label, self.remaining_s(), cur.total_s,
                             cur.flash_sale, cur.sku, cur.price)
